"""Resubmissions: a later mail for the same case is its next version."""
from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from builders.samples import PREFIX, form, mail
from conftest import write_config
from db.models import Message
from intake import config as config_mod
from intake.app import App
from intake.export import export
from intake.pipeline import poll

pytestmark = pytest.mark.servers
CASE = "某物流园区碳排放核算案例"


class Desk:
    """A Maildir the test drops mail into, polled by the real pipeline,
    answered through a real aiosmtpd server."""

    def __init__(self, tmp_path: Path, smtp_sink, **sections) -> None:
        self.box, self.sink, self.count = tmp_path / "box", smtp_sink, 0
        for sub in ("cur", "new", "tmp"):
            (self.box / sub).mkdir(parents=True)
        self.config = write_config(
            tmp_path, mailbox={"kind": "maildir", "path": str(self.box)},
            smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port, "tls": False},
            **sections)
        self.app = App.from_config(config_mod.load(self.config))

    def arrive(self, *raws: bytes) -> None:
        for raw in raws:
            self.count += 1
            (self.box / "new" / f"{self.count:04d}.test").write_bytes(raw)
        poll(self.app)

    def rows(self) -> list[Message]:
        with self.app.sessions() as session:
            return list(session.scalars(select(Message).order_by(Message.id)))

    def texts(self) -> list[str]:
        """The plain-text parts of everything the SMTP server received."""
        return [email.message_from_bytes(r.data, policy=email.policy.default)
                .get_body(("plain",)).get_content() for r in self.sink.received]


@pytest.fixture
def desk(tmp_path: Path, smtp_sink):
    d = Desk(tmp_path, smtp_sink)
    yield d
    d.app.close()


def test_same_sender_same_case_becomes_version_2_and_says_so(desk: Desk, tmp_path: Path):
    # GIVEN an accepted case
    desk.arrive(mail(1, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    # WHEN the same sender sends it again, the subject written differently
    desk.arrive(mail(2, f"【{PREFIX}】＋ 《{CASE} 》", files=[form(case_name=CASE, phone="13800000000")]).as_bytes())
    # THEN the second mail is version 2 of the same submission, under the same receipt
    first, second = desk.rows()
    assert (first.version, second.version) == (1, 2)
    assert second.replaces_pk == first.id and second.submission_pk == first.submission_pk
    assert first.receipt == second.receipt == "CASE-2022-0001"
    # AND its acknowledgement says it replaced version 1
    assert "第 1 版" not in desk.texts()[0]
    assert "这是本案例的第 2 版，已替换此前收到的第 1 版" in desk.texts()[1]
    # AND the export shows the latest version, with the first kept beneath it
    out = tmp_path / "all.json"
    assert export(desk.app, "json", out) == 1
    (case,) = json.loads(out.read_text())
    assert case["id"] == second.id and case["info"]["phone"] == "13800000000"
    assert [e["id"] for e in case["earlier"]] == [first.id]


def test_same_unit_other_sender_is_the_same_case(desk: Desk):
    # GIVEN an accepted case of one unit
    desk.arrive(mail(1, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    # WHEN a colleague from the same unit sends the same case
    desk.arrive(mail(2, f"{PREFIX}+{CASE}", "colleague@example.com", "同事",
                     files=[form(case_name=CASE)]).as_bytes())
    # THEN it is version 2
    assert [r.version for r in desk.rows()] == [1, 2]


def test_other_unit_and_sender_with_the_same_name_is_another_case(desk: Desk):
    # GIVEN an accepted case
    desk.arrive(mail(1, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    # WHEN another unit, from another address, sends a case of the same name
    desk.arrive(mail(2, f"{PREFIX}+{CASE}", "other@corp.cn", "别人",
                     files=[form(case_name=CASE, unit_name="另一家公司")]).as_bytes())
    # THEN it is a case of its own, with its own receipt
    first, second = desk.rows()
    assert (first.version, second.version) == (1, 1)
    assert first.submission_pk != second.submission_pk
    assert (first.receipt, second.receipt) == ("CASE-2022-0001", "CASE-2022-0002")


def test_a_rejected_resend_does_not_replace_the_accepted_version(desk: Desk, tmp_path: Path):
    # GIVEN an accepted case
    desk.arrive(mail(1, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    # WHEN the sender resends it broken (no Word file), then sends a good one
    desk.arrive(mail(2, f"{PREFIX}+{CASE}", files=[]).as_bytes())
    broken = desk.rows()[1]
    # THEN the broken mail is part of the case's history but no version
    assert broken.decision == "rejected" and broken.version is None
    assert broken.submission_pk == desk.rows()[0].submission_pk
    out = tmp_path / "all.json"
    export(desk.app, "json", out)
    assert json.loads(out.read_text())[0]["id"] == desk.rows()[0].id
    # WHEN a good one follows
    desk.arrive(mail(3, f"{PREFIX}+{CASE}", files=[form(case_name=CASE)]).as_bytes())
    # THEN it is version 2, and nothing was deleted
    assert [r.version for r in desk.rows()] == [1, None, 2]
    assert len(desk.rows()) == 3
