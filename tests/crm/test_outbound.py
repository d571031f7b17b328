"""The outbound-connection guard: internal addresses are refused after resolution, an
allowed host passes, and a closed port reads the same as a silent one."""

import time

import pytest

from crm import outbound
from tests.conftest import was_contacted

REFUSED = [
    "127.0.0.1",
    "localhost",
    "127.1",  # inet_aton's short form: caught because the check runs after resolution
    "2130706433",  # 127.0.0.1 as one number
    "0.0.0.0",
    "169.254.169.254",  # the cloud metadata service
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.10",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",  # multicast (not "private", but no server)
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",  # the old IPv4-compatible form
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::808:808",  # NAT64 even of a public address
    "64:ff9b:1::1",
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "fe80::1",
    "fc00::1",
    "fec0::1",  # site-local
    "ff02::1",
    "2001:db8::1",  # documentation
]


@pytest.fixture
def no_allowed_hosts(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []


@pytest.mark.parametrize("host", REFUSED)
def test_internal_addresses_are_refused(no_allowed_hosts, host):
    with pytest.raises(outbound.AddressRefused) as refused:
        outbound.vet(host, 993)
    assert host in str(refused.value)


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(no_allowed_hosts, host):
    assert outbound.vet(host, 993)


def test_loopback_is_refused_before_anything_connects(no_allowed_hosts, listener):
    port = listener.getsockname()[1]
    for host in ("127.0.0.1", "localhost", "::ffff:127.0.0.1"):
        with pytest.raises(outbound.AddressRefused):
            outbound.connect(host, port, timeout=1)
    assert not was_contacted(listener)


def test_an_unknown_name_is_not_found(no_allowed_hosts):
    with pytest.raises(outbound.HostNotFound):
        outbound.vet("no-such-host.invalid", 993)
    with pytest.raises(outbound.HostNotFound):
        outbound.vet("", 993)


@pytest.mark.parametrize("allowed", ["127.0.0.1", "127.0.0.0/8", "localhost", "LOCALHOST."])
def test_an_allowed_host_passes_and_connects(settings, listener, allowed):
    settings.OUTBOUND_ALLOWED_HOSTS = [allowed]
    host = "localhost" if "localhost" in allowed.lower() else "127.0.0.1"
    with outbound.connect(host, listener.getsockname()[1], timeout=1):
        assert was_contacted(listener)


def test_an_allowed_network_lets_only_its_addresses_through(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.0.0.0/24", "imap.intern"]
    assert outbound.vet("10.0.0.7", 993)
    with pytest.raises(outbound.AddressRefused):
        outbound.vet("10.0.1.7", 993)
    with pytest.raises(outbound.AddressRefused):
        outbound.vet("127.0.0.1", 993)


def test_closed_and_silent_ports_read_the_same(settings, closed_port, silent_port):
    """A port that refuses at once and one that never answers give one message, so the
    answer does not tell which ports are open."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_CONNECT_TIMEOUT = 0.5
    with pytest.raises(outbound.Unreachable) as refused:
        outbound.connect("127.0.0.1", closed_port, timeout=1)
    started = time.monotonic()
    with pytest.raises(outbound.Unreachable) as dropped:
        outbound.connect("127.0.0.1", silent_port, timeout=1)
    assert time.monotonic() - started < 2
    assert str(refused.value) == str(dropped.value)
    assert str(refused.value) == "Fikk ikke kontakt med serveren. Sjekk vertsnavn og port."
