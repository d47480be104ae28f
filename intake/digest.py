"""The staff's daily digest: what arrived in the last 24 hours and what
needs a person. Sent through the same outbox as the replies."""
from __future__ import annotations

import email.utils
from collections import Counter
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
import email.policy

from sqlalchemy import select

from db.models import FAILED, QUEUED, Message, Reply
from intake.app import App
from intake.replies import environment
from intake.sender import deliver_due

DECISIONS = ("accepted", "rejected", "review", "ignored")


def digest_context(app: App, now: datetime) -> dict:
    tz = app.config.campaign.tz
    since = now - timedelta(hours=24)
    with app.sessions() as session:
        recent = list(session.scalars(select(Message).where(Message.stored_at >= since)
                                      .order_by(Message.id)))
        for m in recent:
            _ = m.attachments, m.problems
    counts = Counter(m.decision or m.state for m in recent)
    needs_person = [m for m in recent if m.state == FAILED or m.decision == "review"
                    or m.ignore_reason == "not_submission"]
    days_left = (app.config.campaign.deadline - now).days
    return {"now": now.astimezone(tz).strftime("%Y-%m-%d %H:%M"), "counts": counts,
            "decisions": DECISIONS, "messages": recent, "needs_person": needs_person,
            "failed": counts.get(FAILED, 0), "days_left": days_left, "tz": tz}


def build_digest(app: App, now: datetime | None = None) -> EmailMessage:
    now = now or datetime.now(timezone.utc)
    context = digest_context(app, now)
    env = environment()
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = email.utils.formataddr((app.config.smtp.from_name, app.config.smtp.from_))
    msg["To"] = ", ".join(app.config.digest.recipients) or app.config.smtp.from_
    msg["Subject"] = f"案例征集日报 {context['now'][:10]}：新收 {len(context['messages'])} 封"
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = email.utils.make_msgid("digest", domain=app.config.smtp.from_.rpartition("@")[2])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(env.get_template("digest.txt.j2").render(context))
    msg.add_alternative(env.get_template("digest.html.j2").render(context), subtype="html")
    return msg


def send_digest(app: App, now: datetime | None = None) -> int:
    """Queues the digest to every recipient and delivers it; returns how many."""
    msg = build_digest(app, now)
    created = datetime.now(timezone.utc)
    with app.sessions() as session:
        for n, to in enumerate(app.config.digest.recipients):
            session.add(Reply(purpose="digest", to_address=to, subject=msg["Subject"],
                              message_id=msg["Message-ID"].replace("@", f".{n}@", 1),
                              raw=msg.as_bytes(), state=QUEUED, created_at=created))
        session.commit()
        deliver_due(session, app.config.smtp)
    return len(app.config.digest.recipients)
