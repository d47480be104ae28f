"""The members of a .zip attachment (contract §5: each member is listed with
`from_archive` set to the zip's name).

Bounded, because a zip is attacker-supplied: at most MAX_MEMBERS files,
MAX_TOTAL_BYTES uncompressed in all, MAX_MEMBER_BYTES each, and a
compression ratio of at most MAX_RATIO per member (zip bombs). Sizes in the
central directory may lie, so each member is read with a hard byte limit.

Member names: PKWARE APPNOTE §4.4.4 bit 11 marks UTF-8 names; without it
zipfile decodes them as cp437, but Chinese Windows (and WinRAR, 360压缩,
Bandizip on a Chinese system) writes the local code page, GBK. The bytes are
recovered and read as UTF-8 where valid, else GB18030.
"""
from __future__ import annotations

import io
import mimetypes
import zipfile

from parsers.attachment import ARCHIVE, OTHER, WORD, Attachment
from parsers.filenames import safe_basename
from parsers.kinds import sniff_kind
from parsers.subject import decode_bytes

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 60 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
_UTF8_FLAG = 0x800
_SKIP_PREFIXES = ("__MACOSX/",)          # macOS resource forks
_SKIP_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's path as the sender's system wrote it."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    return decode_bytes(raw)


def _wanted(info: zipfile.ZipInfo, name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return not (info.is_dir() or name.endswith(("/", "\\"))
                or name.startswith(_SKIP_PREFIXES) or base in _SKIP_NAMES or not base)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[bytes, str | None]:
    """The member's bytes, or (b"", why) when it is encrypted or over a limit."""
    if info.flag_bits & 0x1:
        return b"", "encrypted"
    if info.file_size > min(MAX_MEMBER_BYTES, budget):
        return b"", "archive_limits"
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        return b"", "archive_limits"
    limit = min(MAX_MEMBER_BYTES, budget)
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        return b"", "archive_limits"
    return data, None


def _member(zip_name: str, name: str, data: bytes, note: str | None) -> Attachment:
    display = safe_basename(name) or "未命名文件"
    ctype = mimetypes.guess_type(display)[0] or "application/octet-stream"
    kind = sniff_kind(data, display, ctype)
    if note and kind != WORD:
        kind = OTHER            # left unread: only a Word name says more (word_unreadable)
    member = Attachment(display, ctype, data, kind, from_archive=zip_name)
    if note:
        member.notes.append(note)
    if member.kind == ARCHIVE:
        member.notes.append("nested_archive")   # not opened: one level only
    return member


def expand_zip(archive: Attachment) -> list[Attachment]:
    """The members of `archive` (a zip), bounded. Notes (codes, not text):
    on the zip "archive_corrupt" (unreadable) or "archive_limits" (a limit
    was hit); on a member "encrypted", "member_corrupt", "archive_limits"
    (left unread: empty data) or "nested_archive" (a zip in the zip, not
    opened)."""
    members: list[Attachment] = []
    try:
        with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
            budget = MAX_TOTAL_BYTES
            for info in zf.infolist():
                name = member_name(info)
                if not _wanted(info, name):
                    continue
                if len(members) >= MAX_MEMBERS:
                    archive.notes.append("archive_limits")
                    break
                try:
                    data, note = _read_member(zf, info, budget)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError,
                        NotImplementedError, RuntimeError):
                    data, note = b"", "member_corrupt"
                budget -= len(data)
                if note == "archive_limits" and note not in archive.notes:
                    archive.notes.append(note)
                members.append(_member(archive.filename, name, data, note))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        archive.notes.append("archive_corrupt")
    return members
