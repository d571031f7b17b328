import pytest

from mailbox.parsing import (
    MalformedMessage,
    parse_headers,
    parse_message,
    rewrite_cid,
    sanitise_html,
)
from tests.mailbox.conftest import raw_mail


def test_message_id_is_the_dedupe_key():
    parsed = parse_message(raw_mail(message_id="<abc@example.no>"))
    assert parsed.dedupe_key == "id:abc@example.no"


def test_message_without_message_id_gets_a_stable_fallback_key():
    raw = raw_mail(message_id=None)
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id == ""
    assert first.dedupe_key.startswith("sha256:")
    assert first.dedupe_key == second.dedupe_key


def test_unknown_charset_is_read_without_failing():
    raw = (
        b"From: a@example.no\r\nTo: b@example.no\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=x-does-not-exist\r\n\r\nHei \xe6\xf8\xe5\r\n"
    )
    parsed = parse_message(raw)
    assert "Hei" in parsed.text


def test_non_ascii_headers_are_decoded():
    raw = (
        b"From: =?utf-8?q?Bj=C3=B8rn_=C3=85s?= <bjorn@example.no>\r\n"
        b"To: b@example.no\r\nSubject: =?utf-8?b?w5hsIG9nIGvDpWw=?=\r\n\r\nx\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Øl og kål"
    assert parsed.from_name == "Bjørn Ås"
    assert parsed.from_address == "bjorn@example.no"


def test_broken_multipart_keeps_what_can_be_read():
    raw = (
        b"From: a@example.no\r\nTo: b@example.no\r\nSubject: broken\r\n"
        b'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        b"--XYZ\r\nContent-Type: text/plain\r\n\r\nFirst part\r\n--XY"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "broken"


def test_empty_message_is_malformed():
    with pytest.raises(MalformedMessage):
        parse_message(b"\r\n\r\n")


def test_garbage_without_headers_is_malformed():
    with pytest.raises(MalformedMessage):
        parse_message(b"\x00\x01 this is not mail at all")


def test_html_is_sanitised_and_cid_images_point_at_attachments():
    html = '<p onclick="x()">Hei<script>alert(1)</script><img src="cid:logo@x"></p>'
    clean = sanitise_html(rewrite_cid(html, {"logo@x": "/mail/attachments/7/"}))
    assert "script" not in clean
    assert "onclick" not in clean
    assert 'src="/mail/attachments/7/"' in clean


def test_remote_javascript_links_are_dropped():
    assert "javascript" not in sanitise_html('<a href="javascript:alert(1)">x</a>')


@pytest.mark.parametrize(
    "raw",
    [
        raw_mail(to='"Hansen, Kari" <KARI@example.no>, ola@firma.no', cc="Per <per@example.no>"),
        (
            b"From: =?utf-8?q?Bj=C3=B8rn_=2C_=C3=85s?= <bjorn@example.no>\r\n"
            b"To: a@example.no,\r\n b@example.no\r\nMessage-ID:\r\n <folded@example.no>\r\n"
            b"Subject: x\r\n\r\nx\r\n"
        ),
        (
            b"From: K\xf8ster <kunde@example.no>\r\nTo: ola@firma.no\r\n"
            b"Message-ID: <8bit\x00@example.no>\r\nSubject: x\r\n\r\nHei\r\n"
        ),
        raw_mail(message_id=None),
    ],
)
def test_headers_alone_give_the_addresses_and_key_the_whole_message_gives(raw):
    whole = parse_message(raw)
    header, _sep, _body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else (raw, 0, 0)
    headers = parse_headers(header.partition(b"\n\n")[0] + b"\r\n\r\n")
    assert headers.addresses == {whole.from_address, *whole.to, *whole.cc}
    assert headers.dedupe_key == (whole.dedupe_key if whole.message_id else "")
