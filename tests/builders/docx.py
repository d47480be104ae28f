"""Builds .docx files at the XML level: the notice's 基本信息表 and a case body.

Every zip part is written here by hand (no python-docx), so a fixture holds
exactly the markup a test names: □/☑ glyphs, ``w:sym`` from Wingdings,
``w14:checkbox`` content controls, legacy ``FORMCHECKBOX`` fields, merged
cells, nested tables.

Public API (kept stable; the demo mailbox and the end-to-end tests use it):

- :func:`build_form_docx` — the table, optionally with a case body;
- :func:`build_case_only_docx` — a case body without the table;
- :func:`build_table_only_docx` — the table alone;
- :func:`body_text` — the body text a build writes (for expected counts);
- :data:`SAMPLE_INFO`, :data:`UNIT_TYPE_LABELS`, :data:`CASE_TYPE_LABELS`,
  :data:`TEMPLATE_HEADINGS`.

Layout options (``**layout_options`` of :func:`build_form_docx`):

``label_spaces``   labels written ``单 位 名 称``
``label_colon``    a colon after each label, the value still in the next cell
``inline_values``  the value in the label's own cell (``单位名称：某某公司``)
``colon``          colon used with ``inline_values`` (``"："`` or ``":"``)
``merge``          ``"gridspan"`` (default, like the notice), ``"none"`` (every
                   row has all grid cells, values in the cell after the label)
                   or ``"hmerge"`` (legacy ``w:hMerge`` continuation cells)
``extra_columns``  empty columns appended to every row
``summary_beside`` 案例概述's value beside its label instead of the row under it
``nested``         the info table sits inside a cell of an outer table
``split_tables``   申报单位基本信息 and 案例信息 as two tables
``mark_after``     the checkbox mark after its label (``行业协会☑``)
``bracket``        ``"full"`` （…） or ``"half"`` (…) around 其他's text
``title``          write the form's title paragraph (default True)
``stray_box``      keep the notice's stray empty boxes (default True)
``body_paragraph`` text of each paragraph under a heading (a list: cycled)
``body_repeat``    paragraphs under each heading (default 1)
``heading_numbering`` headings numbered by Word's list feature (一、 from
                   numbering.xml, not in the text)
"""
from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

UNIT_TYPE_LABELS: list[str] = [
    "行业协会", "科研院所", "生产企业", "温室气体监测检测机构", "第三方核查机构",
    "咨询机构", "碳交易机构", "碳金融服务机构", "数字化与信息化技术企业", "其他"]
CASE_TYPE_LABELS: list[str] = [
    "碳排放监测案例", "碳排放核算案例", "碳排放核查案例", "碳排放相关咨询项目案例",
    "碳排放交易实务案例", "航空碳排放管理相关案例", "其他"]
TEMPLATE_HEADINGS: list[str] = [
    "一、企业基本情况（包括单位简介、所属行业、主营产品及生产工艺等）",
    "二、所选取的监测计划版本、所参照的相关标准或指南",
    "三、监测计划的修订（包括监测计划的修订流程、修订范围、修订申请、记录要求等）",
    "四、主要排放设施描述（包括燃料燃烧排放、工业过程排放、主要耗电和耗热等排放设施）",
    "五、活动数据确定方式",
    "六、排放因子的确定方式",
    "七、监测设备的选取及设备校准频次",
    "八、数据内部质量控制和质量保证相关规定",
    "九、监测计划的审核流程",
    "十、监测报告的编写",
    "十一、常见问题及处理方法",
    "十二、附件（图片、表格、记录文件、支持性文件清单等）",
]
NUMERALS: list[str] = [h.split("、", 1)[0] for h in TEMPLATE_HEADINGS]
FORM_TITLE = "碳排放管理典型案例基本信息表"
SUMMARY_LABEL = "案例概述（案例主要内容的提炼，建议1000字以内）"
DEFAULT_PARAGRAPH = ("本公司围绕碳排放监测计划的实施开展了相关工作，"
                     "明确了职责分工、数据来源和质量控制要求。")

