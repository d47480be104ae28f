"""Large base64 bodies are cut out before parsing and decoded from the raw bytes."""
from __future__ import annotations

import base64
import email
import os

from parsers import blobs


def big_mail(data: bytes, line: int = 76) -> bytes:
    b64 = base64.b64encode(data)
    body = b"\r\n".join(b64[i:i + line] for i in range(0, len(b64), line))
    return (b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            b"Content-Disposition: attachment; filename=a.bin\r\n\r\n" + body + b"\r\n--b--\r\n")


def test_a_large_base64_body_round_trips_through_the_token():
    # GIVEN a 3 MB attachment in 76- and 72-character lines
    data = os.urandom(3 * 1024 * 1024 + 7)
    for line in (76, 72, 64):
        raw = big_mail(data, line)
        # WHEN shrunk, parsed, and the part decoded from the blobs
        small, found = blobs.shrink(raw)
        assert len(small) < 2000 and len(found.spans) == 1
        part = [p for p in email.message_from_bytes(small).walk() if p.get_filename()][0]
        # THEN the bytes are exactly the attachment's
        assert found.payload(part.get_payload()) == data


def test_small_messages_are_left_alone():
    raw = big_mail(b"abc" * 1000)
    small, found = blobs.shrink(raw)
    assert small is raw and found.payload("INTAKEBLOB00000000X") is None


def test_restore_text_puts_a_run_back_verbatim():
    raw = big_mail(os.urandom(2 * 1024 * 1024))
    small, found = blobs.shrink(raw)
    part = [p for p in email.message_from_bytes(small).walk() if p.get_filename()][0]
    assert found.restore_text(part.get_payload()).encode() in raw
