"""Looking and mending: `intake show`, `intake reprocess`, `intake resend`."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from builders.samples import PREFIX, form, mail, samples
from db.models import Message, Reply
from run_cli import intake
from test_resubmit import CASE, Desk

pytestmark = pytest.mark.servers


@pytest.fixture
def desk(tmp_path, smtp_sink):
    d = Desk(tmp_path, smtp_sink)
    d.arrive(*[s.raw for s in samples()[:3]])
    d.arrive(mail(40, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    yield d
    d.app.close()


def test_show_tells_everything_about_a_submission_and_its_history(desk: Desk):
    # WHEN the staff look up a receipt shared by two versions
    out = intake("show", "CASE-2022-0001", config=desk.config).stdout
    # THEN they see the latest version, its table, files, reply and both versions
    assert out.startswith("#4  CASE-2022-0001 第 2 版  受理")
    assert "单位名称：某某物流集团有限公司" in out and "案例材料.docx" in out
    assert "zhangsan@example.com  已发送" in out
    history = out.split("历史")[1]
    assert "#1" in history and "→ #4" in history and "第 1 版" in history
    # AND by ID they get that very message
    assert intake("show", "1", config=desk.config).stdout.startswith("#1  CASE-2022-0001 第 1 版")


def test_show_of_an_unknown_reference_is_one_line(desk: Desk):
    proc = intake("show", "CASE-2099-9999", config=desk.config, check=False)
    assert proc.returncode == 1 and proc.stderr.strip().count("\n") == 0
    assert "no message with id or receipt" in proc.stderr


def test_reprocess_judges_again_without_replying_unless_asked(desk: Desk):
    # GIVEN a message a broken parser had marked failed, its table lost
    with desk.app.sessions() as session:
        row = session.get(Message, 2)
        row.state, row.error, row.info = "failed", "KeyError: parser bug", None
        session.commit()
    sent = len(desk.sink.received)
    # WHEN it is reprocessed after the fix
    out = intake("reprocess", "2", config=desk.config).stdout
    # THEN it is judged again from the stored raw bytes, keeping its receipt, and no mail goes out
    assert out.strip() == "#2 failed → accepted  CASE-2022-0002"
    with desk.app.sessions() as session:
        row = session.get(Message, 2)
        assert row.info["case_name"] == "冷链仓储碳排放监测案例" and row.error is None
        assert len(row.replies) == 1 and row.version == 1
    assert len(desk.sink.received) == sent
    # WHEN everything is reprocessed, then one message with --reply
    assert len(intake("reprocess", "--all", config=desk.config).stdout.splitlines()) == 4
    intake("reprocess", "3", "--reply", config=desk.config)
    # THEN versions and receipts are as before, and only the asked-for reply was sent
    with desk.app.sessions() as session:
        rows = list(session.scalars(select(Message).order_by(Message.id)))
    assert [(r.receipt, r.version) for r in rows] == [
        ("CASE-2022-0001", 1), ("CASE-2022-0002", 1), ("CASE-2022-0003", 1), ("CASE-2022-0001", 2)]
    assert [r.rcpt_tos for r in desk.sink.received[sent:]] == [["wang@port.cn"]]


def test_reprocess_needs_ids_or_all(desk: Desk):
    proc = intake("reprocess", config=desk.config, check=False)
    assert proc.returncode == 1 and "--all" in proc.stderr


def test_resend_delivers_a_copy_under_a_new_message_id(desk: Desk):
    # GIVEN the reply to CASE-2022-0002 (say the sender lost it)
    with desk.app.sessions() as session:
        first = session.scalars(select(Reply).where(Reply.message_pk == 2)).one()
    sent = len(desk.sink.received)
    # WHEN the staff resend it
    out = intake("resend", "CASE-2022-0002", config=desk.config).stdout
    # THEN the SMTP server gets the same reply with a new Message-ID, threaded as before
    assert "li@corp.cn: sent" in out
    (copy,) = desk.sink.messages()[sent:]
    original = desk.sink.messages()[1]
    assert copy["Message-ID"] != first.message_id and copy["In-Reply-To"] == original["In-Reply-To"]
    assert copy.get_payload()[0].get_payload() == original.get_payload()[0].get_payload()
    with desk.app.sessions() as session:
        assert [r.state for r in session.scalars(select(Reply).where(Reply.message_pk == 2))] \
            == ["sent", "sent"]
