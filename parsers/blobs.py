"""Keeping large base64 bodies out of the stdlib's MIME parser.

Python's feedparser turns every line of a message into a str object: a
60 MB message peaks at about eight times its size in memory. Large
attachments are almost always base64, so before parsing, each long run of
base64 lines is cut out of the raw bytes and replaced by a one-line token;
the parts are decoded from the original bytes afterwards, one at a time.
What the parser sees is otherwise byte for byte the message.
"""
from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field

# Runs of at least this many base64 lines (76 chars: ~1 MB) are cut out.
MIN_LINES = 12000
_TOKEN = b"INTAKEBLOB%08dX"
_LINE_PATTERN = rb"[A-Za-z0-9+/]{16,}={0,2}\r?\n"
_LINE = re.compile(_LINE_PATTERN)
_CHUNK = 400
# Anchored at line starts, so a failed attempt is not retried inside a line.
_CHUNK_RE = re.compile(rb"(?m)^(?:%s){%d}" % (_LINE_PATTERN, _CHUNK))
_TOKEN_TEXT = re.compile(r"INTAKEBLOB(\d{8})X")
_TOKEN_LINE = re.compile(r"INTAKEBLOB(\d{8})X\r?\n")


@dataclass
class Blobs:
    """The cut-out runs: token number -> (start, end) in the raw bytes."""
    raw: bytes = b""
    spans: list[tuple[int, int]] = field(default_factory=list)

    def payload(self, text: str) -> bytes | None:
        """The decoded bytes of a base64 payload holding tokens, else None."""
        if not self.spans or "INTAKEBLOB" not in text:
            return None
        # One base64 stream, decoded once: pieces need not end on 4 characters.
        encoded = bytearray()
        for piece in _split(text):
            if isinstance(piece, int):
                start, end = self.spans[piece]
                encoded += memoryview(self.raw)[start:end]
            else:
                encoded += piece.encode("ascii", "ignore")
        return _b64(encoded)

    def restore_text(self, text: str) -> str:
        """The payload text with every token put back (non-base64 parts)."""
        return _TOKEN_LINE.sub(lambda m: self._span_text(int(m.group(1))), text)

    def _span_text(self, n: int) -> str:
        start, end = self.spans[n]
        return self.raw[start:end].decode("ascii", "surrogateescape")


def shrink(raw: bytes) -> tuple[bytes, Blobs]:
    """`raw` with its long base64 runs replaced by tokens, and the runs."""
    if len(raw) < MIN_LINES * 60:
        return raw, Blobs()
    blobs = Blobs(raw)
    out, last = [], 0
    for start, end in _runs(raw):
        # The token takes the run's place and its final line break.
        newline = b"\r\n" if raw[end - 2:end] == b"\r\n" else b"\n"
        out += [raw[last:start], _TOKEN % len(blobs.spans), newline]
        blobs.spans.append((start, end))
        last = end
    if not blobs.spans:
        return raw, blobs
    out.append(raw[last:])
    return b"".join(out), blobs


def _runs(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of every run of at least MIN_LINES adjacent base64 lines.
    Matched in chunks of _CHUNK lines: one regex repeating a group 12,000
    times keeps a backtracking frame per repetition (hundreds of MB), and a
    match per line is slow. Each run is extended in place and the search goes
    on after it, so the tail of a run (< _CHUNK lines) is scanned once, not
    again from each of its lines."""
    runs, pos = [], 0
    while (found := _CHUNK_RE.search(raw, pos)) is not None:
        start, end, lines = found.start(), found.end(), _CHUNK
        while (more := _CHUNK_RE.match(raw, end)) is not None:
            end, lines = more.end(), lines + _CHUNK
        while (line := _LINE.match(raw, end)) is not None:
            end, lines = line.end(), lines + 1
        if lines >= MIN_LINES:
            runs.append((start, end))
        pos = end
    return runs


def _split(text: str) -> list[str | int]:
    """Text around tokens, tokens as their numbers."""
    pieces: list[str | int] = []
    last = 0
    for m in _TOKEN_TEXT.finditer(text):
        pieces += [text[last:m.start()], int(m.group(1))]
        last = m.end()
    pieces.append(text[last:])
    return [p for p in pieces if p != ""]


def _b64(data: bytearray) -> bytes:
    """Lenient base64, as the stdlib's get_payload(decode=True) is for mail:
    characters outside the alphabet are skipped (binascii does so without
    validate), a missing final padding is tolerated."""
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", bytes(data))
        return binascii.a2b_base64(cleaned[: len(cleaned) // 4 * 4])
