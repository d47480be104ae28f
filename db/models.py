"""The tables: one row per arrived message, its files, its problems, the
replies it caused, and where each mailbox folder was last read."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, DateTime, ForeignKey, Index, Integer, String, Text,
                        TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# States of a message row.
RECEIVED, PROCESSED, FAILED = "received", "processed", "failed"
# States of a reply in the outbox.
QUEUED, SENT, RETRY, GIVEN_UP = "queued", "sent", "failed", "given_up"
# A reply composed but not sent because of a reply bound (daily limit, an
# address that bounced); kept so the staff see it and can `intake resend` it.
HELD = "held"


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware (UTC) datetimes out. SQLite's DATETIME keeps
    no offset, so everything is stored as UTC and marked UTC again on load."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class Message(Base):
    """Every message that arrived, whatever happened to it."""
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("raw_sha256", name="uq_messages_raw"),
        Index("ix_messages_location", "source", "uidvalidity", "uid"),
        Index("ix_messages_message_id", "message_id"),
        # Versions of one submission share its receipt (CASE-2022-0001 v1, v2).
        UniqueConstraint("receipt", "version", name="uq_messages_receipt_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))        # "imap:user@host/INBOX" / "maildir:/path"
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[str | None] = mapped_column(String(200))    # IMAP UID, or the Maildir key
    message_id: Mapped[str | None] = mapped_column(String(998))
    raw_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime | None] = mapped_column()
    stored_at: Mapped[datetime] = mapped_column()
    # Indexed: every poll looks for rows left unjudged, and must not scan.
    state: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column()
    subject: Mapped[str | None] = mapped_column(Text)
    from_name: Mapped[str | None] = mapped_column(Text)
    from_address: Mapped[str | None] = mapped_column(String(320))
    decision: Mapped[str | None] = mapped_column(String(20))
    ignore_reason: Mapped[str | None] = mapped_column(String(30))
    case_name_from_subject: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[str | None] = mapped_column(String(40), index=True)
    info: Mapped[dict | None] = mapped_column(JSON)
    case_document: Mapped[dict | None] = mapped_column(JSON)
    # Resubmissions (intake.resubmit): every attempt at one case points to the
    # case's first message; accepted/review ones are numbered 1, 2, … and the
    # latest is the one that counts. Nothing is deleted.
    case_key: Mapped[str | None] = mapped_column(String(500), index=True)
    submission_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    replaces_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Attachment.id")
    problems: Mapped[list[Problem]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Problem.id")
    replies: Mapped[list[Reply]] = relationship(back_populates="message", order_by="Reply.id")


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    from_archive: Mapped[str | None] = mapped_column(Text)

    message: Mapped[Message] = relationship(back_populates="attachments")


class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(40))
    file: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)

    message: Mapped[Message] = relationship(back_populates="problems")


class Reply(Base):
    """The outbox: one composed reply, queued until the SMTP server took it."""
    __tablename__ = "replies"
    __table_args__ = (Index("ix_replies_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))        # accepted/rejected/review/digest
    to_address: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    raw: Mapped[bytes] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    refusals: Mapped[int] = mapped_column(Integer, default=0)   # 4xx answers, for max_attempts
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()

    message: Mapped[Message | None] = relationship(back_populates="replies")


class Suppression(Base):
    """An address never to be answered automatically again: a reply to it
    bounced, or the SMTP server refused it for good (5xx)."""
    __tablename__ = "suppressions"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))          # "bounce" / "refused"
    detail: Mapped[str | None] = mapped_column(Text)
    reply_pk: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    bounce_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at: Mapped[datetime] = mapped_column()


class Sighting(Base):
    """Where a message was seen: (source, UIDVALIDITY, UID) or a Maildir key.
    The same bytes seen again (a UIDVALIDITY change, a copy) add a sighting,
    not a second message row."""
    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("source", "uidvalidity", "uid", name="uq_sightings"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(200))
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    seen_at: Mapped[datetime] = mapped_column()


class SyncState(Base):
    """How far one mailbox folder has been read (RFC 3501 §2.3.1.1)."""
    __tablename__ = "sync_state"

    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(Integer)
    last_uid: Mapped[int] = mapped_column(Integer, default=0)
