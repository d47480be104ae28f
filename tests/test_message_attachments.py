"""Which parts are files, and their names (contract §3, §5)."""
from __future__ import annotations

import pytest

from builders.mail import (MailBuilder, image_bytes, minimal_docx, p_2047, p_2231,
                           p_2231_cont, p_plain, p_raw)
from parsers.message import parse_message

DOCX = minimal_docx()
NAME = "碳排放核算案例材料.docx"


def _files(raw: bytes) -> list[tuple[str, str]]:
    return [(a.filename, a.kind) for a in parse_message(raw).attachments]


@pytest.mark.parametrize("param", [
    p_2231("filename", NAME, "utf-8"),                      # RFC 2231 utf-8
    p_2231("filename", NAME, "gbk"),                        # RFC 2231 gbk
    p_2231("filename", NAME, "gb2312"),
    p_2231_cont("filename", NAME, "utf-8", chunk=5),        # continuations, cut in a char
    p_2231_cont("filename", NAME, "gbk", chunk=3),
    p_2047("filename", NAME, "gb2312"),                     # Outlook / Foxmail
    p_2047("filename", NAME, "utf-8", enc="Q"),
    p_2047("filename", NAME, "gbk", split=5),               # split inside a character
    p_raw("filename", NAME, "gbk"),                         # raw 8-bit GBK
    p_raw("filename", NAME, "utf-8"),                       # raw 8-bit UTF-8
    p_plain("filename", NAME),
])
def test_filename_encodings(param):
    # GIVEN a Word file whose name is encoded the way some client does it
    raw = MailBuilder().text("见附件").attach(DOCX, filename_param=param).build()
    # WHEN parsed THEN the name is decoded and the file is Word by content
    assert _files(raw) == [(NAME, "word")]


@pytest.mark.parametrize("param", [
    p_2231("name", NAME, "gbk"), p_2047("name", NAME, "gb2312"), p_raw("name", NAME, "gbk"),
])
def test_name_only_on_content_type(param):
    # GIVEN no Content-Disposition, the name only on Content-Type (old Outlook)
    raw = MailBuilder().text("x").attach(DOCX, name_param=param, disposition=None).build()
    # THEN it is still a file with its name
    assert _files(raw) == [(NAME, "word")]


def test_filename_preferred_over_name():
    # GIVEN both parameters THEN Content-Disposition's filename wins (RFC 2183 §2.3)
    raw = MailBuilder().attach(DOCX, filename_param=p_plain("filename", "a.docx"),
                               name_param=p_plain("name", "b.docx")).build()
    assert _files(raw) == [("a.docx", "word")]


@pytest.mark.parametrize("given, shown", [
    ("C:\\Users\\张三\\Desktop\\案例.docx", "案例.docx"),   # Windows path in the name
    ("../../etc/案例.docx", "案例.docx"),
    ("案\x00例\u202e.docx", "案例.docx"),                   # control / bidi override
    ("案" * 300 + ".docx", "案" * 115 + ".docx"),           # bounded length
])
def test_safe_basename(given, shown):
    # GIVEN a hostile or clumsy name THEN a safe basename is shown
    raw = MailBuilder().attach(DOCX, filename_param=p_2231("filename", given)).build()
    assert _files(raw) == [(shown, "word")]


def test_nfc():
    # GIVEN a decomposed (NFD) name, as macOS writes THEN NFC
    raw = MailBuilder().attach(DOCX, filename_param=p_2231("filename", "cafe\u0301.docx")).build()
    assert _files(raw)[0][0] == "caf\u00e9.docx"


def test_apple_mail_inline_attachments_count():
    # GIVEN a docx and a photo sent with disposition inline (Apple Mail)
    raw = (MailBuilder().text("x")
           .attach(DOCX, "案例.docx", disposition="inline")
           .attach(image_bytes(), "IMG_0001.jpeg", content_type="image/jpeg",
                   disposition="inline").build())
    # THEN both are files
    assert _files(raw) == [("案例.docx", "word"), ("IMG_0001.jpeg", "photo")]


def test_cid_images_of_the_html_body_are_not_files():
    # GIVEN a signature logo shown by the HTML through cid:, and a real photo
    raw = (MailBuilder().text("x").html('<p>x</p><img src="cid:logo@sig">')
           .inline_image(image_bytes("PNG"), "logo@sig", "logo.png")
           .attach(image_bytes(), "现场.jpg", content_type="image/jpeg").build())
    msg = parse_message(raw)
    # THEN only the photo is an attachment; the logo is counted as inline
    assert [(a.filename, a.kind) for a in msg.attachments] == [("现场.jpg", "photo")]
    assert msg.inline_images == 1


def test_image_with_content_id_not_referenced_is_a_file():
    # GIVEN an image with a Content-ID the HTML does not show THEN it is a file
    raw = (MailBuilder().html("<p>no image</p>")
           .attach(image_bytes(), "a.jpg", content_type="image/jpeg", content_id="x1").build())
    assert _files(raw) == [("a.jpg", "photo")]


def test_forwarded_message_files_count():
    # GIVEN a forwarded submission (message/rfc822) holding the Word file
    inner = MailBuilder().subject("碳排放管理案例征集+x").attach(DOCX, NAME).build()
    raw = MailBuilder().text("转发").forwarded(inner).build()
    # THEN its file is the message's own
    assert _files(raw) == [(NAME, "word")]


def test_forwarded_as_named_eml_attachment():
    # GIVEN the forwarded message attached as a named .eml
    inner = MailBuilder().attach(DOCX, NAME).build()
    raw = MailBuilder().text("x").forwarded(inner, filename="original.eml").build()
    assert _files(raw) == [(NAME, "word")]


def test_eml_sent_as_octet_stream():
    # GIVEN an .eml sent base64 as application/octet-stream (some webmails)
    inner = MailBuilder().attach(DOCX, NAME).build()
    raw = MailBuilder().text("x").attach(inner, "转发邮件.eml").build()
    assert _files(raw) == [(NAME, "word")]


def test_nameless_word_part_counts():
    # GIVEN a Word file with no name at all THEN it is still listed, named for display
    raw = MailBuilder().text("x").attach(DOCX, disposition=None).build()
    (name, kind), = _files(raw)
    assert kind == "word" and name.startswith("未命名附件")


def test_nameless_inline_text_is_body_not_file():
    # GIVEN only a text body THEN no attachments
    assert _files(MailBuilder().text("您好").build()) == []


def test_zip_members_listed_after_the_zip():
    from builders.mail import zip_of
    z = zip_of({"材料/案例.docx": DOCX, "照片/现场.jpg": image_bytes()}, utf8_names=False)
    raw = MailBuilder().attach(z, "案例材料.zip", content_type="application/zip").build()
    msg = parse_message(raw)
    assert [(a.filename, a.kind, a.from_archive) for a in msg.attachments] == [
        ("案例材料.zip", "archive", None),
        ("案例.docx", "word", "案例材料.zip"),
        ("现场.jpg", "photo", "案例材料.zip"),
    ]


def test_forwarded_message_sent_base64():
    # GIVEN a message/rfc822 part sent base64 (against RFC 2046 §5.2.1; some webmails)
    inner = MailBuilder().attach(DOCX, NAME).build()
    raw = MailBuilder().text("x").forwarded(inner, cte="base64").build()
    # THEN the inner message is decoded and its file counts
    assert _files(raw) == [(NAME, "word")]
