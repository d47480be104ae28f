"""The staff's daily digest: counts first, then what needs a person, then
the day's mail by decision, with the XLSX of all submissions attached.
Sent through the same outbox as the replies (`Reply.purpose == "digest"`).

The templates get plain dicts and strings built here, never ORM rows, and
the HTML one is autoescaped: every field comes from outside.
"""
from __future__ import annotations

import email.policy
import email.utils
from collections import Counter
from datetime import datetime, timedelta, timezone, tzinfo
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from db.models import FAILED, GIVEN_UP, HELD, QUEUED, RETRY, Reply
from intake.app import App
from intake.export import REPLY_LABELS, xlsx_bytes
from intake.replies import environment, filesize, one_line
from intake.sender import deliver_due
from intake.submissions import (IGNORE_LABELS, KIND_LABELS, STATUS_LABELS, Entry, all_messages,
                                case_name, entries, status, when)

DAY = timedelta(hours=24)
# A reply is retried for about ten hours before it is given up; looking two
# days back lists every given-up reply in at least one digest.
GIVEN_UP_WINDOW = timedelta(hours=48)
SECTIONS = ("accepted", "rejected", "review", "ignored", "failed")
# The day's lists, most in need of a look first; the long accepted list last.
LIST_ORDER = ("rejected", "review", "failed", "ignored", "accepted")
CASE_TYPES = ("碳排放监测案例", "碳排放核算案例", "碳排放核查案例", "碳排放相关咨询项目案例",
              "碳排放交易实务案例", "航空碳排放管理相关案例", "其他")
UNIT_TYPES = ("行业协会", "科研院所", "生产企业", "温室气体监测检测机构", "第三方核查机构",
              "咨询机构", "碳交易机构", "碳金融服务机构", "数字化与信息化技术企业", "其他")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def digest_context(app: App, now: datetime) -> dict[str, Any]:
    tz = app.config.campaign.tz
    with app.sessions() as session:
        messages = all_messages(session)
        replies = _reply_trouble(session, now)
    found = entries(messages)
    recent = [m for m in messages if m.stored_at >= now - DAY]
    items = [item(m, tz) for m in recent]
    counts = Counter(i["status"] for i in items)
    return {
        "date": now.astimezone(tz).strftime("%Y-%m-%d"),
        "now": now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        "days_left": days_left(app, now), "total": len(items),
        "counts": [(s, STATUS_LABELS[s], counts.get(s, 0)) for s in SECTIONS],
        "sections": [(s, STATUS_LABELS[s], [i for i in items if i["status"] == s])
                     for s in LIST_ORDER],
        "needs_person": needs_person(items, messages, tz, now),
        "replies": [_reply_item(r, tz) for r in replies],
        **totals(found),
        "campaign": app.config.campaign,
    }


def days_left(app: App, now: datetime) -> int:
    """Calendar days in the campaign time zone until the deadline's day (0: today)."""
    tz = app.config.campaign.tz
    return (app.config.campaign.deadline.astimezone(tz).date() - now.astimezone(tz).date()).days


def item(m: Any, tz: tzinfo) -> dict[str, Any]:
    """One message as the digest shows it."""
    info = m.info or {}
    return {
        "id": m.id, "status": status(m), "receipt": m.receipt or "", "version": m.version,
        "when": when(m).astimezone(tz).strftime("%m-%d %H:%M"),
        "sender": m.from_address or "", "sender_name": m.from_name or "",
        "unit_name": str(info.get("unit_name") or ""), "case_name": case_name(m),
        "case_types": "、".join(map(str, info.get("case_types") or [])),
        "subject": m.subject or "",
        "files": [f"{a.filename}（{KIND_LABELS.get(a.kind, a.kind)}，{filesize(a.size)}）"
                  for a in m.attachments],
        "file_names": [a.filename for a in m.attachments],
        "errors": [p.text for p in m.problems if p.severity == "error"],
        "warnings": [p.text for p in m.problems if p.severity == "warning"],
        "ignore_reason": IGNORE_LABELS.get(m.ignore_reason or "", m.ignore_reason or ""),
        "automatic": m.ignore_reason not in (None, "not_submission"),
        "error": (m.error or "")[:300],
    }


def needs_person(items: list[dict], messages: list[Any], tz: tzinfo,
                 now: datetime) -> list[dict[str, Any]]:
    """The day's review and non-automatic ignored mail, and every message
    that failed processing and is still failed (whenever it arrived)."""
    out = [dict(i, why="超大附件：请下载文件并审核") for i in items if i["status"] == "review"]
    out += [dict(i, why="非投稿来信：请阅读，需要时人工回复") for i in items
            if i["status"] == "ignored" and not i["automatic"]]
    out += [dict(item(m, tz), why="处理失败：请查看错误，修复后 intake reprocess")
            for m in messages if status(m) == FAILED]
    return out


