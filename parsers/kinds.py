"""What a file is, judged by its bytes (contract §5 `kind`), not by its name
or its declared Content-Type: senders send .docx as
application/octet-stream, PNGs named .jpg, JPEGs named .gif.

The name and the type are used only where the bytes cannot decide: a file
that does not read as Word but is *called* Word (named .doc/.docx/.wps or
declared as a Word type) is a Word file, so that the Word reader reports it
as `word_unreadable` instead of it passing as an unrelated attachment.
"""
from __future__ import annotations

import io
import zipfile

from parsers.attachment import ARCHIVE, OTHER, PHOTO, WORD

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream name of a Word 97-2003 (and WPS) binary document, as it appears
# in an OLE2 directory entry (UTF-16LE).
_WORD_STREAM = "WordDocument".encode("utf-16-le")

WORD_EXTENSIONS = (".doc", ".docx", ".docm", ".dot", ".dotx", ".dotm", ".wps", ".wpt")
WORD_TYPES = ("application/msword", "application/vnd.ms-word",
              "application/vnd.openxmlformats-officedocument.wordprocessingml",
              "application/kswps", "application/wps-office", "application/vnd.ms-works")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp",
                    ".tif", ".tiff", ".webp", ".heic", ".heif")

# Archive formats we do not open: listed as `other` with a note, and the
# `other_attachment` message asks for a .zip or separate files.
RAR_MAGICS = (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")
SEVEN_Z_MAGIC = b"7z\xbc\xaf\x27\x1c"


def image_format(data: bytes) -> str | None:
    """The image format by magic bytes, or None when not an image we know."""
    head = data[:32]
    if head.startswith(b"\xff\xd8"):      # SOI; a garbled next marker is a broken JPEG
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"BM") and len(data) > 26:
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim",
                                               b"heis", b"mif1", b"msf1", b"avif"):
        return "heic"
    return None


def _zip_kind(data: bytes) -> str | None:
    """WORD for an OOXML word-processing package, ARCHIVE for another zip,
    None when the bytes are not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = {n.lower() for n in zf.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    # ECMA-376: the main part of a .docx is word/document.xml (Word itself
    # sometimes writes word/document2.xml after a repair).
    if any(n.startswith("word/document") and n.endswith(".xml") for n in names):
        return WORD
    # Other zip-based documents are files, not archives to unpack: OPC
    # packages (.xlsx, .pptx: ECMA-376 Part 2 [Content_Types].xml), ODF and
    # EPUB (a `mimetype` member), Java/Android packages (META-INF/MANIFEST.MF).
    if names & {"[content_types].xml", "mimetype", "meta-inf/manifest.mf",
                "androidmanifest.xml"}:
        return OTHER
    return ARCHIVE


def archive_note(data: bytes) -> str | None:
    """"rar" / "7z" for archives we do not open, else None."""
    if data.startswith(RAR_MAGICS):
        return "rar"
    if data.startswith(SEVEN_Z_MAGIC):
        return "7z"
    return None


def _named_word(filename: str, content_type: str) -> bool:
    name, ctype = filename.lower(), content_type.lower()
    return name.endswith(WORD_EXTENSIONS) or ctype.startswith(WORD_TYPES)


def sniff_kind(data: bytes, filename: str, content_type: str) -> str:
    """WORD / PHOTO / ARCHIVE / OTHER by content (contract §5)."""
    if data.startswith(b"PK"):
        kind = _zip_kind(data)
        if kind is not None:
            return kind
    if data.startswith(OLE2_MAGIC):
        # Word 97-2003 and WPS files are OLE2 compound files with a
        # WordDocument stream; an encrypted .docx is OLE2 too (with an
        # EncryptedPackage stream) and is judged by its name below.
        if _WORD_STREAM in data:
            return WORD
    if image_format(data) is not None:
        return PHOTO
    if _named_word(filename, content_type):
        return WORD
    if archive_note(data) is None and data.startswith(b"PK") \
            and filename.lower().endswith(".zip"):
        return ARCHIVE          # a damaged .zip: the archive reader says so
    if filename.lower().endswith(IMAGE_EXTENSIONS) or \
            content_type.lower().startswith("image/"):
        # Called an image but not one by its bytes: still an image
        # attachment, so the photo check reports it (not JPEG / corrupt).
        return PHOTO
    return OTHER
