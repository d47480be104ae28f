"""Zip members (contract §5: listed with from_archive), bounded."""
from __future__ import annotations

import io
import zipfile

import pytest

from builders.mail import MailBuilder, image_bytes, minimal_docx, zip_of
from parsers import archive
from parsers.archive import expand_zip
from parsers.attachment import ARCHIVE, Attachment
from parsers.message import parse_message

DOCX = minimal_docx()


def _zip(data: bytes, name: str = "材料.zip") -> Attachment:
    return Attachment(name, "application/zip", data, ARCHIVE)


@pytest.mark.parametrize("utf8, codec", [(True, "utf-8"), (False, "gbk"), (False, "utf-8")])
def test_member_names(utf8, codec):
    # GIVEN member names with the UTF-8 flag, as GBK without it (Chinese
    # Windows), or as UTF-8 without it (old macOS Archive Utility)
    z = zip_of({"案例材料/基本信息表.docx": DOCX, "照片/现场一.jpg": image_bytes()},
               utf8_names=utf8, name_codec=codec)
    # THEN names decode, folders are dropped, kinds come from the bytes
    members = expand_zip(_zip(z))
    assert [(m.filename, m.kind, m.from_archive) for m in members] == [
        ("基本信息表.docx", "word", "材料.zip"), ("现场一.jpg", "photo", "材料.zip")]


def test_macos_junk_and_folders_skipped():
    z = zip_of({"a/": b"", "__MACOSX/a/._x.docx": b"junk", "a/.DS_Store": b"x", "a/x.docx": DOCX})
    assert [m.filename for m in expand_zip(_zip(z))] == ["x.docx"]


def test_member_count_limit(monkeypatch):
    # GIVEN more members than the limit THEN the rest are not listed, the zip is noted
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    att = _zip(zip_of({f"{i}.txt": b"x" for i in range(10)}))
    assert len(expand_zip(att)) == 3 and "archive_limits" in att.notes


def test_compression_ratio_bomb():
    # GIVEN a member that inflates 1000-fold THEN it is not read
    att = _zip(zip_of({"bomb.docx": b"\x00" * 5_000_000}))
    member, = expand_zip(att)
    assert member.data == b"" and "archive_limits" in member.notes
    assert member.kind == "word"             # named Word: reported as unreadable later
    assert "archive_limits" in att.notes


def test_total_size_limit(monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1500)
    att = _zip(zip_of({"a.bin": bytes(range(256)) * 4, "b.bin": bytes(range(256)) * 4}))
    a, b = expand_zip(att)
    assert len(a.data) == 1024 and b.data == b"" and b.kind == "other"


def test_corrupt_and_truncated_zip():
    z = zip_of({"a.docx": DOCX})
    for data in (z[: len(z) // 2], b"PK\x03\x04garbage"):
        att = _zip(data)
        assert expand_zip(att) == [] and "archive_corrupt" in att.notes


def test_nested_zip_not_opened():
    inner = zip_of({"x.docx": DOCX})
    member, = expand_zip(_zip(zip_of({"inner.zip": inner})))
    assert member.kind == "archive" and "nested_archive" in member.notes


def test_encrypted_member():
    # GIVEN a member with the encryption flag (ZipCrypto) THEN not read, noted
    z = bytearray(zip_of({"a.docx": DOCX}))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = z.index(sig)
        off = 6 if sig == b"PK\x03\x04" else 8
        z[at + off] |= 1
    member, = expand_zip(_zip(bytes(z)))
    assert member.data == b"" and member.notes == ["encrypted"] and member.kind == "word"


@pytest.mark.parametrize("magic, note", [(b"Rar!\x1a\x07\x00", "rar"), (b"Rar!\x1a\x07\x01\x00", "rar"),
                                         (b"7z\xbc\xaf\x27\x1c", "7z")])
def test_rar_and_7z_are_other_with_a_note(magic, note):
    # GIVEN a .rar / .7z THEN kind other, noted (the reply asks for .zip)
    raw = MailBuilder().attach(magic + b"\x00" * 50, "材料." + note).build()
    att, = parse_message(raw).attachments
    assert (att.kind, att.notes) == ("other", [note])


def test_zip_in_mail_lists_zip_then_members():
    raw = MailBuilder().attach(zip_of({"案例.docx": DOCX}, utf8_names=False), "案例.zip").build()
    assert [(a.filename, a.kind, a.from_archive) for a in parse_message(raw).attachments] == [
        ("案例.zip", "archive", None), ("案例.docx", "word", "案例.zip")]


def test_docx_is_not_listed_as_archive():
    # GIVEN a .docx (itself a zip) named .zip THEN it is Word, not expanded
    raw = MailBuilder().attach(DOCX, "案例.zip", content_type="application/zip").build()
    assert [(a.filename, a.kind) for a in parse_message(raw).attachments] == [("案例.zip", "word")]


def test_zipfile_stdlib_sanity():
    # the helper really writes GBK names without the UTF-8 flag
    info = zipfile.ZipFile(io.BytesIO(zip_of({"案例.docx": DOCX}, utf8_names=False))).infolist()[0]
    assert not info.flag_bits & 0x800
