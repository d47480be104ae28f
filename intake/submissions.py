"""The database as the staff see it: one entry per submission (its latest
version, with its history), and one per other message (ignored, failed).
Shared by the exports, the digest and `intake show`."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from db.models import FAILED, PROCESSED, Message
from intake.resubmit import latest_of

STATUSES = ("accepted", "rejected", "review", "ignored", "failed", "received")
STATUS_LABELS = {"accepted": "受理", "rejected": "退回", "review": "待人工下载",
                 "ignored": "忽略", "failed": "处理失败", "received": "未处理"}
IGNORE_LABELS = {"not_submission": "非投稿来信", "auto_reply": "自动回复", "bounce": "退信",
                 "bulk": "群发邮件", "own_address": "本邮箱发出"}
KIND_LABELS = {"word": "Word", "photo": "照片", "archive": "压缩包", "other": "其他"}


@dataclass
class Entry:
    latest: Message               # the message that speaks for the submission
    history: list[Message]        # every message of it, in order of arrival

    @property
    def earlier(self) -> list[Message]:
        return [m for m in self.history if m.id != self.latest.id]


def status(m: Message) -> str:
    """accepted / rejected / review / ignored, or failed / received when unjudged."""
    if m.state == PROCESSED and m.decision:
        return m.decision
    return FAILED if m.state == FAILED else m.state


def when(m: Message) -> datetime:
    return m.received_at or m.stored_at


def case_name(m: Message) -> str:
    return str((m.info or {}).get("case_name") or m.case_name_from_subject or "")


def all_messages(session: Session) -> list[Message]:
    """Every row with its files, problems and replies loaded (usable after the
    session closes)."""
    query = (select(Message).order_by(Message.id)
             .options(selectinload(Message.attachments), selectinload(Message.problems),
                      selectinload(Message.replies)))
    return list(session.scalars(query))


def entries(messages: list[Message]) -> list[Entry]:
    """Submissions grouped by case (latest version first in each), in order
    of their first arrival; other messages one entry each."""
    groups: dict[int, list[Message]] = defaultdict(list)
    for m in messages:
        groups[m.submission_pk or m.id].append(m)
    out = []
    for members in groups.values():
        members.sort(key=lambda m: (when(m), m.id))
        out.append(Entry(latest_of(members), members))
    out.sort(key=lambda e: (when(e.history[0]), e.history[0].id))
    return out


def load_entries(session: Session) -> list[Entry]:
    return entries(all_messages(session))


def find(session: Session, ref: str) -> Message | None:
    """A message by receipt (its latest version) or by row id."""
    ref = ref.strip()
    if ref.isdigit():
        return session.get(Message, int(ref))
    found = list(session.scalars(select(Message).where(func.upper(Message.receipt) == ref.upper())))
    return latest_of(found) if found else None
