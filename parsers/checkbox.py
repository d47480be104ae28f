"""Checkbox marks in a table cell, in every form people fill the form with.

python-docx has no API for most of these, so a cell's XML is walked here
(lxml elements under ``w:tc``) into a flat string in which each checkbox
becomes one sentinel character: :data:`OFF` or :data:`ON`. Text stays text.
:func:`checked_labels` then pairs marks with the known labels.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
OFF, ON = "\x01", "\x02"          # sentinels for an empty / a checked box

# Unicode glyphs. ■ and ▣ count as checked (contract §4); ☒ is how Word's
# content control and many forms show "checked".
GLYPH_OFF = frozenset("□☐◻▢⬜❑❒")
GLYPH_ON = frozenset("☑☒✓✔√■▣✅🗹🗷")

# Symbol fonts: the low byte of w:sym/@w:char or of a private-use code point
# (Word stores symbol-font characters as U+F000 + byte).
# Word's Insert Symbol writes Wingdings F0A8 (◻) and F0FE (☑)/F0FD (☒)/F0FC (✓);
# WPS writes Wingdings 2 F0A3 (□) and F052 (☑)/F053, F054 (☒)/F050 (✓).
SYMBOL_MARKS: dict[str, dict[int, str]] = {
    "wingdings": {0x6F: OFF, 0x70: OFF, 0x71: OFF, 0x72: OFF, 0xA8: OFF,
                  0x6E: ON, 0xFC: ON, 0xFD: ON, 0xFE: ON},
    "wingdings 2": {0x2A: OFF, 0xA3: OFF, 0x50: ON, 0x51: ON, 0x52: ON,
                    0x53: ON, 0x54: ON, 0xA0: ON, 0xA2: ON, 0xA8: ON},
    # Insert → Symbol in the Symbol font gives √ as F0D6: a tick written beside a label.
    "symbol": {0xD6: ON},
}
# A private-use character whose run names no font (inherited from a style):
# only codes that mean a box in both tables, or in one and nothing in the other.
_PUA_ANY_FONT = {0xA3: OFF, 0xA8: OFF, 0x52: ON, 0xFE: ON, 0xFD: ON}

_TRUE = {"1", "true", "on"}


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _wattr(el: etree._Element, name: str, ns: str = W) -> str | None:
    return el.get(_q(ns, name))


def _is_true(el: etree._Element | None, ns: str = W) -> bool:
    """OOXML on/off: present without w:val means on (Word 2003 drops it)."""
    if el is None:
        return False
    val = _wattr(el, "val", ns)
    return val is None or val.lower() in _TRUE


def symbol_mark(font: str | None, code: int) -> str | None:
    """OFF/ON for a symbol-font character, None when it is not a box."""
    low = code - 0xF000 if code >= 0xF000 else code
    if font:
        table = SYMBOL_MARKS.get(font.strip().lower())
        if table is not None:
            return table.get(low)
        return None if code < 0xF000 else _PUA_ANY_FONT.get(low)
    return _PUA_ANY_FONT.get(low) if code >= 0xF000 else None


def _run_font(run: etree._Element) -> str | None:
    fonts = run.find(f"{_q(W, 'rPr')}/{_q(W, 'rFonts')}")
    if fonts is None:
        return None
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        name = _wattr(fonts, attr)
        if name and "wingdings" in name.lower():
            return name
    return _wattr(fonts, "ascii") or _wattr(fonts, "eastAsia")


def glyph_marks(text: str, font: str | None = None) -> str:
    """Maps box glyphs and private-use symbol characters to OFF/ON."""
    out = []
    table = SYMBOL_MARKS.get(font.strip().lower()) if font else None
    for ch in text:
        if table is not None and ord(ch) < 0x100:
            # Old Word/WPS files write the plain byte ("R", "£") in a Wingdings run.
            out.append(table.get(ord(ch), ""))
            continue
        code = ord(ch)
        if ch in GLYPH_OFF:
            out.append(OFF)
        elif ch in GLYPH_ON:
            out.append(ON)
        elif 0xF020 <= code <= 0xF0FF:
            out.append(symbol_mark(font, code) or "")
        else:
            out.append(ch)
    return "".join(out)


def _sdt_checkbox(sdt: etree._Element) -> bool | None:
    """State of a w14:checkbox content control, None if the sdt is not one."""
    box = sdt.find(f"{_q(W, 'sdtPr')}/{_q(W14, 'checkbox')}")
    if box is None:
        return None
    return _is_true(box.find(_q(W14, "checked")), W14)


def _ffdata_checkbox(fld: etree._Element) -> bool | None:
    """State of a legacy FORMCHECKBOX: w:checked wins over w:default."""
    box = fld.find(f"{_q(W, 'ffData')}/{_q(W, 'checkBox')}")
    if box is None:
        return None
    checked = box.find(_q(W, "checked"))
    if checked is not None:
        return _is_true(checked)
    default = box.find(_q(W, "default"))
    return default is not None and _is_true(default)


_SKIP = {_q(W, t) for t in ("instrText", "delText", "rPr", "pPr", "tcPr", "sdtPr",
                            "tbl", "fldData")}


def _walk(el: etree._Element, font: str | None) -> Iterator[str]:
    """Yields text pieces and sentinels of `el` in document order."""
    tag = el.tag
    if tag in _SKIP or not isinstance(tag, str):
        return  # nested tables are read as tables of their own
    if tag == _q(W, "sdt"):
        state = _sdt_checkbox(el)
        if state is not None:  # the content only repeats the state as ☒/☐
            yield ON if state else OFF
            return
    elif tag == _q(W, "r"):
        font = _run_font(el)
    elif tag == _q(W, "t"):
        yield glyph_marks(el.text or "", font)
        return
    elif tag == _q(W, "sym"):
        code = int(_wattr(el, "char") or "0", 16)
        mark = symbol_mark(_wattr(el, "font"), code)
        yield mark or ""
        return
    elif tag == _q(W, "fldChar"):
        state = _ffdata_checkbox(el)
        if state is not None:
            yield ON if state else OFF
        return
    elif tag in (_q(W, "tab"), _q(W, "br"), _q(W, "cr")):
        yield " "
        return
    for child in el:
        yield from _walk(child, font)
    if tag == _q(W, "p"):
        yield "\n"


def cell_text(tc: etree._Element) -> str:
    """The cell's text with checkboxes as OFF/ON sentinels, paragraphs on lines."""
    return "".join(_walk(tc, None)).rstrip("\n")


