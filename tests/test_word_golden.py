"""Golden files: each fixture is built at the XML level from a spec below and
read with read_word; the result must equal tests/golden/word/<name>.json.

The golden files hold what the spec *means* (the info the builder was asked
to write, the body it was asked to add), not what the reader returned:
``python -m tests.test_word_golden`` rewrites them from the specs.
"""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from parsers.convert import convert_to, soffice_path
from parsers.word import read_word
from tests.builders.docx import (NUMERALS, SAMPLE_INFO, body_text, build_case_only_docx,
                                 build_form_docx, build_table_only_docx)

GOLDEN = Path(__file__).parent / "golden" / "word"

# A second filled form: several boxes, 其他 with text in both lists.
INFO_B: dict[str, Any] = {
    "unit_name": "华东绿色低碳技术研究院",
    "address": "上海市浦东新区张江路88号",
    "contact": "李四",
    "phone": "188 1130 7600",
    "email": "lisi@lowcarbon.org.cn",
    "unit_types": ["科研院所", "第三方核查机构", "其他"],
    "unit_type_other": "民办非企业单位",
    "case_name": "冷链物流企业碳排放核查实践",
    "case_types": ["碳排放核查案例", "碳排放相关咨询项目案例", "其他"],
    "case_type_other": "碳普惠",
    "summary": "本案例总结了冷链物流企业开展碳排放核查的流程。\n第二段说明数据质量控制。",
}


def _case(name: str, sections: Any = NUMERALS, images: int = 0,
          **opts: Any) -> dict[str, Any]:
    """The case_document a body built with these options must yield."""
    chars = len(re.sub(r"\s+", "", body_text(sections, **opts)))
    return {"filename": f"{name}.docx", "characters": chars,
            "sections_found": list(sections), "images": images}


class Spec:
    """How to build one fixture and what it means."""

    def __init__(self, build: Callable[[], bytes], info: dict[str, Any] | None,
                 case: dict[str, Any] | None) -> None:
        self.build, self.info, self.case = build, info, case

    def expected(self) -> dict[str, Any]:
        return {"info": self.info, "case_document": self.case}


def _form(name: str, info: dict[str, Any], *, sections: Any = NUMERALS, images: int = 0,
          **opts: Any) -> tuple[str, Spec]:
    body_opts = {k: v for k, v in opts.items()
                  if k.startswith("body_") or k == "heading_numbering"}
    return name, Spec(lambda: build_form_docx(info, body_sections=sections, images=images, **opts),
                      info, _case(name, sections, images, **body_opts))


def _table(name: str, info: dict[str, Any], **opts: Any) -> tuple[str, Spec]:
    return name, Spec(lambda: build_table_only_docx(info, **opts), info, None)


# A form left empty, and one whose summary is over the 1000-character advice.
BLANK: dict[str, Any] = {k: None for k in SAMPLE_INFO} | {"unit_types": [], "case_types": []}
LONG: dict[str, Any] = dict(SAMPLE_INFO, summary="本案例说明园区碳排放核算的边界与方法。" * 60)
# Labels only: the sender deleted the unchecked ones (其他 kept, with its text).
ONLY_OTHER: dict[str, Any] = dict(INFO_B, unit_types=["其他"], case_types=["碳排放监测案例"],
                                  case_type_other=None)