SAMPLE_INFO: dict[str, Any] = {
    "unit_name": "某某物流集团有限公司",
    "address": "北京市西城区月坛北街25号",
    "contact": "张三",
    "phone": "010-68080060",
    "email": "zhangsan@example.com",
    "unit_types": ["生产企业"],
    "unit_type_other": None,
    "case_name": "某物流园区碳排放核算案例",
    "case_types": ["碳排放核算案例"],
    "case_type_other": None,
    "summary": "本案例介绍某物流园区按照核算指南开展组织层级碳排放核算的做法。",
}

_ALL = object()  # default of body_sections: every template heading

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
_NS_DECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
_GRID_TWIPS = 8400

# Glyph pairs (unchecked, checked) for the plain-text checkbox styles.
GLYPH_STYLES: dict[str, tuple[str, str]] = {
    "glyph": ("□", "☑"), "glyph_x": ("☐", "☒"), "tick": ("□", "√"),
    "check": ("□", "✓"), "heavy_check": ("☐", "✔"), "black_square": ("□", "■"),
    "square_dot": ("□", "▣"),
}
# (font, unchecked code, checked code) for w:sym / private-use styles.
# Word's Insert Symbol writes Wingdings F0A8/F0FE; WPS writes Wingdings 2 F0A3/F052.
SYMBOL_STYLES: dict[str, tuple[str, int, int]] = {
    "sym_wingdings": ("Wingdings", 0xF0A8, 0xF0FE),
    "sym_wingdings2": ("Wingdings 2", 0xF0A3, 0xF052),
    "pua_wingdings": ("Wingdings", 0xF06F, 0xF0FE),
    "pua_wingdings2": ("Wingdings 2", 0xF0A3, 0xF052),
    # Old Word/WPS files: the plain byte ("£", "R") in a run set in the symbol font.
    "font_wingdings2": ("Wingdings 2", 0xA3, 0x52),
}
OTHER_STYLES = ("sdt", "formfield", "formfield_default", "formfield_val", "label_only")
CHECKBOX_STYLES: tuple[str, ...] = (*GLYPH_STYLES, *SYMBOL_STYLES, *OTHER_STYLES)


# ---------------------------------------------------------------- runs

def _run(text: str, *, bold: bool = False, font: str | None = None) -> str:
    props = ""
    if font:
        props += (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" '
                  f'w:hint="eastAsia"/>')
    if bold:
        props += "<w:b/>"
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _para(runs: str, *, center: bool = False) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def _spaced(label: str, on: bool) -> str:
    return " ".join(label) if on else label


# ---------------------------------------------------------------- checkboxes

def _formfield(checked: bool, style: str) -> str:
    """Legacy FORMCHECKBOX: w:ffData/w:checkBox carries the state."""
    if style == "formfield":            # Word 2003+: w:checked present, no w:val
        state = '<w:default w:val="0"/>' + ("<w:checked/>" if checked else "")
    elif style == "formfield_default":  # never toggled: only the default says it
        state = f'<w:default w:val="{1 if checked else 0}"/>'
    else:                               # explicit w:val overrides the default
        state = f'<w:default w:val="1"/><w:checked w:val="{1 if checked else 0}"/>'
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check"/>'
            f'<w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>{state}'
            '</w:checkBox></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _sdt_checkbox(checked: bool) -> str:
    """Word 2010 content-control checkbox; the content shows ☒/☐ in MS Gothic."""
    glyph = "☒" if checked else "☐"
    return ('<w:sdt><w:sdtPr><w:id w:val="1"/><w14:checkbox>'
            f'<w14:checked w14:val="{1 if checked else 0}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
            '</w14:checkbox></w:sdtPr><w:sdtContent>'
            f'{_run(glyph, font="MS Gothic")}</w:sdtContent></w:sdt>')