def totals(found: list[Entry]) -> dict[str, Any]:
    """Submissions to date (latest versions) by status, and the accepted
    ones by 案例类型 and 单位类型."""
    by_status = Counter(status(e.latest) for e in found)
    accepted = [e.latest.info or {} for e in found if status(e.latest) == "accepted"]
    case_types = Counter(t for info in accepted for t in info.get("case_types") or [])
    unit_types = Counter(t for info in accepted for t in info.get("unit_types") or [])
    return {
        "to_date": [(s, STATUS_LABELS[s], by_status.get(s, 0)) for s in SECTIONS],
        "accepted_total": len(accepted),
        "by_case_type": _most_first(case_types, CASE_TYPES),
        "by_unit_type": _most_first(unit_types, UNIT_TYPES),
    }


def _most_first(counts: Counter, labels: tuple[str, ...]) -> list[tuple[str, int]]:
    """The labels that occur, most frequent first (ties in the form's order);
    a label outside the form (a parser's variant) is kept, not dropped."""
    order = {t: i for i, t in enumerate(labels)}
    return sorted(((t, n) for t, n in counts.items() if n),
                  key=lambda tn: (-tn[1], order.get(tn[0], len(order)), tn[0]))


def _reply_trouble(session: Any, now: datetime) -> list[Reply]:
    """Replies still being retried, and those given up or held back lately."""
    query = select(Reply).where(
        (Reply.state == RETRY)
        | (Reply.state.in_((GIVEN_UP, HELD)) & (Reply.created_at >= now - GIVEN_UP_WINDOW)))
    return list(session.scalars(query.order_by(Reply.id)))


def _reply_item(r: Reply, tz: tzinfo) -> dict[str, Any]:
    return {"id": r.message_pk, "to": r.to_address, "purpose": r.purpose,
            "state": REPLY_LABELS.get(r.state, r.state), "attempts": r.attempts,
            "created": r.created_at.astimezone(tz).strftime("%m-%d %H:%M"),
            "error": (r.last_error or "")[:200]}


def render(app: App, now: datetime) -> tuple[str, str, dict[str, Any]]:
    """(text, html, context) of the digest at `now`."""
    context = digest_context(app, now)
    env = environment()
    return (env.get_template("digest.txt.j2").render(context),
            env.get_template("digest.html.j2").render(context), context)


def build_digest(app: App, now: datetime | None = None) -> EmailMessage:
    now = now or datetime.now(timezone.utc)
    text, html, context = render(app, now)
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = email.utils.formataddr((app.config.smtp.from_name, app.config.smtp.from_))
    msg["To"] = ", ".join(app.config.digest.recipients) or app.config.smtp.from_
    msg["Subject"] = one_line(subject(context))
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = email.utils.make_msgid("digest", domain=app.config.smtp.from_.rpartition("@")[2])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    with app.sessions() as session:
        workbook = xlsx_bytes(entries(all_messages(session)), app.config.campaign.tz)
    msg.add_attachment(workbook, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                       filename=f"案例征集汇总-{context['date']}.xlsx")
    return msg


def subject(context: dict[str, Any]) -> str:
    counts = {s: n for s, _, n in context["counts"]}
    todo = len(context["needs_person"])
    return (f"案例征集日报 {context['date']}：新收 {context['total']} 封"
            f"（受理 {counts['accepted']}，退回 {counts['rejected']}）"
            + (f"，{todo} 项待处理" if todo else ""))


def send_digest(app: App, now: datetime | None = None) -> int:
    """Queues the digest to every recipient and delivers it; returns how many."""
    msg = build_digest(app, now)
    base_id, created = msg["Message-ID"], datetime.now(timezone.utc)
    with app.sessions() as session:
        for n, to in enumerate(app.config.digest.recipients):
            # One Message-ID per copy: the outbox keys replies by it.
            msg.replace_header("Message-ID", base_id.replace("@", f".{n}@", 1))
            session.add(Reply(purpose="digest", to_address=to, subject=msg["Subject"],
                              message_id=msg["Message-ID"], raw=msg.as_bytes(),
                              state=QUEUED, created_at=created))
        session.commit()
        deliver_due(session, app.config.smtp)
    return len(app.config.digest.recipients)
