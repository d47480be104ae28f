"""A mailbox and a database as they are after `count` messages were processed,
made in seconds instead of by `count` full ingests.

The mailbox gets `count` small messages by MULTIAPPEND. The database gets,
for each of them, a copy of a real row that `intake poll` wrote during the
backlog run (an accepted submission: its info and case document JSON, three
attachment rows, a sent reply with its raw bytes), renumbered and pointed at
the new UID, plus the sighting and the folder's sync_state. So the tables
the idle poll reads have the size and row width of a real campaign.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from bench import corpus, runner
from servers import Dovecot


def fill_folder(server: Dovecot, folder: str, count: int) -> tuple[int, list[int]]:
    """Creates `folder` with `count` small messages; (UIDVALIDITY, UIDs)."""
    server.create_folder(folder)
    runner.append_all(server, ((corpus.small_message(i), None) for i in range(count)), folder)
    with server.client() as c:
        info = c.select_folder(folder, readonly=True)
        return int(info[b"UIDVALIDITY"]), sorted(c.search("ALL"))


def source_key(server: Dovecot, folder: str) -> str:
    # As intake.mailbox.ImapSource names a folder; the benchmark checks that
    # the idle poll finds "0 new", so a change of this format cannot go unseen.
    return f"imap:{server.user}@{server.host}:{server.port}/{folder}"


def _rows(db: sqlite3.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute(sql, args)]


def _template(template_db: Path) -> tuple[dict, list[dict], list[dict]]:
    """An accepted message row with its attachments and reply."""
    db = sqlite3.connect(template_db)
    try:
        msg = _rows(db, "SELECT * FROM messages WHERE decision = 'accepted' "
                        "AND state = 'processed' ORDER BY id LIMIT 1")[0]
        atts = _rows(db, "SELECT * FROM attachments WHERE message_pk = ?", msg["id"])
        replies = _rows(db, "SELECT * FROM replies WHERE message_pk = ?", msg["id"])
    finally:
        db.close()
    return msg, atts, replies


def _insert(db: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    db.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                   f"({', '.join('?' * len(cols))})", [tuple(r[c] for c in cols) for r in rows])


def _clone(msg: dict, atts: list[dict], replies: list[dict], pk: int, uid: int,
           source: str, uidvalidity: int) -> tuple[dict, list[dict], list[dict]]:
    digest = hashlib.sha256(f"seed-{source}-{uid}".encode()).hexdigest()
    row = {**msg, "id": pk, "source": source, "uidvalidity": uidvalidity, "uid": str(uid),
           "message_id": f"<seed-{pk}@bench>", "raw_sha256": digest,
           "receipt": f"SEED-{pk:06d}"}
    files = [{**a, "id": None, "message_pk": pk} for a in atts]
    sent = [{**r, "id": None, "message_pk": pk, "message_id": f"<reply-seed-{pk}@bench>",
             "state": "sent"} for r in replies]
    return row, files, sent


def seed_database(db_path: Path, template_db: Path, source: str, uidvalidity: int,
                  uids: list[int]) -> None:
    """Writes processed rows for every UID into the (already created) tables."""
    msg, atts, replies = _template(template_db)
    db = sqlite3.connect(db_path)
    try:
        with db:
            for start in range(0, len(uids), 2000):
                rows, files, sent, seen = [], [], [], []
                for pk, uid in enumerate(uids[start:start + 2000], start + 1):
                    row, f, r = _clone(msg, atts, replies, pk, uid, source, uidvalidity)
                    rows.append(row)
                    files += f
                    sent += r
                    seen.append({"source": source, "uidvalidity": uidvalidity, "uid": str(uid),
                                 "message_pk": pk, "seen_at": row["stored_at"]})
                _insert(db, "messages", rows)
                _insert(db, "attachments", files)
                _insert(db, "replies", sent)
                _insert(db, "sightings", seen)
            db.execute("INSERT INTO sync_state (source, uidvalidity, last_uid) VALUES (?, ?, ?)",
                       (source, uidvalidity, max(uids)))
    finally:
        db.close()
