"""Decoding and normalising the Subject header (contract §2).

Also holds the generic header-text decoder the other parsers share
(:func:`decode_header_text`, :func:`raw_header_bytes`), because a subject, a
display name and a filename parameter arrive broken in the same ways:

* RFC 2047 encoded-words in any charset, sometimes split by the sender in
  the middle of a multibyte character (Outlook, Foxmail, old 163 webmail);
* ``gb2312`` labels on text that holds GBK-only characters (镕, 喆, 珺 …),
  which a strict gb2312 codec refuses — so every GB label is read as GB18030,
  the superset;
* raw 8-bit header bytes (RFC 6532 UTF-8, or GBK from old Chinese clients)
  that the stdlib's compat32 parser keeps as lone surrogates.
"""
from __future__ import annotations

import binascii
import email.errors
import email.header
import email.message
import re
import unicodedata
from dataclasses import dataclass

# Every label of the GB family is decoded as GB18030, which is a strict
# superset: a "gb2312" word that holds a GBK-only character (镕) still reads.
_GB_ALIASES = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "euc-cn",
               "euccn", "cp936", "ms936", "csgb2312", "x-euc-cn", "chinese",
               "gb18030", "hz-gb-2312"}

# RFC 2047 §2 encoded-word; the charset may carry an RFC 2231 §5 "*lang" part.
_WORD = r"=\?[^?\s]+\?[qQbB]\?[^?]*\?="
# A run of encoded-words separated only by whitespace: RFC 2047 §6.2 says
# that whitespace is dropped, and compat32 decode_header joins adjacent words
# of one charset *as bytes*, which mends a character split across two words.
_WORD_RUN = re.compile(rf"{_WORD}(?:\s*{_WORD})*")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


# MIME labels Python does not know by that name (RFC 1556 "-i"/"-e"
# bidi variants; the WHATWG names some clients write).
_ALIASES = {"iso-8859-8-i": "iso-8859-8", "iso-8859-8-e": "iso-8859-8",
            "iso-8859-6-i": "iso-8859-6", "iso-8859-6-e": "iso-8859-6",
            "unicode-1-1-utf-7": "utf-7", "x-mac-roman": "mac-roman",
            "windows-874": "cp874", "x-sjis": "shift_jis"}


def codec_for(charset: str | None) -> str:
    """The Python codec to use for a MIME charset label (GB family → gb18030)."""
    label = (charset or "").strip().strip('"').lower().split("*", 1)[0]
    if label in _GB_ALIASES:
        return "gb18030"
    if label in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        return "utf-8"
    return _ALIASES.get(label, label)


def _utf8(data: bytes) -> str | None:
    """UTF-8 text, also when a client cut the value inside the last
    character (a bounded-length filename); None when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            return data[:e.start].decode("utf-8")     # the broken tail dropped
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes in a declared charset; on an unknown or wrong label, UTF-8 where
    valid, else GB18030 (the common mislabelled Chinese case), never raising."""
    if charset:
        try:
            return data.decode(codec_for(charset))
        except (LookupError, UnicodeDecodeError):
            pass
    text = _utf8(data)
    return text if text is not None else data.decode("gb18030", errors="replace")


def raw_header_bytes(value: str) -> bytes:
    """The bytes the sender wrote: compat32 keeps undecodable 8-bit header
    bytes as surrogate escapes (U+DC80–U+DCFF); a message built from a str
    may hold real non-ASCII characters, which we take as UTF-8."""
    return value.encode("utf-8", errors="surrogateescape")


def decode_8bit(value: str) -> str:
    """Raw 8-bit header text (RFC 6532): UTF-8 where valid, else GB18030."""
    raw = raw_header_bytes(value)
    if raw.isascii():
        return value
    return decode_bytes(raw)


def _decode_word_run(run: str) -> str:
    """One run of adjacent encoded-words, through compat32 decode_header."""
    try:
        pieces = email.header.decode_header(run)
    except (email.errors.HeaderParseError, binascii.Error, ValueError):
        # A broken base64 word: decode word by word, keeping what fails raw.
        return "".join(_decode_word_run(w) if w != run else w
                       for w in re.findall(_WORD, run))
    out = []
    for data, charset in pieces:
        if isinstance(data, str):
            out.append(data)
        elif charset is None:
            out.append(decode_bytes(data))
        else:
            out.append(decode_bytes(data, charset))
    return "".join(out)


