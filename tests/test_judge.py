"""Judging what we keep but cannot read: each reason gets its own advice."""
from __future__ import annotations

from intake.assess import read_words
from parsers.attachment import ARCHIVE, OTHER, WORD, Attachment
from parsers.message import parse_message
from rules.judge import attachment_problems
from builders.mail import MailBuilder


def test_each_archive_note_has_its_own_advice():
    # GIVEN a corrupt zip, a zip over the limits and a rar
    atts = [Attachment("a.zip", "application/zip", b"PK..", ARCHIVE, notes=["archive_corrupt"]),
            Attachment("b.zip", "application/zip", b"PK..", ARCHIVE, notes=["archive_limits"]),
            Attachment("c.rar", "application/x-rar", b"Rar!", OTHER, notes=["rar"]),
            Attachment("d.xlsx", "application/vnd.ms-excel", b"PK..", OTHER)]
    # WHEN judged
    found = {p.file: p for p in attachment_problems(atts)}
    # THEN every one is an other_attachment warning that says what happened
    assert {p.code for p in found.values()} == {"other_attachment"}
    assert "已损坏" in found["a.zip"].message and "不是" not in found["a.zip"].message
    assert "过大或文件过多" in found["b.zip"].message
    assert "rar" in found["c.rar"].message and ".zip" in found["c.rar"].message
    assert "不会读取" in found["d.xlsx"].message


def test_an_encrypted_word_file_in_a_zip_says_it_has_a_password():
    # GIVEN a Word member of a zip that could not be read because it is encrypted
    member = Attachment("案例.docx", "application/msword", b"", WORD, "材料.zip", ["encrypted"])
    msg = parse_message(MailBuilder().subject("碳排放管理案例征集+x").build())
    msg.attachments = [member]
    # WHEN its Word files are read
    (doc,) = read_words(msg)
    # THEN the reason names the password, not an empty file
    assert doc.info is None and "密码" in doc.error
