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
    body_opts = {k: v for k, v in opts.items() if k.startswith("body_")}
    return name, Spec(lambda: build_form_docx(info, body_sections=sections, images=images, **opts),
                      info, _case(name, sections, images, **body_opts))


def _table(name: str, info: dict[str, Any], **opts: Any) -> tuple[str, Spec]:
    return name, Spec(lambda: build_table_only_docx(info, **opts), info, None)


SPECS: dict[str, Spec] = dict([
    _form("notice_glyph", SAMPLE_INFO),
    _table("notice_table_only", INFO_B),
    ("case_only", Spec(lambda: build_case_only_docx(body_sections=["一", "二", "五"], images=2),
                       None, _case("case_only", ["一", "二", "五"], 2))),
])


def read_as_dict(name: str, data: bytes) -> dict[str, Any]:
    doc = read_word(data, f"{name}.docx")
    assert doc.error is None, doc.error
    case = asdict(doc.case_document) if doc.case_document else None
    return {"info": doc.info, "case_document": case}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_fixture_reads_as_its_golden_file(name: str) -> None:
    # GIVEN a fixture built from its spec and its golden file
    golden = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    # WHEN the Word reader reads it
    got = read_as_dict(name, SPECS[name].build())
    # THEN info and case_document equal the golden file exactly
    assert got == golden


def test_every_golden_file_has_a_spec() -> None:
    # GIVEN the golden directory / WHEN listed / THEN no orphan and no missing golden
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(SPECS)


def write_goldens() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, spec in SPECS.items():
        text = json.dumps(spec.expected(), ensure_ascii=False, indent=2, sort_keys=True)
        (GOLDEN / f"{name}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__" and "--write" in sys.argv:
    write_goldens()
