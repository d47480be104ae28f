"""parsers.checkbox on raw cell XML: the quirks each checkbox form brings."""
from __future__ import annotations

import pytest
from docx.oxml.parser import parse_xml

from parsers.checkbox import OFF, ON, cell_text, checked_labels, other_text
from parsers.infotable import CASE_TYPE_LABELS, UNIT_TYPE_LABELS
from tests.builders.docx import NS

_DECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())


def tc(runs: str) -> object:
    return parse_xml(f"<w:tc {_DECL}><w:p>{runs}</w:p></w:tc>")


def r(text: str, font: str | None = None) -> str:
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


@pytest.mark.parametrize("xml,expected", [
    ('<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>', ON),
    ('<w:r><w:sym w:font="Wingdings" w:char="00FE"/></w:r>', ON),   # no F0 prefix
    ('<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>', OFF),
    ('<w:r><w:sym w:font="Wingdings 2" w:char="F052"/></w:r>', ON),  # WPS ☑
    ('<w:r><w:sym w:font="Wingdings 2" w:char="F0A3"/></w:r>', OFF),  # WPS □
    ('<w:r><w:sym w:font="Wingdings 2" w:char="F054"/></w:r>', ON),   # ☒
    ('<w:r><w:sym w:font="Symbol" w:char="F0D6"/></w:r>', ON),       # √ from the Symbol font
    ('<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>', ""),       # a bullet: not a mark
    (r("\uf052", "Wingdings 2"), ON), (r("\uf0fe"), ON), (r("\uf0a3"), OFF),
    (r("R", "Wingdings 2"), ON), (r("£", "Wingdings 2"), OFF),
    (r("☑☒✓✔√■▣"), ON * 7), (r("□☐"), OFF * 2),
])
def test_single_marks(xml: str, expected: str) -> None:
    # GIVEN one mark in a cell / WHEN flattened / THEN it is the expected sentinel(s)
    assert cell_text(tc(xml)) == expected


def _sdt(checked: str | None) -> str:
    state = "" if checked is None else (
        "<w14:checked/>" if checked == "" else f'<w14:checked w14:val="{checked}"/>')
    return (f"<w:sdt><w:sdtPr><w14:checkbox>{state}</w14:checkbox></w:sdtPr>"
            f"<w:sdtContent>{r('☒')}</w:sdtContent></w:sdt>")


@pytest.mark.parametrize("checked,expected", [("1", ON), ("0", OFF), ("true", ON),
                                              ("false", OFF), (None, OFF)])
def test_content_control_state_wins_over_its_glyph(checked: str | None, expected: str) -> None:
    # GIVEN a w14:checkbox whose displayed glyph is ☒ whatever its state
    # WHEN flattened / THEN the w14:checked value decides, the glyph is not read
    assert cell_text(tc(_sdt(checked))) == expected


def _ff(state: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox>{state}'
            '</w:checkBox></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


@pytest.mark.parametrize("state,expected", [
    ('<w:default w:val="0"/><w:checked/>', ON),            # no w:val means checked
    ('<w:default w:val="0"/><w:checked w:val="1"/>', ON),
    ('<w:default w:val="1"/><w:checked w:val="0"/>', OFF),  # w:checked overrides default
    ('<w:default w:val="1"/><w:checked w:val="false"/>', OFF),
    ('<w:default w:val="1"/>', ON), ('<w:default w:val="0"/>', OFF), ("", OFF)])
def test_legacy_form_field(state: str, expected: str) -> None:
    # GIVEN a FORMCHECKBOX field / WHEN flattened / THEN one sentinel, instrText left out
    assert cell_text(tc(_ff(state))) == expected


def _cell(text: str) -> str:
    return text.replace("□", OFF).replace("☑", ON)


@pytest.mark.parametrize("text,expected", [
    ("☑行业协会 □科研院所 □生产企业", ["行业协会"]),
    ("□行业协会 □科研院所 ☑生产企业", ["生产企业"]),
    ("行业协会☑ 科研院所□ 生产企业☑", ["行业协会", "生产企业"]),     # marks after labels
    ("□ 温室气体监测检测机构 □ ☑ 第三方核查机构", ["第三方核查机构"]),  # notice's stray box
    ("□ 温室气体监测检测机构 ☑ □ 第三方核查机构", ["第三方核查机构"]),
    ("生产企业", ["生产企业"]),                                     # others deleted
    ("□其他（生产企业下属研究院）☑科研院所", ["科研院所"]),          # label inside brackets
    ("☑数 字 化 与 信 息 化\n技术企业", ["数字化与信息化技术企业"]),
])
def test_checked_unit_types(text: str, expected: list[str]) -> None:
    # GIVEN a flattened 单位类型 cell / WHEN labels are paired with marks / THEN checked ones
    assert checked_labels(_cell(text), UNIT_TYPE_LABELS) == expected


def test_all_labels_without_marks_checks_nothing() -> None:
    # GIVEN every label present and no mark at all (boxes drawn as shapes, say)
    text = " ".join(CASE_TYPE_LABELS)
    # WHEN read / THEN nothing is claimed as checked
    assert checked_labels(text, CASE_TYPE_LABELS) == []


@pytest.mark.parametrize("text,expected", [
    ("☑其他（碳普惠）", "碳普惠"), ("☑其他(碳普惠)", "碳普惠"), ("☑其 他 （ 碳普惠 ）", "碳普惠"),
    ("□其他（      ）", None), ("□其他（____）", None), ("☑其他（碳普惠", "碳普惠"),
    ("☑其他：碳普惠", "碳普惠"), ("☑行业协会", None)])
def test_other_text(text: str, expected: str | None) -> None:
    # GIVEN a 其他 entry with full-/half-width or missing brackets
    # WHEN its text is taken / THEN the bracket text, None when blank
    assert other_text(_cell(text))[0] == expected
