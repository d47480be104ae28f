"""The loopback servers the integration tests use really work."""

from __future__ import annotations

import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage

import pytest
from imapclient import IMAPClient

from servers import Dovecot, SmtpSink

pytestmark = pytest.mark.servers


def _raw(n: int) -> bytes:
    # CRLF endings: Dovecot stores LF on disk and serves CRLF, so only CRLF
    # input round-trips byte for byte.
    return (f"From: sender{n}@example.org\r\nTo: intake@example.org\r\n"
            f"Subject: case {n}\r\nMessage-ID: <case{n}@example.org>\r\n\r\n"
            f"Body of case {n}.\r\n").encode()


def _connect(server: Dovecot) -> IMAPClient:
    client = IMAPClient(server.host, port=server.port, ssl=False, timeout=10)
    client.login(server.user, server.password)
    return client


def test_append_and_read_back(dovecot: Dovecot) -> None:
    # GIVEN three messages appended to INBOX
    raws = [_raw(n) for n in range(3)]
    uids = dovecot.append_many(raws)
    # WHEN a client logs in and fetches them with BODY.PEEK[]
    client = _connect(dovecot)
    try:
        caps = client.capabilities()
        client.select_folder("INBOX")
        fetched = client.fetch(uids, ["BODY.PEEK[]"])
    finally:
        client.logout()
    # THEN ID is advertised, UIDs ascend, bytes match and no \Seen was set
    assert {b"ID", b"IDLE", b"UIDPLUS", b"CONDSTORE"} <= set(caps)
    assert uids == sorted(uids) and len(set(uids)) == 3
    assert [fetched[u][b"BODY[]"] for u in uids] == raws
    assert all(b"\\Seen" not in f for f in dovecot.flags().values())


def test_append_with_flags_and_date(dovecot: Dovecot) -> None:
    # GIVEN a message appended as already seen, with an internal date
    when = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    uid = dovecot.append(_raw(1), flags=(b"\\Seen",), internaldate=when)
    # WHEN its flags are read
    flags = dovecot.flags()
    # THEN the flag stuck to that UID
    assert b"\\Seen" in flags[uid]


def test_restart_keeps_mail_and_port(dovecot: Dovecot) -> None:
    # GIVEN a message in INBOX
    uid = dovecot.append(_raw(1))
    port, validity = dovecot.port, dovecot.uidvalidity()
    # WHEN the server is stopped (an outage) and started again
    dovecot.stop()
    with pytest.raises(OSError):
        IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=2)
    dovecot.start()
    # THEN the same port serves the same mailbox
    assert dovecot.port == port
    assert dovecot.uidvalidity() == validity
    assert dovecot.messages() == {uid: _raw(1)}


def test_recreated_inbox_has_new_uidvalidity_same_bytes(dovecot: Dovecot) -> None:
    # GIVEN three messages in INBOX, one of them seen
    raws = [_raw(n) for n in range(3)]
    dovecot.append_many(raws[:2])
    dovecot.append(raws[2], flags=(b"\\Seen",))
    before = dovecot.uidvalidity()
    # WHEN INBOX is recreated
    after = dovecot.recreate_inbox_with_same_messages()
    # THEN UIDVALIDITY changed, UIDs restart at 1, bytes and flags are the same
    assert after != before and dovecot.uidvalidity() == after
    assert dovecot.messages() == {1: raws[0], 2: raws[1], 3: raws[2]}
    assert [b"\\Seen" in f for f in dovecot.flags().values()] == [False, False, True]


def test_recreated_folder_has_new_uidvalidity_same_bytes(dovecot: Dovecot) -> None:
    # GIVEN a folder holding two messages
    dovecot.create_folder("Archive")
    raws = [_raw(n) for n in range(2)]
    dovecot.append_many(raws, folder="Archive")
    before = dovecot.uidvalidity("Archive")
    # WHEN the folder is recreated
    after = dovecot.recreate_folder("Archive")
    # THEN UIDVALIDITY changed and the bytes are the same
    assert after != before
    assert list(dovecot.messages("Archive").values()) == raws
    dovecot.delete_folder("Archive")


def _mail() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "intake@example.org", "a@example.org", "Receipt"
    msg.set_content("Thank you.")
    return msg


def test_smtp_sink_receives(smtp_sink: SmtpSink) -> None:
    # GIVEN a running sink; WHEN smtplib sends a message
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as smtp:
        smtp.send_message(_mail())
    # THEN the sink recorded envelope and content
    [got] = smtp_sink.received
    assert got.mail_from == "intake@example.org" and got.rcpt_tos == ["a@example.org"]
    assert smtp_sink.messages()[0]["Subject"] == "Receipt"


def test_smtp_sink_fails_data_on_request(smtp_sink: SmtpSink) -> None:
    # GIVEN a sink told to refuse DATA temporarily
    smtp_sink.fail_with = "451 4.3.0 try later"
    # WHEN smtplib sends; THEN it gets the 451 and nothing is recorded
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as err:
            smtp.send_message(_mail())
    assert err.value.smtp_code == 451
    assert smtp_sink.received == []


def test_smtp_sink_fails_rcpt_on_request(smtp_sink: SmtpSink) -> None:
    # GIVEN a sink told to refuse recipients permanently
    smtp_sink.fail_with, smtp_sink.fail_at = "550 5.7.1 no", "RCPT"
    # WHEN smtplib sends; THEN every recipient is refused with 550
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            smtp.send_message(_mail())
    assert err.value.recipients["a@example.org"][0] == 550


def test_smtp_sink_restart(smtp_sink: SmtpSink) -> None:
    # GIVEN a sink that is stopped (an outage)
    port = smtp_sink.port
    smtp_sink.stop()
    with pytest.raises(OSError):
        smtplib.SMTP(smtp_sink.host, port, timeout=2)
    # WHEN it is started again; THEN the same port accepts mail
    smtp_sink.start()
    with smtplib.SMTP(smtp_sink.host, port, timeout=5) as smtp:
        smtp.send_message(_mail())
    assert smtp_sink.port == port and len(smtp_sink.received) == 1
