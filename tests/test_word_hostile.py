"""Hostile and unconvertible Word files: zip bombs, XML entities, .doc/.wps
without LibreOffice, a conversion that hangs."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from intake.errors import WordError
from parsers import convert, word
from parsers.word import read_word
from tests.builders.docx import SAMPLE_INFO, build_form_docx, document_xml, package


def _with_member(docx: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_member_is_refused_before_inflating() -> None:
    # GIVEN a .docx carrying a 64 MiB part of zeros (compresses ~1000:1)
    bomb = _with_member(build_form_docx(SAMPLE_INFO), "word/media/bomb.bin",
                        b"\0" * (64 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    # WHEN it is read
    doc = read_word(bomb, "bomb.docx")
    # THEN it is refused as a zip bomb, with no info read
    assert doc.error is not None and "压缩炸弹" in doc.error
    assert doc.info is None


def test_total_size_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a bound on the inflated total below an ordinary file's size
    monkeypatch.setattr(word, "MAX_TOTAL_BYTES", 1000)
    # WHEN an ordinary .docx is read
    doc = read_word(build_form_docx(SAMPLE_INFO), "a.docx")
    # THEN it is refused by that bound (the bound is really consulted)
    assert doc.error == "文件解压后过大"


_LAUGHS = ('<!DOCTYPE w:document [<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">'
           + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
           + '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')


def _doctype_docx(cell_value: str, body: str) -> bytes:
    xml = document_xml(
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单位名称</w:t></w:r></w:p></w:tc>'
        f'<w:tc><w:p><w:r><w:t>{cell_value}</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>联系人</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>张三</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>案例名称</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>名称</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        f'<w:p><w:r><w:t>{body}</w:t></w:r></w:p>')
    head, rest = xml.split("?>", 1)
    return package(head + "?>" + _LAUGHS + rest)


def test_entities_are_not_expanded() -> None:
    # GIVEN a document.xml with a billion-laughs entity in the body and an
    # external entity (file:///etc/passwd) as the unit name
    data = _doctype_docx("&xxe;", "&l9;")
    # WHEN it is read
    start = time.perf_counter()
    doc = read_word(data, "laughs.docx")
    elapsed = time.perf_counter() - start
    # THEN neither entity is expanded: no passwd text, no billion 哈, fast
    assert elapsed < 2.0
    if doc.error is None:
        assert doc.info is not None and doc.info["unit_name"] in (None, "")
        assert doc.case_document is None or doc.case_document.characters < 100
    else:  # refusing the file outright is also safe
        assert "root:" not in doc.error


def test_python_docx_parser_keeps_entities_off() -> None:
    # GIVEN python-docx's XML parser, which the reader uses for every part
    from docx.oxml.parser import parse_xml
    # WHEN it parses an internal entity reference
    el = parse_xml(b'<!DOCTYPE a [<!ENTITY x "EXPANDED">]><a>&x;</a>')
    # THEN the reference stays a reference: the text is not substituted
    assert el.text is None
    assert "EXPANDED" not in "".join(el.itertext())


def test_doc_without_libreoffice_asks_for_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN no LibreOffice on the machine, and an OLE (.doc-shaped) file
    monkeypatch.setattr(convert, "soffice_path", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 1024
    # WHEN it is read
    doc = read_word(ole, "案例.doc")
    # THEN the reason asks the sender for .docx
    assert doc.error is not None and ".docx" in doc.error


def test_conversion_timeout_kills_and_raises() -> None:
    # GIVEN a converter command that hangs
    start = time.perf_counter()
    # WHEN it runs with a short timeout / THEN WordError, promptly
    with pytest.raises(WordError, match="超时"):
        convert._run(["sleep", "30"], timeout=0.5)
    assert time.perf_counter() - start < 5


@pytest.mark.skipif(convert.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("stream", [b"", "WordDocument".encode("utf-16-le")])
def test_garbage_ole_is_unreadable_not_a_crash(stream: bytes) -> None:
    # GIVEN an OLE header followed by garbage (with or without a WordDocument
    # stream name), named .wps
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + stream + bytes(range(256)) * 8
    # WHEN it is read (refused outright, or LibreOffice is tried and fails)
    doc = read_word(ole, "案例.wps")
    # THEN an error for the sender, no exception
    assert doc.error is not None and doc.info is None
