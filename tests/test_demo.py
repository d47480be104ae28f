"""`make demo`: the shipped config on the bundled Maildir, no server needed."""
from __future__ import annotations

import shutil
from pathlib import Path

from run_cli import intake

REPO = Path(__file__).resolve().parents[1]


def test_demo_processes_the_bundled_maildir_and_says_where_replies_went(tmp_path):
    # GIVEN a fresh copy of the shipped config and the bundled Maildir
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(REPO / "examples" / "mailbox", tmp_path / "examples" / "mailbox")
    # WHEN the demo's poll runs
    out = intake("poll", config=tmp_path / "config.yaml").stdout
    # THEN accepted, rejected and ignored mail is judged and the replies are in the outbox
    assert "20 new" in out
    for decision in ("accepted", "rejected", "ignored"):
        assert f" 0 {decision}" not in out and decision in out
    outbox = tmp_path / "var" / "outbox"
    assert f"outbox folder {outbox}" in out
    assert len(list(outbox.glob("*.eml"))) == 14
    assert (tmp_path / "var" / "intake.db").is_file()
    # AND the list shows them to the staff
    listing = intake("list", config=tmp_path / "config.yaml").stdout
    assert "CASE-2022-0001" in listing and "subject_format" in listing
    # AND the Maildir itself is untouched (nothing moved to cur/)
    assert sorted(p.name for p in (tmp_path / "examples/mailbox/new").iterdir()) == \
        sorted(p.name for p in (REPO / "examples/mailbox/new").iterdir())
