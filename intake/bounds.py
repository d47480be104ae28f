"""Reply bounds: when an automatic reply must not go out.

- never to our own address (a reply to ourselves would start a loop);
- never to an address whose reply bounced, or that the SMTP server refused
  for good (5xx) — mailing it again only hurts the sending reputation of
  the 163 account;
- at most `replies.max_per_sender_per_day` replies per address per calendar
  day in the campaign's time zone, so a sender (or a loop with a responder
  that ignores Auto-Submitted) cannot make us send without end.

A reply held back by the last two is still composed and kept (state
`held`), so the staff see it in the digest and can `intake resend` it.
"""
from __future__ import annotations

import email.message
import email.parser
import email.policy
from datetime import datetime, time, timezone
from email.utils import getaddresses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import HELD, Message, Reply, Suppression
from intake.app import App

OWN, BOUNCED, DAILY_LIMIT = "own_address", "bounced", "daily_limit"
REASON_TEXT = {BOUNCED: "此前的回复被退信或被对方服务器拒收，不再自动回复",
               DAILY_LIMIT: "已达每个地址每日自动回复上限"}


def own_addresses(app: App) -> set[str]:
    return {app.config.campaign.address.lower(), app.config.smtp.from_.lower()}


def refusal(app: App, session: Session, to: str, now: datetime | None = None) -> str | None:
    """Why no automatic reply may go to `to` now (OWN, BOUNCED, DAILY_LIMIT), or None."""
    to = to.lower()
    if to in own_addresses(app):
        return OWN
    if is_suppressed(session, to):
        return BOUNCED
    if replies_today(app, session, to, now) >= app.config.replies.max_per_sender_per_day:
        return DAILY_LIMIT
    return None


def replies_today(app: App, session: Session, to: str, now: datetime | None = None) -> int:
    """Automatic replies to `to` queued since midnight in the campaign time zone."""
    tz = app.config.campaign.tz
    local = (now or datetime.now(timezone.utc)).astimezone(tz)
    midnight = datetime.combine(local.date(), time(0), tz)
    return session.scalar(select(func.count(Reply.id)).where(
        func.lower(Reply.to_address) == to, Reply.purpose != "digest", Reply.state != HELD,
        Reply.created_at >= midnight)) or 0


def is_suppressed(session: Session, address: str) -> bool:
    """True when `address` bounced, or its server refused a reply for good
    (sender.py records that when it happens)."""
    return session.get(Suppression, address.lower()) is not None


def suppress(session: Session, address: str, reason: str, detail: str | None,
             reply_pk: int | None = None, bounce_pk: int | None = None) -> None:
    address = address.lower()
    if session.get(Suppression, address) is None:
        session.add(Suppression(address=address, reason=reason, detail=(detail or "")[:2000],
                                reply_pk=reply_pk, bounce_pk=bounce_pk,
                                created_at=datetime.now(timezone.utc)))
        session.flush()


def note_bounce(session: Session, row: Message, msg: email.message.Message) -> list[str]:
    """Links a bounce (RFC 3464 DSN) to our reply and suppresses the address
    that failed; returns the addresses suppressed. Only addresses we have
    replied to are suppressed, so a forged report cannot silence anyone else."""
    ids, failed = _dsn(msg)
    ours = session.scalar(select(Reply).where(Reply.message_id.in_(ids)).limit(1)) if ids else None
    targets = {ours.to_address.lower()} if ours else set()
    for address in failed:
        if session.scalar(select(Reply.id).where(func.lower(Reply.to_address) == address).limit(1)):
            targets.add(address)
    for address in sorted(targets):
        suppress(session, address, "bounce", f"退信 #{row.id}",
                 reply_pk=ours.id if ours else None, bounce_pk=row.id)
    return sorted(targets)


def _dsn(msg: email.message.Message) -> tuple[list[str], set[str]]:
    """The Message-IDs the bounce refers to, and the recipients that failed for good."""
    ids = [*(msg.get_all("In-Reply-To") or []), *(msg.get_all("References") or [])]
    failed: set[str] = set()
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            failed |= _failed_recipients(part)
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            original = _headers_of(part)
            if original is not None and original.get("Message-ID"):
                ids.append(original["Message-ID"])
    return [i for v in ids for i in str(v).split() if i.startswith("<")], failed


def _failed_recipients(part: email.message.Message) -> set[str]:
    blocks = part.get_payload()
    out: set[str] = set()
    for block in blocks if isinstance(blocks, list) else []:
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip()
        if action == "failed" or status.startswith("5"):
            value = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            address = value.split(";", 1)[-1].strip()
            out |= {a.lower() for _, a in getaddresses([address]) if "@" in a}
    return out


def _headers_of(part: email.message.Message) -> email.message.Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        return payload[0]
    if isinstance(payload, str):
        return email.parser.HeaderParser(policy=email.policy.compat32).parsestr(payload)
    return None
