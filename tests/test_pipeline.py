"""The per-message boundary and the order of work (raw first, then the row)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import intake.pipeline as pipeline
from builders.samples import samples
from conftest import write_config
from db.models import FAILED, PROCESSED, RECEIVED, Message
from intake import config as config_mod
from intake.app import App


@pytest.fixture
def app(tmp_path: Path) -> App:
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i, sample in enumerate(samples()[:4]):
        (box / "new" / f"100{i}.M{i}.test").write_bytes(sample.raw)
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(box)},
                        smtp={"kind": "outbox", "path": str(tmp_path / "outbox")})
    app = App.from_config(config_mod.load(path))
    yield app
    app.close()


def all_rows(app: App) -> list[Message]:
    with app.sessions() as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


def test_a_message_that_breaks_the_parser_is_recorded_and_the_poll_goes_on(app, monkeypatch):
    # GIVEN a parser that blows up on the second message
    real = pipeline.assess
    def flaky(raw, campaign, internaldate=None):
        if b"sample-002" in raw:
            raise RuntimeError("parser bug")
        return real(raw, campaign, internaldate)
    monkeypatch.setattr(pipeline, "assess", flaky)
    # WHEN the poll runs
    summary = pipeline.poll(app)
    # THEN that message is a failed row with its error, its raw bytes kept, and the others went on
    assert (summary.new, summary.failed) == (4, 1)
    rows = all_rows(app)
    assert [r.state for r in rows] == [PROCESSED, FAILED, PROCESSED, PROCESSED]
    assert "RuntimeError: parser bug" in rows[1].error
    assert app.storage.raw_path(rows[1].raw_sha256).is_file()
    assert len(list(app.config.smtp.path.glob("*.eml"))) == 3


def test_a_row_left_unjudged_by_a_crash_is_finished_by_the_next_poll(app, monkeypatch):
    # GIVEN a poll that died after storing the rows but before judging them
    def die(*args, **kwargs):
        raise SystemExit("killed")
    monkeypatch.setattr(pipeline, "process", die)
    with pytest.raises(SystemExit):
        pipeline.poll(app)
    assert [r.state for r in all_rows(app)] == [RECEIVED]
    # WHEN the next poll runs normally
    monkeypatch.undo()
    summary = pipeline.poll(app)
    # THEN the stored row is judged from its raw bytes and the rest is ingested once
    assert [r.state for r in all_rows(app)] == [PROCESSED] * 4
    assert summary.new == 3 and sum(summary.decisions.values()) == 4
    assert len(list(app.config.smtp.path.glob("*.eml"))) == 4