def decode_header_text(value: str) -> str:
    """A header value as text: unfolded (RFC 5322 §2.2.3), raw 8-bit bytes
    recovered, RFC 2047 words decoded wherever they stand (also inside
    quotes, as Outlook and Foxmail write them in filename parameters)."""
    text = decode_8bit(_FOLD.sub("", value))
    text = text.replace("\r", "").replace("\n", "")
    return _WORD_RUN.sub(lambda m: _decode_word_run(m.group(0)), text)


def raw_header(msg: email.message.Message, name: str) -> str | None:
    """The first header `name` exactly as parsed (no policy decoding)."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else str(value)
    return None


def decode_subject(msg: email.message.Message) -> str:
    """The Subject as the sender meant it, before normalisation ("" if absent).

    Not mail-parser's subject: 4.8 drops the whole subject when a
    gb2312-labelled word holds a GBK-only character.
    """
    value = raw_header(msg, "Subject")
    if value is None:
        return ""
    return decode_header_text(value).strip()


# --- normalisation (contract §2) -------------------------------------------

# Reply / forward prefixes of English and Chinese clients, with an ASCII
# colon (full-width ones are ASCII after NFKC). "Re[2]:" / "Re(2):" come
# from some Outlook versions.
_PREFIX = re.compile(r"^(?:re|fw|fwd|回复|答复|转发)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
                     re.IGNORECASE)
_BRACKETS = {"【": "】", "[": "]", "「": "」", "〔": "〕"}
_REPLY = re.compile(r"^\s*(?:re\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|回复|答复)",
                    re.IGNORECASE)


def _strip_whole_brackets(s: str) -> str:
    """`【碳排放管理案例征集+名称】` → inside, when the pair spans it all."""
    close = _BRACKETS.get(s[:1])
    if close and s.endswith(close) and s.count(close) == 1:
        return s[1:-1].strip()
    return s


def _strip_leading_brackets(s: str) -> str:
    """`【碳排放管理案例征集】+名称` → `碳排放管理案例征集+名称`: brackets
    around the leading part only when a `+` follows them."""
    close = _BRACKETS.get(s[:1])
    if not close:
        return s
    end = s.find(close)
    if end > 1 and s[end + 1:].lstrip().startswith("+"):
        return s[1:end].strip() + s[end + 1:]
    return s


def normalise_subject(s: str) -> str:
    """NFKC, reply/forward prefixes and brackets stripped (repeatedly), spaces
    collapsed, spaces around the first `+` removed."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"\s+", " ", s).strip()
    while True:
        before = s
        s = _PREFIX.sub("", s).strip()
        s = _strip_whole_brackets(s)
        s = _strip_leading_brackets(s)
        if s == before:
            break
    return re.sub(r"\s*\+\s*", "+", s, count=1)


@dataclass
class SubjectCheck:
    normalised: str
    is_reply: bool              # raw subject begins Re: / 回复 / 答复
    starts_with_prefix: bool    # normalised subject starts with the prefix
    case_name: str | None       # after the `+`, trimmed; None when none
    status: str                 # "ok" | "case_name_missing" | "subject_format"


def is_reply_subject(decoded: str) -> bool:
    """Contract §1: a reply begins `Re:` (either colon), `回复` or `答复`."""
    return bool(_REPLY.match(decoded))


def check_subject(decoded: str, prefix: str) -> SubjectCheck:
    """Judges a decoded subject against the campaign prefix (contract §2)."""
    normalised = normalise_subject(decoded)
    prefix = normalise_subject(prefix)
    starts = bool(prefix) and normalised.startswith(prefix)
    case_name, status = None, "subject_format"
    rest = normalised[len(prefix):].lstrip() if starts else ""
    if starts and rest.startswith("+"):
        case_name = rest[1:].strip() or None
        status = "ok" if case_name else "case_name_missing"
    return SubjectCheck(normalised, is_reply_subject(decoded), starts,
                        case_name, status)
