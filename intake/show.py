"""`intake show RECEIPT-or-ID`: everything about one message and its case's
history, as plain text for a terminal."""
from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Message, Sighting, Suppression
from intake.app import App
from intake.export import REPLY_LABELS
from intake.mend import NotFound
from intake.replies import filesize
from intake.submissions import (IGNORE_LABELS, KIND_LABELS, STATUS_LABELS, case_name, find,
                                status, when)
from intake.table import render

INFO_LABELS = [("unit_name", "单位名称"), ("address", "通讯地址"), ("contact", "联系人"),
               ("phone", "联系电话"), ("email", "邮箱"), ("unit_types", "单位类型"),
               ("unit_type_other", "单位类型（其他）"), ("case_name", "案例名称"),
               ("case_types", "案例类型"), ("case_type_other", "案例类型（其他）"),
               ("summary", "案例概述")]


def show(app: App, ref: str) -> str:
    tz = app.config.campaign.tz
    with app.sessions() as session:
        m = find(session, ref)
        if m is None:
            raise NotFound(f"no message with id or receipt {ref!r}")
        parts = [_head(app, m, tz), _info(m), _files(m), _problems(m), _replies(session, m, tz),
                 _history(session, m, tz), _sightings(session, m, tz)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _t(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def _head(app: App, m: Message, tz: tzinfo) -> str:
    label = STATUS_LABELS.get(status(m), status(m))
    version = f" 第 {m.version} 版" if m.version else ""
    reason = f"（{IGNORE_LABELS.get(m.ignore_reason, m.ignore_reason)}）" if m.ignore_reason else ""
    lines = [f"#{m.id}  {m.receipt or '无收件编号'}{version}  {label}{reason}",
             f"发件人      {m.from_name or ''} <{m.from_address or ''}>",
             f"标题        {m.subject or ''}",
             f"案例名称    {case_name(m) or '—'}",
             f"收到        {_t(when(m), tz)}   存储 {_t(m.stored_at, tz)}   处理 {_t(m.processed_at, tz)}",
             f"Message-ID  {m.message_id or '—'}",
             f"原始邮件    {app.storage.raw_path(m.raw_sha256)} ({filesize(m.size)})"]
    if m.error:
        lines.append(f"处理错误    {m.error}")
    return "\n".join(lines)


def _info(m: Message) -> str:
    if not m.info:
        return "基本信息表：未读到"
    lines = ["基本信息表："]
    for key, label in INFO_LABELS:
        value = m.info.get(key)
        text = "、".join(map(str, value)) if isinstance(value, list) else (value or "—")
        lines.append(f"  {label}：{text}")
    return "\n".join(lines)


def _files(m: Message) -> str:
    if not m.attachments:
        return "文件：无"
    rows = [[a.filename, KIND_LABELS.get(a.kind, a.kind), filesize(a.size),
             a.from_archive or "", a.sha256[:16]] for a in m.attachments]
    return "文件：\n" + render(["文件名", "类型", "大小", "来自压缩包", "sha256"], rows, 60)


def _problems(m: Message) -> str:
    if not m.problems:
        return "问题：无"
    return "问题：\n" + "\n".join(f"  [{p.severity}] {p.code}"
                                  f"{' (' + p.field + ')' if p.field else ''}: {p.text}"
                                  for p in m.problems)


def _replies(session: Session, m: Message, tz: tzinfo) -> str:
    if not m.replies:
        return "回复：无"
    rows = [[str(r.id), r.purpose, r.to_address, REPLY_LABELS.get(r.state, r.state),
             str(r.attempts), _t(r.sent_at or r.created_at, tz), r.last_error or ""]
            for r in m.replies]
    text = "回复：\n" + render(["ID", "用途", "收件人", "状态", "次数", "时间", "错误"], rows, 60)
    blocked = {r.to_address.lower() for r in m.replies}
    for s in session.scalars(select(Suppression).where(Suppression.address.in_(blocked))):
        text += f"\n  {s.address} 不再自动回复（{s.reason}: {s.detail or ''}）"
    return text


def _history(session: Session, m: Message, tz: tzinfo) -> str:
    if m.submission_pk is None:
        return ""
    members = sorted(session.scalars(select(Message).where(
        Message.submission_pk == m.submission_pk)), key=lambda x: (when(x), x.id))
    if len(members) < 2:
        return "历史：这是本案例唯一的来信"
    rows = [[("→ " if x.id == m.id else "  ") + f"#{x.id}", _t(when(x), tz),
             STATUS_LABELS.get(status(x), status(x)), f"第 {x.version} 版" if x.version else "",
             x.from_address or "", x.subject or ""] for x in members]
    return "历史（同一案例的全部来信）：\n" + render(["", "收到", "结果", "版本", "发件人", "标题"], rows)


def _sightings(session: Session, m: Message, tz: tzinfo) -> str:
    seen = list(session.scalars(select(Sighting).where(Sighting.message_pk == m.id)))
    return "邮箱位置：\n" + "\n".join(f"  {s.source} UIDVALIDITY {s.uidvalidity} UID {s.uid}"
                                     f"（{_t(s.seen_at, tz)}）" for s in seen) if seen else ""
