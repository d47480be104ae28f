"""An upgrade in the middle of a campaign keeps the database and adds what is new."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine

from db.migrate import upgrade
from db.session import make_engine
from intake.errors import StorageError


def test_missing_columns_and_indexes_are_added_in_place(tmp_path):
    # GIVEN a database made by an older version: no replies.refusals, no index on state
    path = tmp_path / "old.db"
    make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX ix_messages_state")
        db.execute("ALTER TABLE replies DROP COLUMN refusals")
        db.execute("INSERT INTO replies (purpose, to_address, subject, message_id, raw, state,"
                   " attempts, created_at) VALUES ('accepted', 'a@b.cn', 's', '<m>', x'00',"
                   " 'queued', 0, '2022-02-20 02:00:00')")
    # WHEN this version opens it
    engine = create_engine(f"sqlite:///{path}")
    added = upgrade(engine)
    engine.dispose()
    # THEN the column is there with its default, the index too, and the row kept
    assert added == ["replies.refusals"]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT refusals FROM replies").fetchall() == [(0,)]
        indexes = {r[1] for r in db.execute("SELECT * FROM sqlite_master WHERE type='index'")}
    assert "ix_messages_state" in indexes


def test_a_column_that_cannot_be_added_stops_with_a_clear_message(tmp_path):
    path = tmp_path / "old.db"
    make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE replies DROP COLUMN purpose")     # NOT NULL, no default
    engine = create_engine(f"sqlite:///{path}")
    with pytest.raises(StorageError, match="replies.purpose"):
        upgrade(engine)
    engine.dispose()
