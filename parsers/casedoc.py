"""The case document: body text outside the 基本信息表, its template headings
一 … 十二 and its embedded images (contract §5 `case_document`)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from parsers.checkbox import W
from parsers.infotable import MC_FALLBACK

NUMERALS: list[str] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
# "十一、" must win over "十、"; the separator may be 、 ． . or a space-free comma.
_HEADING = re.compile(r"^\s*(十[一二]|[一二三四五六七八九十])\s*[、.．,，]")
_TITLE = re.compile(r"基本信息表")
MIN_CHARS_BESIDE_TABLE = 100  # less than this next to a table is a caption, not a case

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
V = "urn:schemas-microsoft-com:vml"
_P, _T, _TBL = f"{{{W}}}p", f"{{{W}}}t", f"{{{W}}}tbl"
_BLIP, _IMAGEDATA = f"{{{A}}}blip", f"{{{V}}}imagedata"


_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                    "ideographLegalTraditional", "taiwaneseCounting", "taiwaneseCountingThousand"}


def _w(el: etree._Element | None, path: str) -> str | None:
    """@w:val of the first `path` (w: prefixed tags, / separated) under `el`."""
    if el is None:
        return None
    found = el.find("/".join(f"{{{W}}}{t}" for t in path.split("/")))
    return None if found is None else found.get(f"{{{W}}}val")


class Numbering:
    """Renders Word's automatic list numbers for Chinese-counting levels.

    A heading numbered by Word's list feature (一、 二、 …) has no "一、" in
    its text: the number lives in numbering.xml. Only direct w:numPr on the
    paragraph is followed (numbering inherited from a style is not).
    """

    def __init__(self, numbering: etree._Element | None) -> None:
        self.levels: dict[tuple[str, str], tuple[str, int]] = {}  # (numId, ilvl) -> (text, start)
        self.counters: dict[tuple[str, str], int] = {}
        if numbering is None:
            return
        abstract = {a.get(f"{{{W}}}abstractNumId"): a for a in numbering.iter(f"{{{W}}}abstractNum")}
        for num in numbering.iter(f"{{{W}}}num"):
            absn = abstract.get(_w(num, "abstractNumId"))
            for lvl in absn.iter(f"{{{W}}}lvl") if absn is not None else ():
                if _w(lvl, "numFmt") in _CHINESE_FORMATS:
                    key = (num.get(f"{{{W}}}numId"), lvl.get(f"{{{W}}}ilvl"))
                    self.levels[key] = (_w(lvl, "lvlText") or "", int(_w(lvl, "start") or 1))

    def prefix(self, p: etree._Element) -> str:
        """The number Word shows before paragraph `p` ("三、"), or ""."""
        ppr = p.find(f"{{{W}}}pPr")
        key = (_w(ppr, "numPr/numId"), _w(ppr, "numPr/ilvl") or "0")
        if key not in self.levels:
            return ""
        text, start = self.levels[key]
        n = self.counters.get(key, start - 1) + 1
        self.counters[key] = n
        return text.replace(f"%{int(key[1]) + 1}", _chinese(n)) if 0 < n <= 99 else ""


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass
class BodyStats:
    characters: int = 0
    sections: list[str] = field(default_factory=list)
    images: int = 0


def _paragraphs(el: etree._Element, skip: set[etree._Element]) -> Iterator[etree._Element]:
    """Paragraphs and picture elements outside `skip` tables and VML fallbacks."""
    for child in el:
        if child in skip or child.tag == MC_FALLBACK:
            continue
        if child.tag == _P or child.tag in (_BLIP, _IMAGEDATA):
            yield child
        if child.tag != _T:
            yield from _paragraphs(child, skip)


def _para_text(p: etree._Element) -> str:
    # Only this paragraph's own runs: a text box inside it is a paragraph of its own.
    return "".join(t.text or "" for t in p.iter(_T)
                   if _owner(t) is p)


def _owner(t: etree._Element) -> etree._Element | None:
    for a in t.iterancestors(_P):
        return a
    return None


def _is_image(el: etree._Element) -> bool:
    if el.tag == _BLIP:
        return el.get(f"{{{R}}}embed") is not None  # r:link is an external picture
    return el.get(f"{{{R}}}id") is not None


def body_stats(body: etree._Element, skip: list[etree._Element],
               numbering: etree._Element | None = None) -> BodyStats:
    """Counts text, headings and images of `body`, leaving out `skip` tables."""
    stats = BodyStats()
    numbers = Numbering(numbering)
    found: set[str] = set()
    skip_set = set(skip)
    for el in _paragraphs(body, skip_set):
        if el.tag != _P:
            stats.images += _is_image(el)
            continue
        text = _para_text(el)
        compact = re.sub(r"\s+", "", text)
        if skip and len(compact) <= 40 and _TITLE.search(compact):
            continue  # the form's own title above the table
        stats.characters += len(compact)
        m = _HEADING.match(numbers.prefix(el) + text)
        if m:
            found.add(m.group(1))
    stats.sections = [n for n in NUMERALS if n in found]
    return stats


def has_case_text(stats: BodyStats, has_table: bool) -> bool:
    """Whether the body is a case document (not only the form and a caption)."""
    if stats.sections or stats.images:
        return True
    return stats.characters >= (MIN_CHARS_BESIDE_TABLE if has_table else 1)
