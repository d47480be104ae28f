"""`intake inspect FILE.eml --json` on every bundled sample (contract §5)."""
from __future__ import annotations

import email
import email.policy
import hashlib
import json
from pathlib import Path

import pytest

from builders.docx import SAMPLE_INFO
from builders.samples import samples
from run_cli import intake

MAILBOX = Path(__file__).resolve().parents[1] / "examples" / "mailbox" / "new"
TOP_KEYS = {"message_id", "from", "date", "subject", "case_name_from_subject", "decision",
            "ignore_reason", "problems", "attachments", "info", "case_document"}
PROBLEM_KEYS = {"code", "severity", "field", "file", "message"}
ATTACHMENT_KEYS = {"filename", "kind", "content_type", "size", "sha256", "from_archive"}
INFO_KEYS = set(SAMPLE_INFO)
CASE_DOCUMENT_KEYS = {"filename", "characters", "sections_found", "images"}
BUNDLED = {s.name: s for s in samples()}


def stdlib_attachments(raw: bytes) -> dict[str, tuple[str, int]]:
    """The samples are well-formed, so the stdlib's own reading is the reference."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return {part.get_filename(): (hashlib.sha256(data).hexdigest(), len(data))
            for part in msg.walk() if part.get_filename()
            for data in [part.get_payload(decode=True)]}


def bundled_files() -> list[Path]:
    return sorted(MAILBOX.iterdir())


def test_bundled_mailbox_is_the_sample_set():
    # GIVEN the committed demo Maildir WHEN compared to the builder THEN they agree
    # (rebuild with examples/make_mailbox.py after changing the samples)
    on_disk = {p.name.split(".", 2)[2]: p.read_bytes() for p in bundled_files()}
    assert on_disk.keys() == BUNDLED.keys()


@pytest.mark.parametrize("path", bundled_files(), ids=lambda p: p.name.split(".", 2)[2])
def test_inspect_prints_the_contract_json(path: Path):
    # GIVEN a bundled sample and the decision a person would reach
    sample = BUNDLED[path.name.split(".", 2)[2]]
    # WHEN inspected offline
    proc = intake("inspect", str(path), "--json")
    found = json.loads(proc.stdout)
    # THEN the object has exactly the contract's keys, and the expected verdict
    assert set(found) == TOP_KEYS
    assert set(found["from"]) == {"name", "address"}
    assert (found["decision"], found["ignore_reason"]) == (sample.decision, sample.ignore_reason)
    assert sorted(p["code"] for p in found["problems"]) == sorted(sample.codes)
    for p in found["problems"]:
        assert set(p) == PROBLEM_KEYS and p["severity"] in ("error", "warning") and p["message"]
    payloads = stdlib_attachments(path.read_bytes())
    assert [a["filename"] for a in found["attachments"]] == list(payloads)
    for a in found["attachments"]:
        assert set(a) == ATTACHMENT_KEYS and a["kind"] in ("word", "photo", "archive", "other")
        assert (a["sha256"], a["size"]) == payloads[a["filename"]]
    if found["info"] is not None:
        assert set(found["info"]) == INFO_KEYS
    if found["case_document"] is not None:
        assert set(found["case_document"]) == CASE_DOCUMENT_KEYS


def test_inspect_values_of_an_accepted_submission():
    # GIVEN the accepted sample with a form+case file and two photos
    path = next(p for p in bundled_files() if p.name.endswith("accepted-one-file"))
    # WHEN inspected
    found = json.loads(intake("inspect", str(path), "--json").stdout)
    # THEN every value is what the mail holds
    assert found["message_id"] == "<sample-001@example.com>"
    assert found["from"] == {"name": "张三", "address": "zhangsan@example.com"}
    assert found["date"] == "2022-02-20T10:31:00+08:00"
    assert found["subject"] == "碳排放管理案例征集+某物流园区碳排放核算案例"
    assert found["case_name_from_subject"] == "某物流园区碳排放核算案例"
    assert found["info"] == SAMPLE_INFO
    names = [(a["filename"], a["kind"], a["from_archive"]) for a in found["attachments"]]
    assert names == [("案例材料.docx", "word", None), ("园区照片1.jpg", "photo", None),
                     ("园区照片2.jpg", "photo", None)]
    doc = found["case_document"]
    assert doc["filename"] == "案例材料.docx" and doc["images"] == 1
    assert doc["sections_found"] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                     "十一", "十二"]
    assert doc["characters"] > 200


def test_inspect_exits_non_zero_only_when_the_file_cannot_be_read(tmp_path):
    # GIVEN a path that does not exist, and a file that is not mail at all
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(b"\x00\xff not a message \r\n\r\n")
    # WHEN inspected
    missing = intake("inspect", str(tmp_path / "nope.eml"), "--json", check=False)
    judged = intake("inspect", str(garbage), "--json", check=False)
    # THEN the missing file is one line and exit 1; the garbage is judged
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    assert judged.returncode == 0 and json.loads(judged.stdout)["decision"] == "ignored"
