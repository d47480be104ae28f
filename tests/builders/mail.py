"""Synthetic mail as RAW BYTES, written the way real senders write it.

Not built through the stdlib's generator: it tidies exactly what real
clients get wrong (8-bit header bytes, RFC 2047 words inside quoted
parameters, encoded-words split inside a character, base64 with odd line
lengths). Every header and parameter here is emitted byte for byte.

Usage::

    from builders.mail import MailBuilder, p_2047, p_2231, p_raw, encoded_words

    raw = (MailBuilder()                      # From/To/Date/Message-ID defaults
           .subject("碳排放管理案例征集+某物流园区碳排放核算案例")   # RFC 2047, utf-8, B
           .text("您好，附件是案例材料。")
           .attach(docx_bytes, "案例材料.docx")                   # RFC 2231 for non-ASCII
           .build())

    MailBuilder().subject_raw("碳排放管理案例征集+案例".encode("gbk"))  # raw 8-bit header
    MailBuilder().subject_raw(encoded_words("碳排放管理案例征集+镕", "gb2312", split=7))
    .attach(data, filename_param=p_2047("filename", "案例.docx", "gb2312"))  # Outlook/Foxmail
    .attach(data, name_param=p_raw("name", "案例.doc", "gbk"), disposition=None)  # name= only
    .attach(data, "IMG_1.jpeg", content_type="image/jpeg", disposition="inline")  # Apple Mail
    .html('<p>hi</p><img src="cid:logo1">').inline_image(png, "logo1")    # signature logo
    .forwarded(inner_raw)                      # message/rfc822 part
    .report()                                  # top-level multipart/report (a DSN)
    .header("Auto-Submitted", "auto-replied")  # any extra header, str or raw bytes
    .header("From", b"MAILER-DAEMON@163.com")  # replaces a default; None removes it
    .add_header("List-Id", "<x.example.com>")   # adds without replacing
    .received("Mon, 28 Feb 2022 23:59:00 +0800")  # topmost Received

Parameter helpers return the bytes of one parameter (``name=value``):
``p_plain``, ``p_raw`` (8-bit bytes in a charset), ``p_2231`` (``name*=``),
``p_2231_cont`` (``name*0*=`` continuations), ``p_2047`` (RFC 2047 words
inside quotes). ``encoded_words`` gives RFC 2047 words for any header,
optionally split after `split` bytes (inside a multibyte character).
"""
from __future__ import annotations

import base64
import quopri
import urllib.parse

Value = str | bytes | None
_DEFAULTS = [
    (b"From", b'"Zhang San" <zhang@example.com>'),
    (b"To", b"lsw_mecc@163.com"),
    (b"Date", b"Sun, 20 Feb 2022 10:31:00 +0800"),
    (b"Message-ID", b"<test-1@example.com>"),
    (b"MIME-Version", b"1.0"),
]


