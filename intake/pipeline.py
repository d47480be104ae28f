"""One poll: read what is new, keep it, judge it, answer it.

Order per message, so that nothing is ever lost: (1) the raw bytes go to
storage, (2) a row goes into the database together with the mailbox cursor,
(3) only then parsing and judging. A failure in (3) is written on the row
(state `failed`) and the poll goes on with the next message.
"""
from __future__ import annotations

import email.parser
import email.policy
import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.models import FAILED, PROCESSED, RECEIVED, Message, Sighting, SyncState
from intake.app import App
from intake.config import CampaignConfig
from intake.errors import IntakeError, StorageError
from intake.mailbox import Fetched, open_source
from intake.progress import Progress
from intake.summary import PollSummary, destination
from intake.sender import deliver_due

if TYPE_CHECKING:   # loaded on first use, see assess() below
    from intake.assess import Assessment

log = logging.getLogger(__name__)


class PollBusy(IntakeError):
    """Another poll holds the lock."""


class DbCursor:
    """What the database knows of a mailbox, for :mod:`intake.mailbox`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def imap_position(self, source: str) -> tuple[int, int] | None:
        state = self.session.get(SyncState, source)
        return (state.uidvalidity, state.last_uid) if state else None

    def known_keys(self, source: str) -> set[str]:
        return set(self.session.scalars(select(Sighting.uid).where(Sighting.source == source)))

    def known_message(self, message_id: str | None, size: int) -> bool:
        if not message_id:
            return False
        found = select(Message.id).where(Message.message_id == message_id, Message.size == size)
        return self.session.scalar(found.limit(1)) is not None


def poll(app: App, progress: Progress | None = None, deliver: bool = True) -> PollSummary:
    """One cycle: ingest every new message, then send the due replies
    (unless `deliver` is False: the scheduler backing off an SMTP outage).
    `intake poll` and the scheduler both call this."""
    with poll_lock(app.storage.root):
        summary = PollSummary(destination=_destination(app))
        try:
            _ingest_new(app, summary, progress or Progress())
        finally:
            # Replies already queued go out even when the mailbox is down.
            if deliver:
                _deliver(app, summary)
        return summary


def _deliver(app: App, summary: PollSummary) -> None:
    with app.sessions() as session, _database_errors():
        delivery = deliver_due(session, app.config.smtp)
        summary.replies_sent, summary.replies_waiting, summary.send_error = delivery


def _ingest_new(app: App, summary: PollSummary, progress: Progress) -> None:
    source = open_source(app.config.mailbox)
    summary.source = source.key
    try:
        with app.sessions() as session, _database_errors():
            resume_unfinished(app, session, summary)
            messages = source.messages(DbCursor(session))
            try:
                for fetched in messages:
                    ingest(app, session, fetched, summary)
                    progress.advance(source.total)
            finally:
                messages.close()    # stops the prefetch thread before the logout
    finally:
        progress.finish()
        source.close()


@contextmanager
def _database_errors() -> Iterator[None]:
    """SQLite busy beyond its timeout, disk full…: one of our errors, so the
    scheduler logs it and tries again at the next run."""
    try:
        yield
    except SQLAlchemyError as e:
        raise StorageError(f"database error: {e.__class__.__name__}: {e.orig if hasattr(e, 'orig') else e}") from e


@contextmanager
def poll_lock(root: Path) -> Iterator[None]:
    """One poll at a time per storage folder (`intake run` and a manual
    `intake poll` may meet). flock is released by the kernel if we are killed."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "poll.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise PollBusy("another poll is running on this storage; try again in a minute") from e
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _destination(app: App) -> str:
    return destination(app.config.smtp)


def resume_unfinished(app: App, session: Session, summary: PollSummary) -> None:
    """Finishes rows stored but never judged: the process died between (2)
    and the end of (3). Their raw bytes are on disk since (1)."""
    for row in session.scalars(select(Message).where(Message.state == RECEIVED)).all():
        raw = app.storage.read_raw(row.raw_sha256)
        if process(app, session, row, raw, row.received_at):
            summary.decisions[row.decision] += 1
        else:
            summary.failed += 1


def ingest(app: App, session: Session, fetched: Fetched, summary: PollSummary) -> None:
    sha256, _ = app.storage.put_raw(fetched.raw)                       # (1)
    row = session.scalar(select(Message).where(Message.raw_sha256 == sha256))
    if row is not None:
        _sighted(session, fetched, row)
        session.commit()
        summary.already_seen += 1
        return
    row = _new_row(fetched, sha256)                                     # (2)
    session.add(row)
    session.flush()
    _sighted(session, fetched, row)
    session.commit()
    summary.new += 1
    if process(app, session, row, fetched.raw, fetched.internaldate):   # (3)
        summary.decisions[row.decision] += 1
    else:
        summary.failed += 1


def assess(raw: bytes, campaign: CampaignConfig,
           internaldate: datetime | None = None) -> Assessment:
    """intake.assess.assess, imported on first use: a poll with nothing new
    never loads the parsers (python-docx, lxml, Pillow, Jinja2)."""
    from intake.assess import assess as parse_and_judge
    return parse_and_judge(raw, campaign, internaldate)


def process(app: App, session: Session, row: Message, raw: bytes,
            internaldate: datetime | None, reply: bool = True) -> bool:
    """Judges a stored message and queues its reply; False when it failed."""
    from intake.records import queue_reply, record
    row_id = row.id
    try:
        found = assess(raw, app.config.campaign, internaldate)
        record(app, session, row, found)
        if reply:
            queue_reply(app, session, row, found)
        row.state, row.error = PROCESSED, None
        session.commit()
        return True
    # The per-message boundary: whatever one message does to the parsers,
    # it is written on its row and the poll goes on with the next one.
    except Exception as e:  # noqa: BLE001
        session.rollback()
        log.exception("message %s failed", row_id)
        failed = session.get(Message, row_id)
        failed.state, failed.error = FAILED, f"{type(e).__name__}: {e}"[:2000]
        failed.processed_at = datetime.now(timezone.utc)
        session.commit()
        return False


def _new_row(fetched: Fetched, sha256: str) -> Message:
    return Message(source=fetched.source, uidvalidity=fetched.uidvalidity, uid=fetched.uid,
                   message_id=_quick_message_id(fetched.raw), raw_sha256=sha256,
                   size=len(fetched.raw), received_at=fetched.internaldate,
                   stored_at=datetime.now(timezone.utc))


def _sighted(session: Session, fetched: Fetched, row: Message) -> None:
    """Records where the message was seen and moves the IMAP cursor past it,
    in the same transaction as the row: a crash repeats nothing."""
    session.add(Sighting(source=fetched.source, uidvalidity=fetched.uidvalidity or 0,
                         uid=fetched.uid, message_pk=row.id,
                         seen_at=datetime.now(timezone.utc)))
    if fetched.uidvalidity is None:
        return
    state = session.get(SyncState, fetched.source)
    if state is None:
        session.add(SyncState(source=fetched.source, uidvalidity=fetched.uidvalidity,
                              last_uid=int(fetched.uid)))
    elif state.uidvalidity != fetched.uidvalidity:
        state.uidvalidity, state.last_uid = fetched.uidvalidity, int(fetched.uid)
    else:
        state.last_uid = max(state.last_uid, int(fetched.uid))


def _quick_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block alone, before any real parsing."""
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
    try:
        parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
        value = parser.parsebytes(raw[:end + 4]).get("Message-ID")
    except Exception:  # noqa: BLE001 - a broken header block is parsed properly later
        return None
    text = " ".join(str(value or "").split())[:998]
    return text or None
