"""The one way the CRM opens a connection to a server that a user or a setting names.

A staff user types an IMAP server into the mail-account form; the settings name the SMS
gateway and the phone directory. Unchecked, any of them can point into the server's own
network (loopback, the cloud metadata service at 169.254.169.254, the office LAN), and
the answers ("refused" at once, "no answer" after a while) map which ports are open there.
So every such connection goes through :func:`connect`:

- the name is resolved once, and refused if ANY of its addresses is not a public one.
  The check runs on the resolved addresses, so "127.1", "2130706433", "::ffff:127.0.0.1"
  or a DNS name pointing inward are caught like "127.0.0.1";
- the socket is connected to the vetted address itself, never to the name again, so a
  DNS answer that changes between the check and the connection (rebinding) cannot slip
  through; TLS still checks the certificate against the name (the caller's
  ``server_hostname``);
- whatever fails before the server has answered (refused, timeout, unreachable) raises
  :class:`Unreachable` with one neutral message, and the connection attempt gives up after
  ``OUTBOUND_CONNECT_TIMEOUT`` seconds, so a test holds a worker for seconds, not minutes.

``OUTBOUND_ALLOWED_HOSTS`` lets a firm's own internal servers through: host names
(compared before resolution), addresses and networks (``10.0.0.0/24``).

TLS on such a connection (IMAP, SMTP) takes :func:`tls_context`: the certificate must be
valid for the name and signed by a trusted authority — the system's, plus the one in
``OUTBOUND_CA_FILE`` for a firm's own. (Python's imaplib and smtplib check nothing when
given no context.)
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges that carry an IPv4 address, or lead to one through a translator: where the
# packets end up is not what the address says, so none of them is trusted.
_TRANSLATED = [
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix (RFC 6052)
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64, local use (RFC 8215)
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated), ::1 and :: included
    ipaddress.ip_network("2002::/16"),  # 6to4
    ipaddress.ip_network("2001::/32"),  # Teredo
]


def tls_context() -> ssl.SSLContext:
    """A client TLS context that verifies the server's certificate and name."""
    context = ssl.create_default_context()
    if settings.OUTBOUND_CA_FILE:
        context.load_verify_locations(cafile=settings.OUTBOUND_CA_FILE)
    return context


class OutboundError(Exception):
    """Why no connection was made; ``str(error)`` is a message for the user."""


class CertificateRefused(OutboundError):
    """The server answered with TLS, but its certificate is not valid for its name or not
    signed by a trusted authority."""

    def __init__(self, host: str):
        super().__init__(
            _(
                "The certificate of %(host)s could not be verified. Check the server name, "
                "or ask your administrator to trust the firm's own certificate authority."
            )
            % {"host": host}
        )


class HostNotFound(OutboundError):
    def __init__(self, host: str):
        super().__init__(_("The server name %(host)s was not found.") % {"host": host})


class AddressRefused(OutboundError):
    """The host is, or resolves to, an address inside a private or special network."""

    def __init__(self, host: str):
        super().__init__(
            _(
                "%(host)s is an internal address, which the CRM may not connect to. "
                "If it is your firm's own server, ask the administrator to allow it."
            )
            % {"host": host}
        )


class Unreachable(OutboundError):
    """Refused, timed out or unreachable: one message for all, so that it tells nothing
    about which ports are open."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Could not reach the server. Check the host name and port."))


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is an ordinary address on the public internet."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address.is_site_local or any(address in net for net in _TRANSLATED):
            return False
    # is_global alone lets multicast (224.0.0.0/4) through.
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
    )


@lru_cache(maxsize=8)
def _allowed(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple]:
    names, networks = set(), []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(_name(entry))
    return frozenset(names), tuple(networks)


def _name(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _is_allowed(address: IPAddress, networks) -> bool:
    candidates = [address]
    if address.version == 6 and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(a.version == n.version and a in n for a in candidates for n in networks)


def vet(host: str, port: int) -> list[tuple[int, tuple]]:
    """Resolve ``host`` and return its addresses as ``(family, sockaddr)`` for
    :meth:`socket.connect`; raise :class:`HostNotFound` or :class:`AddressRefused`."""
    host = (host or "").strip()
    if not host:
        raise HostNotFound(host)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as error:
        raise HostNotFound(host) from error
    names, networks = _allowed(tuple(settings.OUTBOUND_ALLOWED_HOSTS))
    name_allowed = _name(host) in names
    vetted = []
    for family, _type, _proto, _canonname, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise AddressRefused(host)
        try:
            address = ipaddress.ip_address(sockaddr[0])
        except ValueError as error:
            raise AddressRefused(host) from error
        if not (name_allowed or is_public(address) or _is_allowed(address, networks)):
            raise AddressRefused(host)
        if (family, sockaddr) not in vetted:
            vetted.append((family, sockaddr))
    if not vetted:
        raise HostNotFound(host)
    return vetted


def connect(host: str, port: int, *, timeout: float) -> socket.socket:
    """A TCP socket to ``host:port`` over a vetted address. Connecting may take at most
    ``OUTBOUND_CONNECT_TIMEOUT`` seconds in all; ``timeout`` applies to what follows."""
    addresses = vet(host, port)
    deadline = time.monotonic() + settings.OUTBOUND_CONNECT_TIMEOUT
    last_error = None
    for family, sockaddr in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(remaining)
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        sock.settimeout(timeout)
        return sock
    raise Unreachable() from last_error
