"""`intake export --files DIR`: the accepted cases laid out for the editors.

    DIR/碳排放核算案例/CASE-2022-0001 某物流园区碳排放核算案例/
        案例材料.docx  园区照片1.jpg  案例信息.txt

One folder per 案例类型 (a case's first checked type), one per case named
by receipt and 案例名称, holding its Word files, its photos and a summary.
Names come from senders, so each is made safe for Windows (the editors'
machines): no reserved characters or names, no trailing dot or space,
short enough for MAX_PATH, unique without regard to case.

The tree is built beside DIR and swapped in whole, so a second export
replaces the first instead of mixing versions; a folder that is not an
earlier export is never overwritten.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from datetime import tzinfo
from pathlib import Path

from db.models import Message
from intake.app import App
from intake.errors import IntakeError
from intake.submissions import KIND_LABELS, Entry, case_name, load_entries, status, when

MARKER = ".intake-export"
SUMMARY = "案例信息.txt"
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
FIELDS = [("收件编号", "receipt"), ("版本", "version"), ("案例名称", "case_name"),
          ("单位名称", "unit_name"), ("单位类型", "unit_types"), ("案例类型", "case_types"),
          ("联系人", "contact"), ("联系电话", "phone"), ("邮箱", "email"), ("通讯地址", "address"),
          ("发件人", "from"), ("收到时间", "received")]


def safe_name(name: str, limit: int = 60) -> str:
    """`name` usable as a file or folder name on Windows (and everywhere else)."""
    text = " ".join(_BAD.sub("_", unicodedata.normalize("NFC", name)).split())
    stem, ext = os.path.splitext(text)
    if len(ext) > 10:           # not an extension, just a dot in the name
        stem, ext = text, ""
    # Cut the stem, keep the extension: Word and the photo viewer go by it.
    text = (stem[:max(limit - len(ext), 1)].rstrip(". ") + ext).rstrip(". ")
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    return text or "_"


def export_files(app: App, out: Path) -> int:
    """Lays out every accepted case (latest version) under `out`; returns how many."""
    _check_target(out)
    with app.sessions() as session:
        accepted = [e for e in load_entries(session) if status(e.latest) == "accepted"]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out.parent))
    try:
        (tmp / MARKER).write_text("written by intake export --files\n", encoding="utf-8")
        taken: set[str] = set()
        for entry in accepted:
            _write_case(app, tmp, entry.latest, taken)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise IntakeError(f"cannot write the case folders to {out}: {e.strerror or e}") from e
    return len(accepted)


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or
                         (any(out.iterdir()) and not (out / MARKER).exists())):
        raise IntakeError(f"{out} exists and is not an earlier export; choose a new folder")


def type_folder(m: Message) -> str:
    types = (m.info or {}).get("case_types") or []
    return safe_name(str(types[0])) if types else "未分类"


def _write_case(app: App, root: Path, m: Message, taken: set[str]) -> None:
    name = safe_name(f"{m.receipt or m.id} {case_name(m) or m.subject or ''}")
    folder = root / type_folder(m) / _unique(name, taken, type_folder(m) + "/")
    folder.mkdir(parents=True)
    used: set[str] = {SUMMARY.casefold()}
    for att in m.attachments:
        if att.kind in ("word", "photo"):
            target = folder / _unique(safe_name(att.filename, 80), used, "")
            shutil.copyfile(app.storage.file_path(att.sha256), target)
    text = summary_text(m, app.config.campaign.tz)
    # CRLF and a BOM: Notepad on an editor's Windows machine shows it right.
    (folder / SUMMARY).write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))


def _unique(name: str, taken: set[str], scope: str) -> str:
    """`name`, or `name (2)`, … — unique ignoring case, as on Windows."""
    stem, ext = os.path.splitext(name)
    candidate, n = name, 1
    while (scope + candidate).casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){ext}"
    taken.add((scope + candidate).casefold())
    return candidate


def summary_text(m: Message, tz: tzinfo) -> str:
    info = m.info or {}
    values = {**info, "receipt": m.receipt, "version": m.version, "case_name": case_name(m),
              "from": f"{m.from_name or ''} <{m.from_address or ''}>",
              "received": when(m).astimezone(tz).strftime("%Y-%m-%d %H:%M")}
    lines = [f"{label}：{_text(values.get(key))}" for label, key in FIELDS]
    lines += ["", "案例概述：", str(info.get("summary") or ""), "", "文件："]
    lines += [f"  {a.filename}（{KIND_LABELS.get(a.kind, a.kind)}，{a.size} 字节，"
              f"sha256 {a.sha256}）" for a in m.attachments]
    warnings = [p.text for p in m.problems if p.severity == "warning"]
    if warnings:
        lines += ["", "提示：", *(f"  {w}" for w in warnings)]
    return "\n".join(lines) + "\n"


def _text(value: object) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value))
    return "" if value is None else str(value)