def mark_xml(checked: bool, style: str) -> str:
    """The runs of one checkbox mark in `style` (see CHECKBOX_STYLES)."""
    if style in GLYPH_STYLES:
        return _run(GLYPH_STYLES[style][checked])
    if style in SYMBOL_STYLES:
        font, off, on = SYMBOL_STYLES[style]
        code = on if checked else off
        if style.startswith("sym_"):
            return f'<w:r><w:sym w:font="{font}" w:char="{code:04X}"/></w:r>'
        return _run(chr(code), font=font)
    if style == "sdt":
        return _sdt_checkbox(checked)
    if style.startswith("formfield"):
        return _formfield(checked, style)
    raise ValueError(f"unknown checkbox_style {style!r}")


def _checkbox_runs(labels: list[str], checked: list[str], other: str | None,
                   style: str, opts: dict[str, Any]) -> str:
    open_b, close_b = ("(", ")") if opts.get("bracket") == "half" else ("（", "）")
    runs = []
    for i, label in enumerate(labels):
        on = label in checked
        if style == "label_only" and not on:
            continue
        text = label
        if label == "其他":
            text += f"{open_b}{other or '      '}{close_b}"
        mark = "" if style == "label_only" else mark_xml(on, style)
        # The notice's form has a stray empty box after 温室气体监测检测机构 (4th)
        # and after 碳排放核查案例 (3rd), where its lines wrapped.
        stray_at = 3 if len(labels) > 7 else 2
        stray = (mark_xml(False, style) if opts.get("stray_box", True)
                 and style != "label_only" and i == stray_at else "")
        if opts.get("mark_after"):
            runs.append(_run(text) + mark + _run(" "))
        else:
            runs.append(mark + _run(text + " ") + stray)
    return "".join(runs)


# ---------------------------------------------------------------- table