def _b(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _codec(charset: str) -> str:
    """GB labels are written as GBK bytes (what the clients do, also for
    characters gb2312 lacks)."""
    return "gbk" if charset.lower() in ("gb2312", "gbk", "x-gbk", "euc-cn") else charset


def encoded_words(text: str, charset: str = "utf-8", enc: str = "B",
                  split: int | None = None) -> bytes:
    """RFC 2047 encoded-word(s) for `text`; with `split`, two words whose
    bytes are cut after `split` bytes (possibly inside a character), folded."""
    data = text.encode(_codec(charset))
    chunks = [data] if split is None else [data[:split], data[split:]]
    words = []
    for chunk in chunks:
        if enc.upper() == "B":
            payload = base64.b64encode(chunk)
        else:
            payload = b"".join(bytes([c]) if (48 <= c < 58 or 65 <= c < 91 or 97 <= c < 123)
                               else b"=%02X" % c for c in chunk)
        words.append(b"=?" + charset.encode() + b"?" + enc.encode() + b"?" + payload + b"?=")
    return b"\r\n ".join(words)


def p_plain(name: str, value: str) -> bytes:
    """`name="value"` (value as UTF-8 bytes when not ASCII, RFC 6532)."""
    return name.encode() + b'="' + value.encode("utf-8") + b'"'


def p_raw(name: str, value: str, charset: str = "gbk") -> bytes:
    """`name="<raw 8-bit bytes>"`, as old Chinese clients write."""
    return name.encode() + b'="' + value.encode(_codec(charset)) + b'"'


def p_2231(name: str, value: str, charset: str = "utf-8") -> bytes:
    """RFC 2231 §4 `name*=charset''%XX…`."""
    quoted = urllib.parse.quote(value.encode(_codec(charset)), safe="")
    return f"{name}*={charset}''{quoted}".encode()


def p_2231_cont(name: str, value: str, charset: str = "utf-8", chunk: int = 4) -> bytes:
    """RFC 2231 §3-4 continuations `name*0*=charset''…; name*1*=…`,
    cut every `chunk` bytes (not only at character boundaries)."""
    data = value.encode(_codec(charset))
    pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    out = []
    for i, piece in enumerate(pieces):
        head = f"{charset}''" if i == 0 else ""
        out.append(f"{name}*{i}*={head}{urllib.parse.quote(piece, safe='')}".encode())
    return b";\r\n\t".join(out)


def p_2047(name: str, value: str, charset: str = "gb2312", enc: str = "B",
           split: int | None = None) -> bytes:
    """`name="=?gb2312?B?…?="` — RFC 2047 inside quotes (Outlook, Foxmail)."""
    return name.encode() + b'="' + encoded_words(value, charset, enc, split).replace(
        b"\r\n ", b" ") + b'"'


def _encode_body(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        enc = base64.b64encode(data)
        return b"\r\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))
    if cte == "quoted-printable":
        return quopri.encodestring(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class _Part:
    """One MIME entity: header lines and a body (or sub-parts)."""

    def __init__(self, headers: list[bytes], body: bytes = b"",
                 parts: list[_Part] | None = None, boundary: bytes = b""):
        self.headers, self.body, self.parts, self.boundary = headers, body, parts, boundary

    def render(self) -> bytes:
        out = b"".join(h + b"\r\n" for h in self.headers) + b"\r\n"
        if self.parts is None:
            return out + self.body
        for part in self.parts:
            out += b"--" + self.boundary + b"\r\n" + part.render() + b"\r\n"
        return out + b"--" + self.boundary + b"--\r\n"


class MailBuilder:
    """Builds one raw message; every method returns the builder."""

    def __init__(self) -> None:
        self._headers: list[tuple[bytes, bytes]] = list(_DEFAULTS)
        self._text: _Part | None = None
        self._html: _Part | None = None
        self._inline: list[_Part] = []
        self._files: list[_Part] = []
        self._report = False
        self._boundaries = 0

    # -- headers --
    def header(self, name: str, value: Value) -> MailBuilder:
        """Sets header `name` (raw str/bytes, emitted as given), replacing
        any header of that name (a default too); None removes it."""
        key = name.encode().lower()
        self._headers = [(n, v) for n, v in self._headers if n.lower() != key]
        return self if value is None else self.add_header(name, value)

    def add_header(self, name: str, value: str | bytes) -> MailBuilder:
        """Adds one more header line (e.g. a second Received), at the end."""
        self._headers.append((name.encode(), _b(value)))
        return self

    def received(self, date: str, by: str = "mx.163.com") -> MailBuilder:
        """A Received header placed on top, as the receiving server adds it."""
        value = f"from client.example.com by {by} with ESMTP; {date}".encode()
        self._headers.insert(0, (b"Received", value))
        return self

    def subject(self, text: str, charset: str = "utf-8", enc: str = "B") -> MailBuilder:
        """Subject as RFC 2047 encoded-words (ASCII subjects as they are)."""
        value = text.encode() if text.isascii() else encoded_words(text, charset, enc)
        return self.header("Subject", value)

    def subject_raw(self, raw: bytes | str) -> MailBuilder:
        """Subject bytes exactly as given (raw 8-bit, hand-made words …)."""
        return self.header("Subject", raw)

    # -- bodies --
    def text(self, body: str, charset: str = "utf-8", cte: str = "base64") -> MailBuilder:
        self._text = self._leaf(f"text/plain; charset={charset}".encode(),
                                body.encode(_codec(charset)), cte)
        return self

    def html(self, body: str, charset: str = "utf-8", cte: str = "base64") -> MailBuilder:
        self._html = self._leaf(f"text/html; charset={charset}".encode(),
                                body.encode(_codec(charset)), cte)
        return self

    def inline_image(self, data: bytes, cid: str, filename: str | None = None,
                     content_type: str = "image/png") -> MailBuilder:
        """An image in multipart/related beside the HTML (the HTML must
        reference it as `cid:<cid>`)."""
        ctype = content_type.encode() + (b"; " + p_plain("name", filename) if filename else b"")
        extra = [b"Content-ID: <" + cid.encode() + b">"]
        if filename:
            extra.append(b"Content-Disposition: inline; " + p_plain("filename", filename))
        self._inline.append(self._leaf(ctype, data, "base64", extra))
        return self

    # -- files --
    def attach(self, data: bytes, filename: str | None = None, *,
               content_type: str = "application/octet-stream",
               disposition: str | None = "attachment",
               filename_param: bytes | None = None, name_param: bytes | None = None,
               name_on_type: bool = False, content_id: str | None = None,
               cte: str = "base64") -> MailBuilder:
        """A file part. `filename` is written as `filename="…"` when ASCII,
        else RFC 2231 UTF-8 (on Content-Type `name` instead with
        `name_on_type`); `filename_param` / `name_param` give the parameter
        bytes exactly; `disposition=None` omits Content-Disposition."""
        if filename is not None and filename_param is None and name_param is None:
            maker = p_plain if filename.isascii() else p_2231
            if name_on_type:
                name_param = maker("name", filename)
            else:
                filename_param = maker("filename", filename)
        ctype = content_type.encode() + (b"; " + name_param if name_param else b"")
        extra = []
        if disposition is not None:
            extra.append(b"Content-Disposition: " + disposition.encode()
                         + (b"; " + filename_param if filename_param else b""))
        if content_id:
            extra.append(b"Content-ID: <" + content_id.encode() + b">")
        self._files.append(self._leaf(ctype, data, cte, extra))
        return self

    def forwarded(self, inner: bytes, filename: str | None = None,
                  cte: str = "7bit") -> MailBuilder:
        """A forwarded message as a message/rfc822 part (7bit, as RFC 2046
        §5.2.1 requires — or "base64" as some webmails send it), `inline`
        or as an attachment when named."""
        disp = b"Content-Disposition: " + (
            b"attachment; " + p_plain("filename", filename) if filename else b"inline")
        part = self._leaf(b"message/rfc822", inner, cte, [disp])
        if cte == "7bit":
            part.headers = [b"Content-Type: message/rfc822", disp]
        self._files.append(part)
        return self

    def report(self, status: bytes = b"Reporting-MTA: dns; mx.163.com\r\n\r\n"
               b"Final-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\n"
               b"Status: 5.1.1\r\n") -> MailBuilder:
        """Make the message a DSN: top-level multipart/report (RFC 3464)."""
        self._report = True
        self._files.append(_Part([b"Content-Type: message/delivery-status"], status))
        return self

    # -- output --
    def _leaf(self, ctype: bytes, data: bytes, cte: str, extra: list[bytes] | None = None) -> _Part:
        headers = [b"Content-Type: " + ctype, b"Content-Transfer-Encoding: " + cte.encode()]
        return _Part(headers + (extra or []), _encode_body(data, cte))

    def _multi(self, subtype: bytes, parts: list[_Part], params: bytes = b"") -> _Part:
        self._boundaries += 1
        boundary = b"----=_Part_%d_builder" % self._boundaries
        ctype = b"Content-Type: multipart/" + subtype + b'; boundary="' + boundary + b'"' + params
        return _Part([ctype], parts=parts, boundary=boundary)

    def _body(self) -> _Part | None:
        html = self._html
        if html is not None and self._inline:
            html = self._multi(b"related", [html, *self._inline])
        if self._text is not None and html is not None:
            return self._multi(b"alternative", [self._text, html])
        return self._text or html

    def build(self) -> bytes:
        """The raw message, CRLF line ends."""
        body = self._body()
        if self._files or self._report:
            parts = ([body] if body else []) + self._files
            subtype = b"report" if self._report else b"mixed"
            params = b"; report-type=delivery-status" if self._report else b""
            top = self._multi(subtype, parts, params)
        else:
            top = body or self._leaf(b"text/plain; charset=utf-8", b"", "7bit")
        head = b"".join(n + b": " + v + b"\r\n" for n, v in self._headers)
        return head + top.render()


# -- small sample files for attachments (not real case documents: see
#    builders.docx for those) --

def minimal_docx() -> bytes:
    """A zip holding word/document.xml: a Word file by content."""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    """A small valid image in `fmt` (JPEG, PNG, GIF, BMP, TIFF, WEBP)."""
    import io
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, fmt)
    return buf.getvalue()


def zip_of(members: dict[str, bytes], *, utf8_names: bool = True,
           name_codec: str = "gbk") -> bytes:
    """A zip of `members`; with utf8_names=False the names are written as
    `name_codec` bytes without the UTF-8 flag (Chinese Windows, WinRAR)."""
    import io
    import zipfile

    class _LegacyName(zipfile.ZipInfo):
        # zipfile always writes non-ASCII names as UTF-8 with flag bit 11;
        # Chinese Windows writes the code page bytes and no flag.
        def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
            return self.filename.encode(name_codec), self.flag_bits & ~0x800

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name) if utf8_names else _LegacyName(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
