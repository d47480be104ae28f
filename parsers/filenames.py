"""The filename of a MIME part, decoded the ways real senders encode it.

* RFC 2231 ``filename*=gbk''%B0%B8...`` and continuations
  ``filename*0*=`` / ``filename*1*=`` (Thunderbird, Apple Mail, Gmail);
* RFC 2047 inside a *quoted* parameter, ``filename="=?gb2312?B?...?="``,
  which RFC 2047 §5 forbids but Outlook and Foxmail send anyway;
* ``name=`` on Content-Type only (old Outlook, many webmails; RFC 2183 §2.3
  makes Content-Disposition's ``filename`` the proper place);
* raw 8-bit GBK or UTF-8 bytes in the quoted value (old Chinese clients,
  RFC 6532), kept by compat32 as surrogate escapes.

The result is NFC and a *safe basename* for display and storage: no
directory parts, no control or bidi-override characters, bounded length.
"""
from __future__ import annotations

import email.message
import email.utils
import re
import unicodedata

from parsers.subject import decode_bytes, decode_header_text, raw_header

MAX_NAME_CHARS = 120
# C0/C1 controls, and the bidi overrides that disguise "exe.docx" (Trojan
# Source style name spoofing); zero-width characters would hide differences.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _latin1(value: str) -> str:
    """The header's bytes as latin-1 text: compat32 turns 8-bit header bytes
    into surrogates, and its get_params() then replaces them with U+FFFD
    (the value becomes an unknown-8bit Header). One byte per character keeps
    every byte recoverable through the parameter parser."""
    return value.encode("utf-8", errors="surrogateescape").decode("latin-1")


def _params(part: email.message.Message, header: str) -> list[tuple[str, object]]:
    """(name, value) pairs of a header's parameters, RFC 2231 joined."""
    value = raw_header(part, header)
    if value is None:
        return []
    holder = email.message.Message()
    holder[header] = _latin1(re.sub(r"\r?\n(?=[ \t])", "", value))
    try:
        return holder.get_params(header=header) or []
    except Exception:  # a malformed parameter list: no name from it
        return []


def _param(part: email.message.Message, header: str, name: str) -> str | None:
    """Parameter `name` of `header`, preferring an RFC 2231 form (it is the
    one a client writes for non-ASCII names; the plain one is a fallback)."""
    plain = None
    for key, value in _params(part, header)[1:]:
        if key.lower().rstrip("*") != name:
            continue
        if isinstance(value, tuple):
            # RFC 2231 §4: compat32 joined the continuations and %-decoded
            # them as latin-1; decode the bytes with the declared charset.
            return decode_bytes(value[2].encode("latin-1", errors="replace"), value[0] or None)
        if plain is None:
            plain = email.utils.unquote(value)
    if plain is None:
        return None
    # Raw 8-bit bytes (UTF-8, else GB18030), then RFC 2047 words in quotes.
    return decode_header_text(decode_bytes(plain.encode("latin-1", errors="replace")))


def raw_filename(part: email.message.Message) -> str | None:
    """The decoded name of a part: Content-Disposition ``filename``, else
    Content-Type ``name`` (RFC 2183 §2.3), or None when it has neither."""
    for header, name in (("content-disposition", "filename"),
                         ("content-type", "name")):
        value = _param(part, header, name)
        if value is not None and value.strip():
            return value
    return None


def safe_basename(name: str) -> str:
    """NFC, last path component only, no control characters, bounded length
    (the extension is kept when the stem is cut)."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE.sub("", name)
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"\s+", " ", name).strip().rstrip(". ")
    if name in ("", ".", ".."):
        return ""
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME_CHARS - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME_CHARS]
    return name


def part_filename(part: email.message.Message) -> str | None:
    """The safe display name of a part's file, or None when it has none."""
    raw = raw_filename(part)
    if raw is None:
        return None
    return safe_basename(raw) or None
