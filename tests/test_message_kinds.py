"""Kinds by content, not by name or Content-Type (contract §5)."""
from __future__ import annotations

import pytest

from builders.mail import MailBuilder, image_bytes, minimal_docx, zip_of
from parsers.kinds import OLE2_MAGIC, sniff_kind
from parsers.message import parse_message

DOC = OLE2_MAGIC + b"\x00" * 200 + "WordDocument".encode("utf-16-le") + b"\x00" * 200
ENCRYPTED_DOCX = OLE2_MAGIC + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le")
XLS = OLE2_MAGIC + b"\x00" * 200 + "Workbook".encode("utf-16-le")


@pytest.mark.parametrize("data, name, ctype, kind", [
    (minimal_docx(), "案例.docx", "application/octet-stream", "word"),   # docx as octet-stream
    (minimal_docx(), "案例", "application/octet-stream", "word"),        # no extension
    (minimal_docx(), "案例.pdf", "application/pdf", "word"),             # misnamed
    (DOC, "案例.doc", "application/msword", "word"),                     # Word 97-2003
    (DOC, "案例.wps", "application/octet-stream", "word"),               # WPS
    (DOC, "x.bin", "application/octet-stream", "word"),
    (ENCRYPTED_DOCX, "案例.docx", "application/octet-stream", "word"),   # unreadable: by name
    (minimal_docx()[:60], "案例.docx", "application/octet-stream", "word"),  # truncated
    (b"garbage", "案例.doc", "application/octet-stream", "word"),
    (b"garbage", "x", "application/msword", "word"),                     # by declared type
    (b"garbage", "x", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word"),
    (XLS, "表.xls", "application/vnd.ms-excel", "other"),
    (b"%PDF-1.7\n", "案例.pdf", "application/pdf", "other"),
    (image_bytes("PNG"), "photo.jpg", "image/jpeg", "photo"),            # PNG named .jpg
    (image_bytes("JPEG"), "photo.gif", "image/gif", "photo"),            # JPEG named .gif
    (image_bytes("JPEG"), "photo.dat", "application/octet-stream", "photo"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "IMG_1.HEIC", "image/heic", "photo"),
    (b"<html>", "photo.jpg", "image/jpeg", "photo"),                     # called an image
    (zip_of({"a.txt": b"x"}), "材料.zip", "application/zip", "archive"),
    (zip_of({"a.txt": b"x"}), "材料.dat", "application/octet-stream", "archive"),
    (zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}), "表.xlsx",
     "application/octet-stream", "other"),                               # not an archive
    (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
     "案例.odt", "application/vnd.oasis.opendocument.text", "other"),
    (b"Rar!\x1a\x07\x00rest", "材料.rar", "application/x-rar", "other"),
    (b"plain text", "说明.txt", "text/plain", "other"),
])
def test_sniff_kind(data, name, ctype, kind):
    # GIVEN bytes, a name and a declared type THEN the kind by content
    assert sniff_kind(data, name, ctype) == kind


def test_docx_as_octet_stream_in_a_mail():
    raw = MailBuilder().attach(minimal_docx(), "案例.docx").build()
    (att,) = parse_message(raw).attachments
    assert (att.kind, att.content_type) == ("word", "application/octet-stream")
