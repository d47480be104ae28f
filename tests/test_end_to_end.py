"""The whole path, for real: Dovecot → `intake poll` → SQLite + files → aiosmtpd."""
from __future__ import annotations

import email
import email.policy
import hashlib
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from builders.samples import Sample, mail, form, samples
from db.models import Message, Reply
from run_cli import intake

pytestmark = pytest.mark.servers


def rows(config: Path) -> dict[str, Message]:
    """The message rows by Message-ID, read straight from the SQLite file."""
    url = next(line.split("url:", 1)[1].strip() for line in config.read_text().splitlines()
               if "url:" in line)
    engine = create_engine(url)
    with Session(engine) as session:
        found = {m.message_id: m for m in session.scalars(select(Message))}
        for m in found.values():
            _ = m.attachments, m.problems, m.replies   # load before the session closes
    engine.dispose()
    return found


def message_id(sample: Sample) -> str:
    return email.message_from_bytes(sample.raw)["Message-ID"]


def append_all(dovecot, items: list[Sample]) -> None:
    for sample in items:
        dovecot.append(sample.raw, internaldate=sample.internaldate)


def test_twenty_messages_are_stored_judged_and_answered_once(dovecot, smtp_sink, live_config, tmp_path):
    # GIVEN twenty mails of every kind in a real IMAP mailbox
    items = samples()
    append_all(dovecot, items)
    flags_before = dovecot.flags()
    # WHEN the staff's poller runs once
    out = intake("poll", config=live_config).stdout
    # THEN every mail is a row with the decision a person would reach
    assert "20 new" in out
    found = rows(live_config)
    assert len(found) == 20
    for sample in items:
        row = found[message_id(sample)]
        assert (row.decision, row.ignore_reason) == (sample.decision, sample.ignore_reason), sample.name
        assert sorted(p.code for p in row.problems) == sorted(sample.codes), sample.name
        assert row.state == "processed"
    # AND every attachment is on disk under its sha256, and the raw message too
    storage = tmp_path / "var"
    for row in found.values():
        assert (storage / "raw" / row.raw_sha256[:2] / f"{row.raw_sha256}.eml").is_file()
        for att in row.attachments:
            data = (storage / "files" / att.sha256[:2] / att.sha256).read_bytes()
            assert hashlib.sha256(data).hexdigest() == att.sha256 and len(data) == att.size
    # AND each submission attempt got exactly one reply; ignored mail none
    answered = {s.name: s for s in items if s.answered}
    assert len(smtp_sink.received) == len(answered) == 14
    replied_to = sorted(m["In-Reply-To"] for m in smtp_sink.messages())
    assert replied_to == sorted(message_id(s) for s in answered.values())
    # AND the server's flags are unchanged (read-only select, BODY.PEEK)
    assert dovecot.flags() == flags_before


def test_reply_headers_thread_and_mark_the_reply_automatic(dovecot, smtp_sink, live_config):
    # GIVEN one accepted submission
    sample = samples()[0]
    append_all(dovecot, [sample])
    # WHEN it is polled
    intake("poll", config=live_config)
    # THEN the reply threads under it and says it is automatic (RFC 3834)
    (reply,) = smtp_sink.messages()
    assert reply["In-Reply-To"] == reply["References"] == message_id(sample)
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["X-Auto-Response-Suppress"] == "All"
    assert reply["Message-ID"].endswith("@163.com>")
    subject = str(make_header(decode_header(reply["Subject"])))
    assert subject == "回复：碳排放管理案例征集+某物流园区碳排放核算案例"
    assert smtp_sink.received[0].rcpt_tos == ["zhangsan@example.com"]
    body = email.message_from_bytes(smtp_sink.received[0].data, policy=email.policy.default)
    text = body.get_body(("plain",)).get_content()
    assert "CASE-2022-0001" in text and "园区照片1.jpg" in text
    assert "CASE-2022-0001" in body.get_body(("html",)).get_content()


def test_second_poll_fetches_and_sends_nothing_and_later_mail_is_picked_up(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once
    items = samples()
    append_all(dovecot, items[:10])
    intake("poll", config=live_config)
    sent = len(smtp_sink.received)
    # WHEN it is polled again with nothing new
    out = intake("poll", config=live_config).stdout
    # THEN nothing is fetched or sent
    assert ": 0 new" in out and "0 already seen" in out
    assert len(smtp_sink.received) == sent
    # WHEN more mail arrives
    append_all(dovecot, items[10:])
    out = intake("poll", config=live_config).stdout
    # THEN the next poll takes exactly the new ones
    assert ": 10 new" in out
    assert len(rows(live_config)) == 20
    assert len(smtp_sink.received) == 14


def test_smtp_down_keeps_replies_queued_until_it_returns(dovecot, smtp_sink, live_config):
    # GIVEN submissions in the mailbox and the SMTP server down
    items = [s for s in samples() if s.answered][:5]
    append_all(dovecot, items)
    smtp_sink.stop()
    # WHEN the poller runs
    out = intake("poll", config=live_config).stdout
    # THEN everything is stored and the replies wait
    assert "5 new" in out and "0 sent, 5 waiting" in out
    found = rows(live_config)
    assert len(found) == 5
    replies = [r for m in found.values() for r in m.replies]
    assert len(replies) == 5 and all(r.state == "failed" and r.attempts == 1 for r in replies)
    assert all(r.next_attempt_at is not None and r.last_error for r in replies)
    # WHEN the server is back and the next poll runs
    smtp_sink.restart()
    out = intake("poll", config=live_config).stdout
    # THEN each reply is sent once, and a further poll sends nothing more
    assert "5 sent" in out
    intake("poll", config=live_config)
    assert sorted(m["In-Reply-To"] for m in smtp_sink.messages()) == sorted(map(message_id, items))


def test_uidvalidity_change_reprocesses_nothing(dovecot, smtp_sink, live_config):
    # GIVEN a polled mailbox
    items = samples()[:8]
    append_all(dovecot, items)
    intake("poll", config=live_config)
    sent = len(smtp_sink.received)
    old = dovecot.uidvalidity()
    # WHEN the folder is recreated with the same messages (new UIDVALIDITY)
    new = dovecot.recreate_inbox_with_same_messages()
    assert new != old
    out = intake("poll", config=live_config).stdout
    # THEN nothing is processed or answered again
    assert ": 0 new" in out
    assert len(rows(live_config)) == 8
    assert len(smtp_sink.received) == sent
    # AND mail arriving after the change is still picked up
    dovecot.append(mail(99, "碳排放管理案例征集+新案例", files=[form(case_name="新案例")]).as_bytes())
    assert ": 1 new" in intake("poll", config=live_config).stdout


def test_wrong_password_is_one_clear_line(dovecot, smtp_sink, live_config):
    # GIVEN the wrong password in the environment
    # WHEN the poller runs
    proc = intake("poll", config=live_config, check=False, env={"TEST_IMAP_PASSWORD": "wrong"})
    # THEN it says the login was refused, in one line, without a traceback
    assert proc.returncode == 1
    assert "refused the login" in proc.stderr and "Traceback" not in proc.stderr
    assert "wrong" not in proc.stderr          # the secret is never printed


def test_client_sends_imap_id_after_login(dovecot, smtp_sink, live_config):
    # GIVEN a server that advertises ID (163.com refuses SELECT without it)
    # WHEN the poller logs in
    intake("poll", config=live_config)
    # THEN the server logged our ID parameters (RFC 2971)
    log = dovecot.log_path.read_text(errors="replace")
    assert "ID sent" in log and "case-intake" in log
