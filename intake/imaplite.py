"""The little IMAP the idle check needs (RFC 3501): LOGIN, CAPABILITY, ID,
EXAMINE, UID SEARCH, LOGOUT, over a plain socket or implicit TLS.

Why not imaplib: importing it costs ~23 ms (it loads random, hashlib,
subprocess and calendar for commands we never send), a quarter of the idle
poll's budget. Why not imapclient: ~60 ms. The full poll uses imapclient.
Anything this client cannot say simply (a name that needs a literal) is left
to the full poll by the caller.
"""
from __future__ import annotations

import re
import socket

from intake.account import tls_context
from intake.config import MailboxConfig

_LITERAL = re.compile(rb"\{(\d+)\}\r\n\Z")      # a server literal ends its line (§4.3)
_MAX_LINE = 8 * 1024 * 1024


class Reply:
    """A command's completion: its tagged status and text, and the untagged
    lines the server sent before it (RFC 3501 §2.2.2)."""

    def __init__(self, status: str, text: str, untagged: list[bytes]) -> None:
        self.status, self.text, self.untagged = status, text, untagged

    @property
    def ok(self) -> bool:
        return self.status == "OK"


class Connection:
    """One IMAP connection; commands are sent one at a time and answered
    in full before the next."""

    def __init__(self, config: MailboxConfig) -> None:
        sock = socket.create_connection((config.host, config.port), timeout=config.timeout)
        context = tls_context(config)
        if context is not None:
            sock = context.wrap_socket(sock, server_hostname=config.host)
        self._sock = sock
        self._file = sock.makefile("rb")
        self._tags = 0
        try:
            greeting = self._line()
        except OSError:
            self.close()
            raise
        if not greeting.startswith((b"* OK", b"* PREAUTH")):
            self.close()
            raise ConnectionError(f"unexpected greeting: {greeting[:200]!r}")
        # PREAUTH: the connection is already logged in (RFC 3501 §7.1.4).
        self.preauthenticated = greeting.startswith(b"* PREAUTH")

    def command(self, text: str) -> Reply:
        self._tags += 1
        tag = f"c{self._tags}"
        self._sock.sendall(f"{tag} {text}\r\n".encode("ascii"))
        untagged = []
        while True:
            line = self._line()
            if line.startswith(tag.encode() + b" "):
                status, _, rest = line[len(tag) + 1:].decode("utf-8", "replace").partition(" ")
                return Reply(status.upper(), rest.strip(), untagged)
            if line.startswith(b"* BYE") and not text.startswith("LOGOUT"):
                raise ConnectionError(line.decode("utf-8", "replace").strip())
            untagged.append(line)

    def close(self) -> None:
        try:
            self._file.close()
            self._sock.close()
        except OSError:
            pass                    # closing a broken connection: nothing to save

    def _line(self) -> bytes:
        """One response line with its literals inlined."""
        line = self._read_line()
        while (literal := _LITERAL.search(line)) is not None:
            size = int(literal.group(1))
            line = line[:literal.start()] + self._file.read(size) + self._read_line()
        return line

    def _read_line(self) -> bytes:
        line = self._file.readline(_MAX_LINE)
        if not line.endswith(b"\n"):
            raise ConnectionError("the server closed the connection")
        return line


def quoted(value: str) -> str | None:
    """A quoted string (RFC 3501 §4.3), or None when `value` needs a literal."""
    if not value.isascii() or any(c in value for c in "\r\n\0"):
        return None
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def response_code(reply: Reply, name: bytes) -> bytes | None:
    """The value of an untagged `* OK [NAME value]` (§7.1), e.g. UIDVALIDITY."""
    for line in reply.untagged:
        match = re.match(rb"\* OK \[" + name + rb" ([^\]]*)\]", line, re.IGNORECASE)
        if match:
            return match.group(1).strip()
    return None


def untagged_words(reply: Reply, name: bytes) -> list[bytes]:
    """The words after `* NAME` in the untagged lines: CAPABILITY, SEARCH."""
    prefix = b"* " + name.upper()
    return [word for line in reply.untagged if line.upper().startswith(prefix + b" ")
            or line.rstrip().upper() == prefix for word in line.split()[2:]]