def plain(text: str) -> str:
    """Text with the sentinels removed."""
    return text.replace(OFF, "").replace(ON, "")


def has_marks(text: str) -> bool:
    return OFF in text or ON in text


# ---------------------------------------------------------------- labels

def label_pattern(label: str) -> str:
    """Regex for `label` allowing whitespace between its characters (单 位 名 称)."""
    return r"\s*".join(re.escape(ch) for ch in label)


_OTHER = re.compile(r"其\s*他\s*(?:[（(]([^）)]*)(?:[）)]|$)|[:：]\s*([^\n" + OFF + ON + r"]*))?")
_FILLER = " \t\n_＿\u3000.…"


def other_text(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The text in 其他（…） (full- or half-width brackets) and the match span."""
    m = _OTHER.search(text)
    if not m:
        return None, None
    inner = plain(m.group(1) if m.group(1) is not None else (m.group(2) or ""))
    inner = inner.strip(_FILLER)
    return (inner or None), m.span()


def _find_labels(text: str, labels: list[str]) -> list[tuple[int, int, str]]:
    """Label spans sorted by position; none inside 其他's brackets."""
    _, other_span = other_text(text)
    spans = []
    for label in labels:
        if label == "其他":
            if other_span:
                spans.append((other_span[0], other_span[1], label))
            continue
        for m in re.finditer(label_pattern(label), text):
            if other_span and other_span[0] <= m.start() < other_span[1]:
                continue  # e.g. 其他（生产企业下属研究院）
            spans.append((m.start(), m.end(), label))
            break
    return sorted(spans)


def checked_labels(text: str, labels: list[str]) -> list[str]:
    """The labels whose box is checked, in the form's order.

    The mark belongs to the label it sits beside: before it (□行业协会, the
    notice's layout) or after it (行业协会□) — decided once per list by
    where the first mark is. Any checked mark in a label's stretch counts
    (the notice's stray empty boxes sit next to real ones: "☐ ☐ 第三方核查机构").
    With no marks at all, the labels still present are the chosen ones
    (people delete the others), unless every label is still there.
    """
    spans = _find_labels(text, labels)
    if not spans:
        return []
    if not has_marks(text):
        found = [s[2] for s in spans]
        return [] if len(found) == len(labels) else _in_order(found, labels)
    before = has_marks(text[:spans[0][0]])
    chosen = []
    for i, (start, end, label) in enumerate(spans):
        if before:
            stretch = text[spans[i - 1][1] if i else 0:start]
        else:
            stretch = text[end:spans[i + 1][0] if i + 1 < len(spans) else len(text)]
        if ON in stretch:
            chosen.append(label)
    return _in_order(chosen, labels)


def _in_order(found: list[str], labels: list[str]) -> list[str]:
    return [label for label in labels if label in found]
