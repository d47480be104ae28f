"""read_word: errors for bad files, and the basic shape of what it returns."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest

from parsers.infotable import INFO_KEYS
from parsers.word import read_word
from tests.builders.docx import (SAMPLE_INFO, build_case_only_docx, build_form_docx,
                                 build_table_only_docx, document_xml, package)


def fake_encrypted_ole() -> bytes:
    """An OLE header plus a directory naming the streams of an encrypted .docx."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3)
    names = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 40 + \
        "EncryptedPackage".encode("utf-16-le")
    return header.ljust(512, b"\x00") + names.ljust(1024, b"\x00")


@pytest.mark.parametrize("data,reason", [
    (b"", "为空"),
    (b"PK\x03\x04 truncated zip", "损坏"),
    (b"This is plain text, not a Word file.", "不是有效的 Word"),
    (fake_encrypted_ole(), "密码"),
])
def test_bad_files_give_an_error_not_an_exception(data: bytes, reason: str) -> None:
    # GIVEN a file that is empty, corrupt, not Word, or encrypted
    # WHEN it is read
    doc = read_word(data, "案例.docx")
    # THEN read_word returns an error in Chinese and no content
    assert doc.error is not None and reason in doc.error
    assert doc.info is None and doc.case_document is None


def test_zip_that_is_not_a_word_document() -> None:
    # GIVEN a zip archive without a Word main part
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    # WHEN read / THEN an error, no exception
    assert read_word(buf.getvalue(), "a.docx").error is not None


def test_form_and_body_in_one_file() -> None:
    # GIVEN the notice's form with a case body after it
    doc = read_word(build_form_docx(SAMPLE_INFO, images=1), "材料.docx")
    # WHEN read / THEN info has exactly the contract §4 keys with the written values
    assert doc.error is None
    assert list(doc.info) == list(INFO_KEYS)
    assert doc.info == SAMPLE_INFO
    # AND the body is the case document, named after the file
    assert doc.case_document.filename == "材料.docx"
    assert doc.case_document.images == 1
    assert len(doc.case_document.sections_found) == 12


def test_table_only_file_has_no_case_document() -> None:
    # GIVEN a file holding only the table (and its title)
    doc = read_word(build_table_only_docx(SAMPLE_INFO), "表.docx")
    # WHEN read / THEN info is read and case_document is None
    assert doc.info == SAMPLE_INFO
    assert doc.case_document is None


def test_case_only_file_has_no_info() -> None:
    # GIVEN a case document without the table
    doc = read_word(build_case_only_docx(body_sections=["一", "三"]), "案例.docx")
    # WHEN read / THEN info is None and the headings found are listed
    assert doc.info is None
    assert doc.case_document.sections_found == ["一", "三"]


def test_empty_fields_are_none_and_empty_lists() -> None:
    # GIVEN the form with nothing filled in
    blank = {k: None for k in SAMPLE_INFO} | {"unit_types": [], "case_types": []}
    doc = read_word(build_table_only_docx(blank), "空表.docx")
    # WHEN read / THEN every text field is None and the lists are empty
    assert doc.info == blank


def test_characters_count_only_non_whitespace_outside_the_table() -> None:
    # GIVEN a body of known text next to the table
    body = "第一段 文字。\n\t第二段"
    xml = document_xml('<w:p><w:r><w:t xml:space="preserve">第一段 文字。</w:t></w:r></w:p>'
                       '<w:p><w:r><w:t>第二段</w:t></w:r></w:p>')
    # WHEN read
    doc = read_word(package(xml), "x.docx")
    # THEN characters is the non-whitespace count of that body
    assert doc.case_document.characters == len("".join(body.split()))
