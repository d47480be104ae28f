"""Reading one Word file: the 基本信息表 and the case document.

INTERFACE (shared with intake/ and rules/): fields may be added, not renamed.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from intake.errors import WordError
from parsers import casedoc, convert, infotable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .docx is an OLE container whose directory names these streams
# (names are stored UTF-16LE).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"),
                      "EncryptionInfo".encode("utf-16-le"))
# Word 97–2003 and WPS files keep their text in this OLE stream.
_WORD_STREAM = "WordDocument".encode("utf-16-le")

# Zip-bomb bounds, checked on the declared sizes before anything is inflated
# (zipfile never yields more than a member's declared size: it stops there and
# fails the CRC check).
MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 400 * 1024 * 1024   # photos inside a case document add up
MAX_XML_BYTES = 120 * 1024 * 1024     # an XML part is parsed into memory whole
MAX_RATIO = 1000                      # real deflate of text stays far below

MAIN_CONTENT_TYPES = (  # .docx, .docm, .dotx, .dotm main parts
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


@dataclass
class CaseDocument:
    filename: str
    characters: int                # non-whitespace characters of the body text
    sections_found: list[str]      # template headings 一 … 十二 present, in order
    images: int                    # images embedded in the file


@dataclass
class WordDoc:
    filename: str
    error: str | None              # why unreadable, in Chinese for the sender; None when read
    info: dict | None              # contract §4 keys -> values; None when no table found
    case_document: CaseDocument | None
    converted: bool = False        # read through a LibreOffice conversion (.doc/.wps)


def read_word(data: bytes, filename: str, *, convert_timeout: float = 60.0) -> WordDoc:
    """Reads a .docx (or converts .doc/.wps first). Never raises for bad files."""
    try:
        docx_bytes, converted = _as_docx(data, filename, convert_timeout)
        info, case = read_docx(docx_bytes, filename)
    except WordError as e:
        return WordDoc(filename, str(e), None, None)
    except Exception as e:  # noqa: BLE001 - a hostile file must not crash the poll
        return WordDoc(filename, f"文件内容无法解析（{type(e).__name__}）", None, None)
    return WordDoc(filename, None, info, case, converted)


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def _as_docx(data: bytes, filename: str, timeout: float) -> tuple[bytes, bool]:
    """The file as .docx bytes, converting Word 97–2003 / WPS / RTF files."""
    if not data:
        raise WordError("文件为空（0 字节）")
    if data.startswith(ZIP_MAGIC):
        if _is_strict(data):
            # ISO 29500 Strict (Word's "Strict Open XML"): other namespaces and
            # relationship types that python-docx does not know; LibreOffice
            # rewrites it as a transitional .docx.
            return _convert(data, ".docx", timeout), True
        return data, False
    if data.startswith(OLE_MAGIC):
        if any(name in data for name in _ENCRYPTED_STREAMS):
            raise WordError("文件设有打开密码（已加密）")
        if _WORD_STREAM not in data:
            # An OLE file without a WordDocument stream (.xls, .ppt, garbage):
            # LibreOffice would import it as plain text and "read" noise.
            raise WordError("文件不是有效的 Word 文档")
        return _convert(data, _suffix(filename) or ".doc", timeout), True
    if data.lstrip()[:5] == b"{\\rtf":
        return _convert(data, ".rtf", timeout), True  # "Word" files saved as RTF
    raise WordError("文件不是有效的 Word 文档")


def _is_strict(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(zf)
            rels = zf.read("_rels/.rels") if "_rels/.rels" in zf.namelist() else b""
    except zipfile.BadZipFile as e:
        raise WordError("文件已损坏，无法打开") from e
    return b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" in rels


def _convert(data: bytes, suffix: str, timeout: float) -> bytes:
    if suffix not in (".doc", ".wps", ".dot", ".rtf", ".wpt", ".docx"):
        suffix = ".doc"
    try:
        return convert.convert_to_docx(data, suffix, timeout=timeout)
    except convert.ConverterMissing as e:
        raise WordError("服务器暂时无法读取 .doc/.wps 格式，请另存为 .docx 格式") from e


def check_zip(zf: zipfile.ZipFile) -> None:
    """Refuses a package whose parts would inflate past the bounds (zip bomb)."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise WordError("文件结构异常（部件过多）")
    total = 0
    for m in members:
        total += m.file_size
        ratio = m.file_size / max(m.compress_size, 1)
        too_big = m.filename.endswith((".xml", ".rels")) and m.file_size > MAX_XML_BYTES
        if too_big or (m.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise WordError("文件结构异常（解压后过大，疑似压缩炸弹）")
    if total > MAX_TOTAL_BYTES:
        raise WordError("文件解压后过大")


def _main_part_xml(data: bytes) -> tuple[etree._Element, etree._Element | None]:
    """The main document part and its numbering part, parsed by python-docx's
    parser (entities off)."""
    from docx.opc.exceptions import PackageNotFoundError
    from docx.opc.package import OpcPackage

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(zf)
        part = OpcPackage.open(io.BytesIO(data)).main_document_part
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError) as e:
        raise WordError("文件已损坏，无法打开") from e
    if part.content_type not in MAIN_CONTENT_TYPES:
        raise WordError("文件不是 Word 文档")
    return _xml_of(part), _numbering_xml(part)


def _xml_of(part: object) -> etree._Element:
    from docx.oxml.parser import parse_xml

    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)  # type: ignore[attr-defined]


def _numbering_xml(part: object) -> etree._Element | None:
    """numbering.xml of the main part, for Word's automatic heading numbers."""
    for rel in part.rels.values():  # type: ignore[attr-defined]
        if not rel.is_external and rel.reltype.endswith("/numbering"):
            return _xml_of(rel.target_part)
    return None


def read_docx(data: bytes, filename: str) -> tuple[dict | None, CaseDocument | None]:
    """(info, case_document) of a .docx; raises WordError for a bad package."""
    root, numbering = _main_part_xml(data)
    body = root.find(f"{{{infotable.W}}}body")
    if body is None:
        raise WordError("文件中没有正文")
    info, tables = infotable.find_info(body)
    stats = casedoc.body_stats(body, tables, numbering)
    case = None
    if casedoc.has_case_text(stats, info is not None):
        case = CaseDocument(filename, stats.characters, stats.sections, stats.images)
    return info, case
