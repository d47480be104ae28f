"""Writing a judged message into its row, and queueing its reply."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from email.utils import getaddresses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import HELD, QUEUED, Attachment, Message, Problem, Reply
from intake import bounds, resubmit
from intake.app import App
from intake.assess import Assessment
from intake.replies import compose, reply_subject
from rules.judge import ACCEPTED, IGNORED, REVIEW
from rules.problems import ERROR, WARNING


def record(app: App, session: Session, row: Message, found: Assessment) -> None:
    """Stores the judgement, the files (by hash) and the problems on `row`."""
    msg, verdict = found.parsed, found.judgement
    row.message_id = msg.message_id or row.message_id
    row.subject, row.from_name, row.from_address = msg.subject, msg.from_name, msg.from_address
    row.received_at = row.received_at or found.received_at
    row.decision, row.ignore_reason = verdict.decision, verdict.ignore_reason
    row.case_name_from_subject = verdict.case_name_from_subject
    row.info = verdict.info
    row.case_document = asdict(verdict.case_document) if verdict.case_document else None
    row.processed_at = datetime.now(timezone.utc)
    row.attachments.clear()
    row.problems.clear()
    for att in msg.attachments:
        app.storage.put_file(att.data)
        row.attachments.append(Attachment(
            filename=att.filename, kind=att.kind, content_type=att.content_type,
            size=att.size, sha256=att.sha256, from_archive=att.from_archive))
    if verdict.decision != IGNORED:      # contract §3: ignored mail carries no problems
        row.problems.extend(Problem(code=p.code, severity=p.severity, field=p.field,
                                    file=p.file, text=p.message) for p in verdict.problems)
    resubmit.link(session, row)          # a resubmission inherits its case's receipt
    if verdict.decision in (ACCEPTED, REVIEW) and row.receipt is None:
        row.receipt = next_receipt(session, app.config.campaign.receipt_prefix,
                                   row.received_at or row.stored_at)
    if verdict.ignore_reason == "bounce":
        bounds.note_bounce(session, row, msg.message)


def next_receipt(session: Session, prefix: str, when: datetime) -> str:
    """CASE-2022-0001: numbered per year of receipt, in order of arrival;
    the versions of one case share its number."""
    stem = f"{prefix}-{when.year}-"
    count = session.scalar(select(func.count(Message.receipt.distinct()))
                           .where(Message.receipt.like(stem + "%")))
    return f"{stem}{count + 1:04d}"


def reply_address(found: Assessment) -> str | None:
    """Where a person replying by hand would write: Reply-To, else From
    (RFC 5322 §3.6.2; RFC 3834 §4 lets a service answer per its own rules)."""
    reply_to = found.parsed.header("Reply-To")
    if reply_to:
        addresses = [a for _, a in getaddresses([reply_to]) if "@" in a]
        if addresses:
            return addresses[0].lower()
    return found.parsed.from_address


def queue_reply(app: App, session: Session, row: Message, found: Assessment) -> Reply | None:
    """Queues the reply a submission attempt deserves; ignored mail gets none,
    nor does our own address. A reply over a bound (intake.bounds) is kept
    as `held`: composed, not sent."""
    verdict = found.judgement
    to = reply_address(found)
    if verdict.decision == IGNORED or not to:
        return None
    refused = bounds.refusal(app, session, to)
    if refused == bounds.OWN:
        return None
    context = reply_context(app, row)
    subject = reply_subject(row.subject, app.config.campaign.subject_prefix)
    msg = compose(app.config, row.decision, to, subject, context,
                  in_reply_to=found.parsed.message_id, references=found.parsed.references)
    reply = Reply(message=row, purpose=row.decision, to_address=to, subject=subject,
                  message_id=msg["Message-ID"], raw=msg.as_bytes(),
                  state=HELD if refused else QUEUED,
                  last_error=bounds.REASON_TEXT.get(refused) if refused else None,
                  created_at=datetime.now(timezone.utc))
    session.add(reply)
    return reply


def reply_context(app: App, row: Message) -> dict:
    tz = app.config.campaign.tz
    info = row.info or {}
    when = row.received_at or row.stored_at
    return {
        "greeting": info.get("contact") or row.from_name or "尊敬的案例提供单位",
        "receipt": row.receipt,
        "subject": row.subject or "",
        "case_name": info.get("case_name") or row.case_name_from_subject,
        "unit_name": info.get("unit_name"),
        "received_at": when.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "files": row.attachments,
        "errors": [_p(p) for p in row.problems if p.severity == ERROR],
        "warnings": [_p(p) for p in row.problems if p.severity == WARNING],
        "version": row.version or 1,
        "replaced_version": (row.version - 1) if row.version and row.replaces_pk else None,
    }


def _p(p: Problem) -> dict:
    return {"code": p.code, "message": p.text, "field": p.field, "file": p.file}

