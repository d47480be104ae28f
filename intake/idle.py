"""`intake poll` when there is nothing to do, answered in a fraction of the
full start-up: the stdlib's sqlite3 and one IMAP UID SEARCH, without loading
SQLAlchemy or the parsers (their imports alone take ~0.3 s).

It only ever says "nothing to do" when that is certain — the same UIDVALIDITY
and no UID above the last one seen, no row left unjudged, no reply due — and
otherwise hands over to the full poll, which does the real work.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from intake.config import Config
from intake.errors import IntakeError
from intake.summary import PollSummary, destination

# The same conditions as pipeline.resume_unfinished and sender.due.
_UNFINISHED = "SELECT 1 FROM messages WHERE state = 'received' LIMIT 1"
_DUE = ("SELECT 1 FROM replies WHERE state = 'queued' "
        "OR (state = 'failed' AND next_attempt_at <= ?) LIMIT 1")
_POSITION = "SELECT uidvalidity, last_uid FROM sync_state WHERE source = ?"


def nothing_to_do(config: Config) -> PollSummary | None:
    """The summary of an idle poll when there is provably nothing to do, else None."""
    if config.mailbox.kind != "imap" or not config.database.url.startswith("sqlite:///"):
        return None
    from intake.mailbox import ImapSource
    position = _database_idle(Path(config.database.url[len("sqlite:///"):]), config)
    if position is None:
        return None
    source = ImapSource(config.mailbox)
    try:
        if source.uidvalidity != position[0] or source.uids_above(position[1]):
            return None
    finally:
        source.close()
    return PollSummary(source=source.key, destination=destination(config.smtp))


def _database_idle(path: Path, config: Config) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID) when the database holds no pending work."""
    if not path.is_file():
        return None
    from intake.mailbox import imap_key
    key = imap_key(config.mailbox)
    # SQLAlchemy's SQLite DATETIME text, in UTC (db.models.UTCDateTime).
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            position = db.execute(_POSITION, (key,)).fetchone()
            if position is None or db.execute(_UNFINISHED).fetchone() \
                    or db.execute(_DUE, (now,)).fetchone():
                return None
            return int(position[0]), int(position[1])
    except sqlite3.Error:
        return None                 # an older schema, a lock…: the full poll decides