SPECS: dict[str, Spec] = dict([
    _form("notice_glyph", SAMPLE_INFO),
    _table("notice_table_only", INFO_B),
    ("case_only", Spec(lambda: build_case_only_docx(body_sections=["一", "二", "五"], images=2),
                       None, _case("case_only", ["一", "二", "五"], 2))),
    _form("glyph_x_table_after_body", INFO_B, checkbox_style="glyph_x", table_position="after"),
    _form("tick_label_spaces", INFO_B, checkbox_style="tick", label_spaces=True),
    _form("check_inline_values", INFO_B, checkbox_style="check", inline_values=True),
    _table("heavy_check_inline_half_colon", SAMPLE_INFO, checkbox_style="heavy_check",
           inline_values=True, colon=":"),
    _form("black_square_merge_none", INFO_B, checkbox_style="black_square", merge="none"),
    _form("square_dot_hmerge", INFO_B, checkbox_style="square_dot", merge="hmerge"),
    _form("sym_wingdings_extra_columns", INFO_B, checkbox_style="sym_wingdings", extra_columns=2),
    _form("sym_wingdings2_wps", INFO_B, checkbox_style="sym_wingdings2", images=1),
    _form("pua_wingdings_summary_beside", INFO_B, checkbox_style="pua_wingdings",
          summary_beside=True),
    _table("pua_wingdings2_nested", INFO_B, checkbox_style="pua_wingdings2", nested=True),
    _form("font_wingdings2_literal", INFO_B, checkbox_style="font_wingdings2",
          sections=["一", "二", "三", "十", "十一", "十二"]),
    _form("sdt_content_controls", INFO_B, checkbox_style="sdt"),
    _form("formfield_checked", INFO_B, checkbox_style="formfield"),
    _table("formfield_default_only", INFO_B, checkbox_style="formfield_default"),
    _form("formfield_val_overrides_default", INFO_B, checkbox_style="formfield_val"),
    _form("label_only_others_deleted", ONLY_OTHER, checkbox_style="label_only"),
    _form("mark_after_label", INFO_B, mark_after=True),
    _table("half_width_brackets", INFO_B, bracket="half", checkbox_style="glyph_x"),
    _form("split_tables", INFO_B, split_tables=True, sections=["一", "四", "九"]),
    _form("nested_after_body_images", INFO_B, checkbox_style="sdt", nested=True,
          table_position="after", images=3),
    _table("blank_form", BLANK),
    _form("label_colon_next_cell", INFO_B, label_colon=True, checkbox_style="sym_wingdings"),
    _form("long_summary", LONG, body_repeat=3),
    _form("mixed_layout_sdt_after", INFO_B, checkbox_style="sdt", label_spaces=True,
          merge="none", extra_columns=1, mark_after=True, bracket="half"),
    _form("no_title_no_stray_box", SAMPLE_INFO, title=False, stray_box=False,
          checkbox_style="pua_wingdings2", images=2, sections=["一", "二"]),
    _form("big_body", SAMPLE_INFO, checkbox_style="glyph_x", body_repeat=40),
    _form("auto_numbered_headings", INFO_B, checkbox_style="formfield_default",
          heading_numbering=True),
])
# .doc files made by LibreOffice from some of the .docx fixtures above.
DOC_FROM = ["notice_glyph", "sdt_content_controls", "formfield_checked", "sym_wingdings2_wps",
            "label_only_others_deleted", "notice_table_only"]


def read_as_dict(filename: str, data: bytes) -> dict[str, Any]:
    doc = read_word(data, filename)
    assert doc.error is None, doc.error
    case = asdict(doc.case_document) if doc.case_document else None
    return {"info": doc.info, "case_document": case}


def _golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_fixture_reads_as_its_golden_file(name: str) -> None:
    # GIVEN a fixture built from its spec and its golden file
    golden = _golden(name)
    # WHEN the Word reader reads it
    got = read_as_dict(f"{name}.docx", SPECS[name].build())
    # THEN info and case_document equal the golden file exactly
    assert got == golden


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("source", DOC_FROM)
def test_doc_made_by_libreoffice_reads_as_its_golden_file(source: str) -> None:
    # GIVEN a Word 97-2003 .doc saved by LibreOffice from a .docx fixture
    doc = convert_to(SPECS[source].build(), ".docx", "doc", timeout=120)
    assert doc.startswith(b"\xd0\xcf\x11\xe0")
    # WHEN the Word reader reads it (converting it back with LibreOffice)
    got = read_as_dict(f"doc_{source}.doc", doc)
    # THEN it reads exactly as its own golden file says
    assert got == _golden(f"doc_{source}")


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_wps_named_word97_file_reads_like_doc() -> None:
    # GIVEN a Word 97 binary named .wps (WPS saves its own format in that container)
    data = convert_to(SPECS["sym_wingdings2_wps"].build(), ".docx", "doc", timeout=120)
    # WHEN read under a .wps name
    got = read_as_dict("案例.wps", data)
    # THEN it reads as the .doc golden says (filename aside)
    golden = _golden("doc_sym_wingdings2_wps")
    assert got["info"] == golden["info"]
    assert got["case_document"]["characters"] == golden["case_document"]["characters"]


def test_every_golden_file_has_a_spec() -> None:
    # GIVEN the golden directory / WHEN listed / THEN no orphan and no missing golden
    expected = set(SPECS) | {f"doc_{n}" for n in DOC_FROM}
    assert {p.stem for p in GOLDEN.glob("*.json")} == expected


def _doc_expected(source: str) -> dict[str, Any]:
    out = SPECS[source].expected()
    if out["case_document"]:
        out["case_document"] = dict(out["case_document"], filename=f"doc_{source}.doc")
    return out


def write_goldens() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    wanted = {name: spec.expected() for name, spec in SPECS.items()}
    wanted |= {f"doc_{n}": _doc_expected(n) for n in DOC_FROM}
    for name, expected in wanted.items():
        text = json.dumps(expected, ensure_ascii=False, indent=2, sort_keys=True)
        (GOLDEN / f"{name}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    write_goldens()
