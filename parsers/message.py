"""A raw RFC 5322 message, parsed into what the rules need.

INTERFACE (shared with intake/ and rules/): fields may be added, not renamed.

The stdlib compat32 parser reads the bytes (it never raises on bad MIME; it
records defects) and mail-parser, built on that message, gives the body
texts. The MIME tree is walked here for the attachments, because the
contract's rule (§3) is not mail-parser's: a named part is a file whatever
its disposition (Apple Mail sends attachments ``inline``, RFC 2183 §2.1
allows it), except images the HTML body shows through ``cid:`` (RFC 2392),
and the files of a forwarded ``message/rfc822`` part count as the
message's own.
"""
from __future__ import annotations

import email
import email.message
import email.parser
import email.policy
import email.utils
import logging
import mimetypes
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone

from parsers.archive import expand_zip
from parsers.blobs import Blobs, shrink
from parsers.attachment import ARCHIVE, WORD, Attachment
from parsers.filenames import part_filename
from parsers.kinds import archive_note, image_format, sniff_kind
from parsers.links import find_large_attachment_links
from parsers.subject import (decode_8bit, decode_bytes, decode_header_text,
                             decode_subject, raw_header)

# mail-parser logs unhandled parts and undecodable words (which we decode
# ourselves) at WARNING/ERROR; inspect's stderr should
# carry only what matters.
logging.getLogger("mailparser").setLevel(logging.CRITICAL)

MAX_DEPTH = 40          # MIME nesting we follow (crafted mail nests thousands deep)
MAX_PARTS = 1000        # leaf parts we look at
MAX_FORWARD_DEPTH = 5   # forwarded-inside-forwarded messages we open


@dataclass
class ParsedMessage:
    message_id: str | None            # as in the header, with <>
    from_name: str | None
    from_address: str | None          # lower-cased addr-spec
    date: datetime | None             # Date header, tz-aware
    received_date: datetime | None    # date of the topmost Received header, tz-aware
    subject: str                      # decoded, NOT normalised ("" when absent)
    message: email.message.Message    # top-level compat32 message, for header rules
    return_path: str | None           # None when absent, "" for <>
    references: str | None            # References header (for threading replies)
    is_report: bool                   # top-level multipart/report (RFC 3462 DSN/MDN)
    text: str                         # text/plain bodies joined
    html: str                         # text/html bodies joined
    attachments: list[Attachment] = field(default_factory=list)
    large_attachment_links: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    inline_images: int = 0            # cid: images of the HTML body (not attachments)

    def header(self, name: str) -> str | None:
        """A header's decoded value, or None."""
        value = raw_header(self.message, name)
        return None if value is None else decode_header_text(value).strip()


# --- reading the bytes -------------------------------------------------------

def _read(raw: bytes, defects: list[str]) -> email.message.Message:
    """compat32 message; on a crash (deep nesting), the headers alone."""
    try:
        return email.message_from_bytes(raw, policy=email.policy.compat32)
    except RecursionError:
        defects.append("nesting_too_deep")
    except Exception as e:  # the stdlib parser is meant never to raise
        defects.append(f"unparseable: {type(e).__name__}")
    try:
        return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    except Exception as e:
        defects.append(f"headers_unparseable: {type(e).__name__}")
        return email.message.Message()


def _mailparser_bodies(msg: email.message.Message, defects: list[str]) -> tuple[str, str] | None:
    """text_plain and text_html from mail-parser, or None when it fails."""
    import mailparser  # a required dependency; imported here to keep start-up light
    try:
        parsed = mailparser.MailParser(msg)
        return "\n".join(parsed.text_plain), "\n".join(parsed.text_html)
    except Exception as e:  # RecursionError on deep nesting, bad charsets …
        defects.append(f"mailparser: {type(e).__name__}")
        return None


# --- walking the MIME tree ---------------------------------------------------

@dataclass
class _Walk:
    leaves: list[email.message.Message] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def _note(walk: _Walk, defect: str) -> None:
    if defect not in walk.defects:
        walk.defects.append(defect)


def _body_text(part: email.message.Message) -> str:
    """A text part decoded with its charset (GB labels as GB18030)."""
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        return ""
    return decode_bytes(data, part.get_content_charset())


def _forwarded_bytes(part: email.message.Message) -> bytes | None:
    """A forwarded message that compat32 did not parse as one: a leaf
    message/rfc822 (base64-encoded, against RFC 2046 §5.2.1) or an .eml
    sent as application/octet-stream."""
    ctype = part.get_content_type()
    name = (part_filename(part) or "").lower()
    if ctype == "message/rfc822" or name.endswith(".eml"):
        if getattr(part, _DECODED, None) is not None:
            return getattr(part, _DECODED)
        try:
            return part.get_payload(decode=True)
        except Exception:
            return None
    return None


