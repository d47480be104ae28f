"""`intake export`: every submission (its latest version) as XLSX, CSV or JSON.

Every value comes from outside, so none may act as a formula: XLSX cells
are written as strings whatever they start with, and CSV values starting
with = + - @ get a leading apostrophe (the OWASP advice for CSV injection).
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from db.models import Message
from intake.app import App
from intake.errors import IntakeError
from intake.storage import atomic_write
from intake.submissions import (IGNORE_LABELS, KIND_LABELS, STATUS_LABELS, STATUSES, Entry,
                                case_name, load_entries, status, when)

FORMATS = ("xlsx", "csv", "json")
INFO_KEYS = ("unit_name", "address", "contact", "phone", "email", "unit_types",
             "unit_type_other", "case_name", "case_types", "case_type_other", "summary")
# (key, Chinese header, column width in Excel characters; a CJK character is ~2)
COLUMNS = [
    ("id", "ID", 6), ("receipt", "收件编号", 16), ("version", "版本", 6),
    ("status", "结果", 11), ("ignore_reason", "忽略原因", 11), ("received_at", "收到时间", 17),
    ("from_address", "发件人邮箱", 26), ("from_name", "发件人", 12),
    ("unit_name", "单位名称", 30), ("unit_types", "单位类型", 22),
    ("unit_type_other", "单位类型（其他）", 16), ("case_name", "案例名称", 36),
    ("case_types", "案例类型", 24), ("case_type_other", "案例类型（其他）", 16),
    ("contact", "联系人", 10), ("phone", "联系电话", 16), ("email", "邮箱", 24),
    ("address", "通讯地址", 30), ("summary", "案例概述", 50), ("errors", "错误", 40),
    ("warnings", "提示", 40), ("files", "文件", 44), ("subject", "邮件标题", 40),
    ("case_name_from_subject", "标题中的案例名称", 30), ("earlier", "此前来信 ID", 12),
    ("reply", "回复", 10), ("processed_at", "处理时间", 17), ("error", "处理错误", 30),
    ("message_id", "Message-ID", 30),
]
REPLY_LABELS = {"queued": "待发送", "sent": "已发送", "failed": "发送失败，将重试",
                "given_up": "发送失败", "held": "暂缓（回复限制）"}
_EXCEL_MAX = 32767


def export(app: App, fmt: str, out: Path) -> int:
    """Writes the export to `out` (atomically); returns how many rows."""
    if fmt not in FORMATS:
        raise IntakeError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    with app.sessions() as session:
        found = load_entries(session)
    data = render(found, fmt, app.config.campaign.tz)
    try:
        atomic_write(out, data)
    except OSError as e:
        raise IntakeError(f"cannot write {out}: {e.strerror or e}") from e
    return len(found)


def render(found: list[Entry], fmt: str, tz: tzinfo) -> bytes:
    if fmt == "json":
        return json.dumps([record(e) for e in found], ensure_ascii=False, indent=2).encode()
    if fmt == "csv":
        return csv_bytes(found, tz)
    return xlsx_bytes(found, tz)


# --- one flat row ------------------------------------------------------------

def flat_row(entry: Entry, tz: tzinfo) -> dict[str, Any]:
    """The spreadsheet row of one submission: its latest version."""
    m, info = entry.latest, entry.latest.info or {}
    row: dict[str, Any] = {key: _text(info.get(key)) for key in INFO_KEYS}
    row.update({
        "id": m.id, "receipt": m.receipt or "", "version": m.version or "",
        "status": STATUS_LABELS.get(status(m), status(m)),
        "ignore_reason": IGNORE_LABELS.get(m.ignore_reason or "", m.ignore_reason or ""),
        "received_at": _local(when(m), tz), "processed_at": _local(m.processed_at, tz),
        "from_address": m.from_address or "", "from_name": m.from_name or "",
        "subject": m.subject or "", "case_name_from_subject": m.case_name_from_subject or "",
        "case_name": case_name(m),
        "errors": _problems(m, "error"), "warnings": _problems(m, "warning"),
        "files": "；".join(f"{a.filename}（{KIND_LABELS.get(a.kind, a.kind)}）"
                          for a in m.attachments),
        "earlier": "、".join(str(e.id) for e in entry.earlier),
        "reply": REPLY_LABELS.get(m.replies[-1].state, m.replies[-1].state) if m.replies else "",
        "error": m.error or "", "message_id": m.message_id or "",
    })
    return row


def _text(value: Any) -> str:
    if value is None:
        return ""
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _problems(m: Message, severity: str) -> str:
    return "；".join(f"{p.text}（{p.code}）" for p in m.problems if p.severity == severity)


def _local(value: datetime | None, tz: tzinfo) -> datetime | None:
    # Excel has no time zones: the staff read campaign time.
    return value.astimezone(tz).replace(tzinfo=None) if value else None


# --- XLSX --------------------------------------------------------------------

def xlsx_bytes(found: list[Entry], tz: tzinfo) -> bytes:
    """A sheet 全部, then one sheet per status (always all of them, so the
    staff's workbook keeps its shape from day to day)."""
    wb = Workbook()
    wb.remove(wb.active)
    rows = [(status(e.latest), flat_row(e, tz)) for e in found]
    _sheet(wb, "全部", [r for _, r in rows])
    for name in STATUSES:
        part = [r for s, r in rows if s == name]
        if part or name != "received":
            _sheet(wb, STATUS_LABELS[name], part)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(wb: Workbook, title: str, rows: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(title)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for col, (_, header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(1, col, header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=2):
        for col, (key, _, _) in enumerate(COLUMNS, start=1):
            _put(ws.cell(r, col), row[key])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 1)}"


def _put(cell: Any, value: Any) -> None:
    if isinstance(value, datetime):
        cell.value, cell.number_format = value, "yyyy-mm-dd hh:mm"
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub(" ", value)[:_EXCEL_MAX]
        cell.data_type = "s"        # never a formula, even when it starts with "="
    else:
        cell.value = value


# --- CSV ---------------------------------------------------------------------

def csv_bytes(found: list[Entry], tz: tzinfo) -> bytes:
    """UTF-8 with a BOM: Excel on Windows then opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _, header, _ in COLUMNS])
    for e in found:
        row = flat_row(e, tz)
        writer.writerow([_csv_value(row[key]) for key, _, _ in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- JSON --------------------------------------------------------------------

def record(entry: Entry) -> dict[str, Any]:
    """Everything the database holds on a submission: its latest version,
    and the earlier messages of the same case under `earlier`."""
    return {**message_record(entry.latest), "earlier": [message_record(m) for m in entry.earlier]}


def message_record(m: Message) -> dict[str, Any]:
    return {
        "id": m.id, "receipt": m.receipt, "version": m.version, "status": status(m),
        "decision": m.decision, "ignore_reason": m.ignore_reason, "state": m.state,
        "error": m.error, "message_id": m.message_id, "subject": m.subject,
        "from": {"name": m.from_name, "address": m.from_address},
        "received_at": _iso(m.received_at), "stored_at": _iso(m.stored_at),
        "processed_at": _iso(m.processed_at), "raw_sha256": m.raw_sha256, "size": m.size,
        "case_name_from_subject": m.case_name_from_subject, "info": m.info,
        "case_document": m.case_document, "submission": m.submission_pk,
        "replaces": m.replaces_pk,
        "problems": [{"code": p.code, "severity": p.severity, "field": p.field,
                      "file": p.file, "message": p.text} for p in m.problems],
        "attachments": [{"filename": a.filename, "kind": a.kind, "content_type": a.content_type,
                         "size": a.size, "sha256": a.sha256, "from_archive": a.from_archive}
                        for a in m.attachments],
        "replies": [{"purpose": r.purpose, "to": r.to_address, "state": r.state,
                     "message_id": r.message_id, "attempts": r.attempts,
                     "created_at": _iso(r.created_at), "sent_at": _iso(r.sent_at),
                     "last_error": r.last_error} for r in m.replies],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
