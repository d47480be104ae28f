"""Mending by hand: `intake reprocess` after a parser fix, `intake resend`
when a reply was lost. Both work from what is stored; neither deletes."""
from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from db.models import QUEUED, Message, Reply
from intake.app import App
from intake.errors import IntakeError
from intake.pipeline import process
from intake.sender import deliver_due
from intake.submissions import find, status


@dataclass
class Outcome:
    id: int
    before: str
    after: str
    receipt: str | None
    error: str | None

    def line(self) -> str:
        change = self.before if self.before == self.after else f"{self.before} → {self.after}"
        tail = f"  {self.receipt}" if self.receipt else ""
        return f"#{self.id} {change}{tail}" + (f"  ({self.error})" if self.error else "")


class NotFound(IntakeError):
    """No message has that id or receipt."""


def reprocess(app: App, ids: list[int], every: bool = False,
              reply: bool = False) -> list[Outcome]:
    """Judges the stored raw messages again (all of them with `every`) and
    rewrites their rows; queues and sends replies only when `reply`."""
    if not ids and not every:
        raise IntakeError("name the messages to reprocess (IDs) or give --all")
    out = []
    with app.sessions() as session:
        query = select(Message.id).order_by(Message.id)
        wanted = list(session.scalars(query)) if every else ids
        for row_id in wanted:
            out.append(_again(app, session, row_id, reply))
        if reply:
            deliver_due(session, app.config.smtp)
    return out


def _again(app: App, session, row_id: int, reply: bool) -> Outcome:
    row = session.get(Message, row_id)
    if row is None:
        raise NotFound(f"no message #{row_id}")
    before = status(row)
    raw = app.storage.read_raw(row.raw_sha256)
    process(app, session, row, raw, row.received_at, reply=reply)
    row = session.get(Message, row_id)
    return Outcome(row_id, before, status(row), row.receipt, row.error)


def resend(app: App, ref: str) -> Reply:
    """Queues a copy of the last reply to message `ref` (id or receipt) under a
    new Message-ID, and delivers it. A held reply (reply bounds) goes out
    too: resending is the staff's decision."""
    with app.sessions() as session:
        row = find(session, ref)
        if row is None:
            raise NotFound(f"no message with id or receipt {ref!r}")
        last = next((r for r in reversed(row.replies) if r.purpose != "digest"), None)
        if last is None:
            raise IntakeError(f"message #{row.id} has no reply to resend")
        copy = _copy(app, last)
        session.add(copy)
        session.commit()
        deliver_due(session, app.config.smtp)
        session.refresh(copy)
        return copy


def _copy(app: App, reply: Reply) -> Reply:
    msg = email.message_from_bytes(reply.raw, policy=email.policy.SMTP)
    new_id = email.utils.make_msgid("reply", domain=app.config.smtp.from_.rpartition("@")[2])
    now = datetime.now(timezone.utc)
    msg.replace_header("Message-ID", new_id)
    msg.replace_header("Date", email.utils.format_datetime(now))
    return Reply(message_pk=reply.message_pk, purpose=reply.purpose, to_address=reply.to_address,
                 subject=reply.subject, message_id=new_id, raw=msg.as_bytes(), state=QUEUED,
                 created_at=now)
