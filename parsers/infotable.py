"""Finding the 基本信息表 among a document's tables and reading its fields.

Tables are read from their XML (``w:tbl/w:tr/w:tc``), not through
python-docx's ``row.cells``: that API returns a merged cell once per grid
column it spans, while each ``w:tc`` here is visited exactly once. Nested
tables are candidates of their own; a cell's text leaves them out.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from parsers import checkbox
from parsers.checkbox import W

INFO_KEYS: tuple[str, ...] = (
    "unit_name", "address", "contact", "phone", "email", "unit_types",
    "unit_type_other", "case_name", "case_types", "case_type_other", "summary")
UNIT_TYPE_LABELS: list[str] = [
    "行业协会", "科研院所", "生产企业", "温室气体监测检测机构", "第三方核查机构",
    "咨询机构", "碳交易机构", "碳金融服务机构", "数字化与信息化技术企业", "其他"]
CASE_TYPE_LABELS: list[str] = [
    "碳排放监测案例", "碳排放核算案例", "碳排放核查案例", "碳排放相关咨询项目案例",
    "碳排放交易实务案例", "航空碳排放管理相关案例", "其他"]
CHECK_FIELDS: dict[str, tuple[list[str], str]] = {
    "unit_types": (UNIT_TYPE_LABELS, "unit_type_other"),
    "case_types": (CASE_TYPE_LABELS, "case_type_other"),
}
# Field key -> the labels people write for it (the form's own label first).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "unit_name": ("单位名称", "申报单位名称", "申报单位"),
    "address": ("通讯地址", "通信地址", "联系地址"),
    "contact": ("联系人", "联系人姓名"),
    "phone": ("联系电话", "电话", "手机", "联系方式"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "e-mail", "email"),
    "unit_types": ("单位类型",),
    "case_name": ("案例名称",),
    "case_types": ("案例类型",),
    "summary": ("案例概述", "案例简介"),
}
MIN_KEYS = 3          # distinct labels that make a table the 基本信息表

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _label_regex(label: str) -> re.Pattern[str]:
    # An optional hint in brackets after the label: 案例概述（案例主要内容的提炼…）;
    # an optional required-field star; then an optional colon and an inline value.
    return re.compile(r"^\s*" + checkbox.label_pattern(label)
                      + r"\s*[*＊]?\s*(?:[（(][^）)]*[）)])?\s*(?:[:：]\s*(?P<rest>.*))?$",
                      re.DOTALL | re.IGNORECASE)


_LABEL_RES: list[tuple[str, re.Pattern[str]]] = [
    (key, _label_regex(label)) for key, labels in FIELD_LABELS.items() for label in labels]


@dataclass
class Cell:
    text: str               # with checkbox sentinels
    key: str | None = None  # the field this cell labels
    rest: str = ""          # the value written in the label's own cell


def match_label(text: str) -> tuple[str, str] | None:
    """(key, inline value) when the cell is a field label, else None."""
    flat = checkbox.plain(text)
    if len(flat) > 60:
        return None  # a label cell is short; a long cell is a value
    for key, regex in _LABEL_RES:
        m = regex.match(text)
        if m:
            return key, (m.group("rest") or "")
    return None


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct `tag` children, also through content controls around rows/cells."""
    for child in el:
        if child.tag == f"{{{W}}}{tag}":
            yield child
        elif child.tag in (f"{{{W}}}sdt", f"{{{W}}}customXml"):
            content = child.find(f"{{{W}}}sdtContent")
            yield from _children(content if content is not None else child, tag)


def _is_continuation(tc: etree._Element) -> bool:
    """A legacy w:hMerge continuation cell belongs to the cell before it."""
    merge = tc.find(f"{{{W}}}tcPr/{{{W}}}hMerge")
    return merge is not None and merge.get(f"{{{W}}}val") != "restart"


def table_rows(tbl: etree._Element) -> list[list[Cell]]:
    rows = []
    for tr in _children(tbl, "tr"):
        cells = []
        for tc in _children(tr, "tc"):
            if _is_continuation(tc):
                continue
            cell = Cell(checkbox.cell_text(tc))
            found = match_label(cell.text)
            if found:
                cell.key, cell.rest = found
            cells.append(cell)
        rows.append(cells)
    return rows


def all_tables(root: etree._Element) -> list[etree._Element]:
    """Every table, nested ones included; VML fallback copies left out."""
    return [t for t in root.iter(f"{{{W}}}tbl")
            if not any(a.tag == MC_FALLBACK for a in t.iterancestors())]


def _join_lines(text: str, keep_lines: bool) -> str:
    text = text.strip()
    if keep_lines:
        return "\n".join(line.strip() for line in text.split("\n")).strip()
    # A value wrapped onto two lines in its cell: CJK joins without a space.
    return re.sub(r"\s*\n\s*", lambda m: _glue(text, m), text)


def _glue(text: str, m: re.Match[str]) -> str:
    left, right = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
    wide = all(unicodedata.east_asian_width(c) in "WF" for c in left + right if c)
    return "" if wide else " "


def _text_value(parts: list[str], keep_lines: bool = False) -> str | None:
    value = "\n".join(checkbox.plain(p) for p in parts if checkbox.plain(p).strip())
    value = _join_lines(value, keep_lines)
    return value or None


def _after(row: list[Cell], i: int) -> list[str]:
    """Texts of the cells after the label at `i`, up to the next label."""
    out = []
    for cell in row[i + 1:]:
        if cell.key:
            break
        out.append(cell.text)
    return out


def _row_texts(row: list[Cell]) -> list[str] | None:
    """The row under 案例概述 as its value, unless it holds a label itself."""
    if any(c.key for c in row):
        return None
    return [c.text for c in row]


def read_fields(rows: list[list[Cell]]) -> dict[str, object]:
    """Field values found in one table's rows (only keys that appear)."""
    found: dict[str, object] = {}
    for r, row in enumerate(rows):
        for i, cell in enumerate(row):
            if not cell.key or found.get(cell.key) not in (None, [], ""):
                continue
            parts = ([cell.rest] if cell.rest.strip() else []) + _after(row, i)
            if cell.key == "summary" and not _text_value(parts):
                below = _row_texts(rows[r + 1]) if r + 1 < len(rows) else None
                parts = below or []
            _store(found, cell.key, parts)
    return found


def _store(found: dict[str, object], key: str, parts: list[str]) -> None:
    if key in CHECK_FIELDS:
        labels, other_key = CHECK_FIELDS[key]
        text = "\n".join(parts)
        found[key] = checkbox.checked_labels(text, labels)
        found[other_key] = checkbox.other_text(text)[0]
    else:
        found[key] = _text_value(parts, keep_lines=(key == "summary"))


def find_info(root: etree._Element) -> tuple[dict[str, object] | None, list[etree._Element]]:
    """The §4 fields and the tables they came from; (None, []) when no form.

    The form may be split over several tables (a page break, or one table
    per section): fields merge in document order, the first value wins.
    """
    merged: dict[str, object] = {}
    used = []
    for tbl in all_tables(root):
        rows = table_rows(tbl)
        keys = {c.key for row in rows for c in row if c.key}
        if len(keys) < 2:
            continue
        used.append(tbl)
        for key, value in read_fields(rows).items():
            if merged.get(key) in (None, [], ""):
                merged[key] = value
    labelled = {k for k in merged if k in FIELD_LABELS}
    if len(labelled) < MIN_KEYS:
        return None, []
    info = {key: merged.get(key) for key in INFO_KEYS}
    for key in CHECK_FIELDS:
        info[key] = info[key] or []
    return info, used