def _encoded_rfc822(part: email.message.Message) -> bytes | None:
    """The bytes of a message/rfc822 part sent base64 or quoted-printable
    (RFC 2046 §5.2.1 forbids it; some webmails do it): compat32 parses the
    *encoded* text as a message, so decode that text and parse it again."""
    cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    if part.get_content_type() != "message/rfc822" or cte not in ("base64", "quoted-printable"):
        return None
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    text = inner.as_string() if isinstance(inner, email.message.Message) else str(inner or "")
    holder = email.message.Message()
    holder["Content-Transfer-Encoding"] = cte
    holder.set_payload(text.lstrip("\r\n"))
    try:
        return holder.get_payload(decode=True)
    except Exception:
        return None


def _walk(part: email.message.Message, depth: int, forwards: int, walk: _Walk) -> None:
    for defect in getattr(part, "defects", []):
        _note(walk, type(defect).__name__)
    if depth > MAX_DEPTH or len(walk.leaves) >= MAX_PARTS:
        _note(walk, "nesting_too_deep" if depth > MAX_DEPTH else "too_many_parts")
        return
    ctype = part.get_content_type()
    if ctype in ("message/delivery-status", "message/disposition-notification",
                 "message/feedback-report"):
        return                      # report fields (RFC 3464 §2.2), not content
    encoded = _encoded_rfc822(part)
    if encoded is not None and forwards < MAX_FORWARD_DEPTH:
        _walk(_read(encoded, walk.defects), depth + 1, forwards + 1, walk)
        return
    if part.is_multipart():         # multipart/*, and message/rfc822 in compat32
        for sub in part.get_payload() or []:
            if isinstance(sub, email.message.Message):
                _walk(sub, depth + 1, forwards, walk)
        return
    forwarded = _forwarded_bytes(part)
    if forwarded and forwards < MAX_FORWARD_DEPTH:
        _walk(_read(forwarded, walk.defects), depth + 1, forwards + 1, walk)
        return
    _collect_leaf(part, walk)


def _collect_leaf(part: email.message.Message, walk: _Walk) -> None:
    ctype = part.get_content_type()
    is_body = ctype in ("text/plain", "text/html") and part_filename(part) is None \
        and part.get_content_disposition() != "attachment"
    if not is_body:
        walk.leaves.append(part)
    elif ctype == "text/html":
        walk.htmls.append(_body_text(part))
    else:
        walk.texts.append(_body_text(part))


# --- attachments (contract §3) ----------------------------------------------
# The rule, as the README states it:
# 1. Every leaf part with a filename (Content-Disposition `filename`, else
#    Content-Type `name`) is a file, whatever its disposition.
# 2. Except body images: an image (declared image/* or image bytes) whose
#    Content-ID (RFC 2392) a `cid:` URL in an HTML body of the message
#    references is part of the body (logo, signature, pasted picture): not
#    listed, not photo-checked, counted in ParsedMessage.inline_images.
# 3. An image with a Content-ID that no HTML body shows is a file.
# 4. A nameless part is a file only when declared `attachment` (and not
#    text) or when it is a Word file by its bytes (shown as 未命名附件N.ext).
# 5. Files of forwarded messages (message/rfc822, also base64-encoded or as
#    an .eml file) are the message's own; zip members follow their zip.

_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


def _cid_refs(htmls: list[str]) -> set[str]:
    """Content-IDs the HTML bodies show (RFC 2392 `cid:` URLs, %-encoded)."""
    return {urllib.parse.unquote(m).strip("<>").lower()
            for html in htmls for m in _CID.findall(html)}


def _content_id(part: email.message.Message) -> str | None:
    value = raw_header(part, "Content-ID")
    return value.strip().strip("<>").strip().lower() if value else None


def _payload(part: email.message.Message) -> bytes:
    cut_out = getattr(part, _DECODED, None)
    if cut_out is not None:
        return cut_out
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _is_body_image(part: email.message.Message, data: bytes, cids: set[str]) -> bool:
    """An image the HTML body shows through cid: — a logo, a signature, an
    emoji — is part of the body, not a case photo (contract §3)."""
    cid = _content_id(part)
    if not cid or cid not in cids:
        return False
    return part.get_content_maintype() == "image" or image_format(data) is not None


def _unnamed(index: int, ctype: str) -> str:
    ext = mimetypes.guess_extension(ctype) or ".bin"
    return f"未命名附件{index}{ext}"


def _attachment(part: email.message.Message, data: bytes, index: int) -> Attachment | None:
    """The file of a leaf part, or None when the part is no file."""
    ctype = part.get_content_type().lower()
    name = part_filename(part)
    kind = sniff_kind(data, name or "", ctype)
    if name is None:
        # Contract §3 wants a filename; a nameless part still counts when it
        # is declared an attachment or is a Word file by its bytes.
        if part.get_content_disposition() != "attachment" and kind != WORD:
            return None
        if ctype.startswith("text/") and kind != WORD:
            return None
        name = _unnamed(index, ctype)
    att = Attachment(name, ctype, data, kind)
    note = archive_note(data)
    if note:
        att.notes.append(note)
    return att