def _tc(content: str, *, span: int = 1, hmerge: str | None = None,
        width: int = _GRID_TWIPS // 6) -> str:
    props = f'<w:tcW w:w="{width * span}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if hmerge:
        props += f'<w:hMerge w:val="{hmerge}"/>' if hmerge == "restart" else "<w:hMerge/>"
    if not content.startswith("<w:p"):
        content = _para(_run(content) if content else "")
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def _wide(content: str, span: int, opts: dict[str, Any]) -> list[str]:
    """One logical cell covering `span` grid columns, in the chosen merge style."""
    merge = opts.get("merge", "gridspan")
    if merge == "gridspan" or span == 1:
        return [_tc(content, span=span)]
    if merge == "hmerge":
        return [_tc(content, hmerge="restart")] + [_tc("", hmerge="continue")] * (span - 1)
    return [_tc(content)] + [_tc("")] * (span - 1)


def _label_value(label: str, value: str | None, opts: dict[str, Any]) -> tuple[str, str]:
    shown = _spaced(label, opts.get("label_spaces", False))
    if opts.get("label_colon"):
        shown += opts.get("colon", "：")
    if opts.get("inline_values"):
        return f"{shown}{opts.get('colon', '：')}{value or ''}", ""
    return shown, value or ""


def _row(cells: list[str], opts: dict[str, Any]) -> str:
    extra = [_tc("")] * int(opts.get("extra_columns", 0))
    return "<w:tr>" + "".join(cells + extra) + "</w:tr>"


def _text_row(label: str, value: str | None, opts: dict[str, Any]) -> str:
    lab, val = _label_value(label, value, opts)
    return _row([_tc(lab)] + _wide(val, 5, opts), opts)


def _contact_row(info: dict[str, Any], opts: dict[str, Any]) -> str:
    cells = []
    for label, key in (("联系人", "contact"), ("联系电话", "phone"), ("邮箱", "email")):
        lab, val = _label_value(label, info.get(key), opts)
        cells += [_tc(lab), _tc(val)]
    return _row(cells, opts)


def _check_row(label: str, labels: list[str], checked: list[str], other: str | None,
               style: str, opts: dict[str, Any]) -> str:
    runs = _checkbox_runs(labels, checked or [], other, style, opts)
    return _row([_tc(_spaced(label, opts.get("label_spaces", False)))]
                + _wide(_para(runs), 5, opts), opts)


def _summary_rows(summary: str | None, opts: dict[str, Any]) -> list[str]:
    paras = "".join(_para(_run(p)) for p in (summary or "").split("\n")) or _para("")
    if opts.get("summary_beside"):
        return [_row([_tc(SUMMARY_LABEL)] + _wide(paras, 5, opts), opts)]
    return [_row(_wide(SUMMARY_LABEL, 6, opts), opts), _row(_wide(paras, 6, opts), opts)]


def _table(rows: list[str], opts: dict[str, Any]) -> str:
    cols = 6 + int(opts.get("extra_columns", 0))
    grid = "".join(f'<w:gridCol w:w="{_GRID_TWIPS // 6}"/>' for _ in range(cols))
    borders = "".join(f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{_GRID_TWIPS}" w:type="dxa"/>'
            f"<w:tblBorders>{borders}</w:tblBorders></w:tblPr>"
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def _info_tables(info: dict[str, Any], style: str, opts: dict[str, Any]) -> str:
    part1 = [_row(_wide("申报单位基本信息", 6, opts), opts),
             _text_row("单位名称", info.get("unit_name"), opts),
             _text_row("通讯地址", info.get("address"), opts),
             _contact_row(info, opts),
             _check_row("单位类型", UNIT_TYPE_LABELS, info.get("unit_types"),
                        info.get("unit_type_other"), style, opts)]
    part2 = [_row(_wide("案例信息", 6, opts), opts),
             _text_row("案例名称", info.get("case_name"), opts),
             _check_row("案例类型", CASE_TYPE_LABELS, info.get("case_types"),
                        info.get("case_type_other"), style, opts),
             *_summary_rows(info.get("summary"), opts)]
    if opts.get("split_tables"):
        xml = _table(part1, opts) + _para(_run("")) + _table(part2, opts)
    else:
        xml = _table(part1 + part2, opts)
    if opts.get("nested"):
        # The outer 1x1 table holds the form; Word requires a w:p after a nested table.
        inner = f'<w:tc><w:tcPr><w:tcW w:w="{_GRID_TWIPS}" w:type="dxa"/></w:tcPr>{xml}<w:p/></w:tc>'
        xml = (f'<w:tbl><w:tblPr><w:tblW w:w="{_GRID_TWIPS}" w:type="dxa"/></w:tblPr>'
               f'<w:tblGrid><w:gridCol w:w="{_GRID_TWIPS}"/></w:tblGrid><w:tr>{inner}</w:tr></w:tbl>')
    title = _para(_run(FORM_TITLE, bold=True), center=True) if opts.get("title", True) else ""
    return title + xml + _para("")


# ---------------------------------------------------------------- body

def _headings(body_sections: Any) -> list[str]:
    if body_sections is _ALL:
        return list(TEMPLATE_HEADINGS)
    by_numeral = dict(zip(NUMERALS, TEMPLATE_HEADINGS))
    return [by_numeral.get(s, s) for s in (body_sections or [])]


def body_paragraphs(body_sections: Any = _ALL, **opts: Any) -> list[str]:
    """The body's paragraphs, in order, as the builders write them."""
    paras = ["碳排放管理典型案例", "（某企业碳排放监测计划实施案例）"]
    text = opts.get("body_paragraph", DEFAULT_PARAGRAPH)
    texts = [text] if isinstance(text, str) else list(text)  # a list is cycled through
    n = 0
    for heading in _headings(body_sections):
        paras.append(heading.split("、", 1)[-1] if opts.get("heading_numbering") else heading)
        for _ in range(int(opts.get("body_repeat", 1))):
            paras.append(texts[n % len(texts)])
            n += 1
    return paras


def body_text(body_sections: Any = _ALL, **opts: Any) -> str:
    """The body text a build writes, for computing expected character counts."""
    return "\n".join(body_paragraphs(body_sections, **opts))


def _image_para(n: int) -> str:
    emu = 914400
    return ('<w:p><w:r><w:drawing><wp:inline><wp:extent cx="{e}" cy="{e}"/>'
            '<wp:docPr id="{i}" name="Picture {i}"/><a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            '<pic:nvPicPr><pic:cNvPr id="{i}" name="image{i}.jpg"/><pic:cNvPicPr/></pic:nvPicPr>'
            '<pic:blipFill><a:blip r:embed="rIdImg{i}"/><a:stretch><a:fillRect/></a:stretch>'
            '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{e}" cy="{e}"/>'
            '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
            '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
            ).format(e=emu, i=n)


_NUMPR = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
NUMBERING_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:numbering xmlns:w="{NS["w"]}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
    '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
    '<w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


def _body_xml(body_sections: Any, images: int, opts: dict[str, Any]) -> str:
    paras = body_paragraphs(body_sections, **opts)
    headings = set(body_paragraphs(body_sections, **{**opts, "body_repeat": 0})[2:])
    numbered = bool(opts.get("heading_numbering"))
    xml = "".join(
        (f"<w:p>{_NUMPR}{_run(p, bold=True)}</w:p>" if numbered and p in headings and i >= 2
         else _para(_run(p, bold=p in headings or i == 0), center=i < 2))
        for i, p in enumerate(paras))
    return xml + "".join(_image_para(n + 1) for n in range(images))


# ---------------------------------------------------------------- package

def tiny_jpeg(seed: int = 0) -> bytes:
    """A small valid JPEG (Pillow), different per seed."""
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), ((seed * 40) % 256, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def package(document_xml: str, images: int = 0, *, extra_parts: dict[str, bytes] | None = None,
            numbering: bool = False) -> bytes:
    """Zips a document.xml body into a minimal valid .docx."""
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="jpeg" ContentType="image/jpeg"/>'
          '<Override PartName="/word/document.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    img_rels = "".join(
        f'<Relationship Id="rIdImg{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/image" Target="media/image{n}.jpeg"/>' for n in range(1, images + 1))
    if numbering:
        img_rels += ('<Relationship Id="rIdNum" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/numbering" Target="numbering.xml"/>')
        extra_parts = {**(extra_parts or {}), "word/numbering.xml": NUMBERING_XML.encode()}
        ct = ct.replace("</Types>", '<Override PartName="/word/numbering.xml" ContentType='
                        '"application/vnd.openxmlformats-officedocument.wordprocessingml.'
                        'numbering+xml"/></Types>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{img_rels}</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document_xml)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
        for n in range(1, images + 1):
            z.writestr(f"word/media/image{n}.jpeg", tiny_jpeg(n))
        for name, data in (extra_parts or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def document_xml(body: str) -> str:
    """Wraps body XML in w:document; w14 is declared Ignorable as Word requires."""
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" '
            'w:right="1300" w:bottom="1440" w:left="1300" w:header="851" w:footer="992" '
            'w:gutter="0"/></w:sectPr>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document {_NS_DECL} mc:Ignorable="w14"><w:body>{body}{sect}</w:body></w:document>')


def build_form_docx(info: dict[str, Any], *, checkbox_style: str = "glyph",
                    body_sections: list[str] | None | Any = _ALL,
                    table_position: str = "before", images: int = 0,
                    **layout_options: Any) -> bytes:
    """The 基本信息表 filled with `info` (contract §4 keys), plus a case body.

    `body_sections`: numerals ("一") or heading texts; None for no body; the
    default writes all twelve template headings. `table_position`: "before"
    or "after" the body. `images`: embedded JPEGs at the end of the body.
    """
    if checkbox_style not in CHECKBOX_STYLES:
        raise ValueError(f"unknown checkbox_style {checkbox_style!r}")
    table = _info_tables(info, checkbox_style, layout_options)
    body = "" if body_sections is None else _body_xml(body_sections, images, layout_options)
    xml = table + body if table_position == "before" else body + table
    return package(document_xml(xml), images if body_sections is not None else 0,
                   numbering=bool(layout_options.get("heading_numbering")))


def build_case_only_docx(*, body_sections: list[str] | Any = _ALL, images: int = 0,
                         **layout_options: Any) -> bytes:
    """A case document with no info table."""
    return package(document_xml(_body_xml(body_sections, images, layout_options)), images,
                   numbering=bool(layout_options.get("heading_numbering")))


def build_table_only_docx(info: dict[str, Any], **options: Any) -> bytes:
    """The info table alone (with its title paragraph)."""
    return build_form_docx(info, body_sections=None, **options)