def _attachments(walk: _Walk) -> tuple[list[Attachment], int]:
    """The files of the message (zip members after their zip) and the
    number of cid: body images left out."""
    cids = _cid_refs(walk.htmls)
    files: list[Attachment] = []
    inline_images = 0
    for part in walk.leaves:
        data = _payload(part)
        if _is_body_image(part, data, cids):
            inline_images += 1
            continue
        att = _attachment(part, data, len(files) + 1)
        if att is None:
            continue
        files.append(att)
        if att.kind == ARCHIVE:
            files.extend(expand_zip(att))
    return files, inline_images


# --- headers -----------------------------------------------------------------

def _parse_date(value: str | None) -> datetime | None:
    """An RFC 5322 date, tz-aware ("-0000", unknown zone: taken as UTC)."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _received_date(msg: email.message.Message) -> datetime | None:
    """Date of the topmost Received header: the text after its last `;`
    (RFC 5321 §4.4), the time our own server took the message."""
    value = raw_header(msg, "Received")
    if not value or ";" not in value:
        return None
    return _parse_date(decode_8bit(value).rsplit(";", 1)[1].replace("\r", "").replace("\n", " "))


_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _from(msg: email.message.Message) -> tuple[str | None, str | None]:
    """(display name, lower-cased address) of the first From mailbox."""
    value = raw_header(msg, "From")
    if not value:
        return None, None
    # Split the *encoded* text, so a decoded name holding a comma or a quote
    # (张三, 某公司) cannot break the address list; then decode the name.
    try:
        name, addr = email.utils.getaddresses([value.replace("\n", " ").replace("\r", "")])[0]
    except Exception:
        name, addr = "", ""
    if not addr or "@" not in addr:
        found = _ADDR.search(decode_8bit(value))
        addr = found.group(0) if found else ""
    name = decode_header_text(name).strip().strip('"').strip() if name else ""
    return (name or None), (decode_8bit(addr).strip().lower() or None)


def _return_path(msg: email.message.Message) -> str | None:
    """None when absent, "" for the null reverse-path `<>` (RFC 5321 §4.5.5)."""
    value = raw_header(msg, "Return-Path")
    if value is None:
        return None
    inner = decode_8bit(value).strip().strip("<>").strip()
    return inner.lower()


def _header(msg: email.message.Message, name: str) -> str | None:
    value = raw_header(msg, name)
    return None if value is None else decode_header_text(value).strip()


# --- the whole message -------------------------------------------------------

def _prefer_clean(from_mailparser: str, own: str) -> str:
    """mail-parser's body text, unless it lost characters that our decoding
    (GB labels as GB18030) kept — it decodes gb2312 strictly."""
    if own and from_mailparser.count("\ufffd") > own.count("\ufffd"):
        return own
    return from_mailparser or own


_DECODED = "_intake_decoded"     # attribute holding a part's bytes decoded from a blob


def _restore(msg: email.message.Message, blobs: Blobs) -> None:
    """Puts the base64 runs cut out by parsers/blobs.py back where a part
    needs them: decoded bytes for a base64 leaf, the text for anything else."""
    try:
        parts = list(msg.walk())
    except RecursionError:
        return                      # the walk below notes the nesting
    for part in parts:
        payload = part.get_payload()
        if not isinstance(payload, str) or "INTAKEBLOB" not in payload:
            continue
        cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if cte == "base64":
            setattr(part, _DECODED, blobs.payload(payload))
        else:
            part.set_payload(blobs.restore_text(payload))


def parse_message(raw: bytes) -> ParsedMessage:
    """Parses raw bytes; never raises for malformed MIME (defects are listed)."""
    defects: list[str] = []
    # Large base64 bodies bypass the stdlib parser, which needs ~8x their size.
    small, blobs = shrink(raw)
    msg = _read(small, defects)
    _restore(msg, blobs)
    walk = _Walk(defects=defects)
    try:
        _walk(msg, 0, 0, walk)
    except RecursionError:
        _note(walk, "nesting_too_deep")
    bodies = _mailparser_bodies(msg, defects) or ("", "")
    text = _prefer_clean(bodies[0], "\n".join(walk.texts))
    html = _prefer_clean(bodies[1], "\n".join(walk.htmls))
    files, inline_images = _attachments(walk)
    name, address = _from(msg)
    links = find_large_attachment_links("\n".join([text, *walk.texts]),
                                        "\n".join([html, *walk.htmls]))
    return ParsedMessage(
        message_id=_header(msg, "Message-ID"), from_name=name, from_address=address,
        date=_parse_date(_header(msg, "Date")), received_date=_received_date(msg),
        subject=decode_subject(msg), message=msg, return_path=_return_path(msg),
        references=_header(msg, "References"),
        is_report=msg.get_content_type() == "multipart/report",
        text=text, html=html, attachments=files, large_attachment_links=links,
        defects=walk.defects, inline_images=inline_images)
