"""Real mail servers on loopback for the integration tests (no fakes).

``Dovecot`` runs a private dovecot-imapd with its own config; ``SmtpSink`` is
an aiosmtpd server that records what it is sent.
"""

from __future__ import annotations

import email
import email.message
import glob
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator, Literal

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

HOST = "127.0.0.1"
DOVECOT_BIN = os.environ.get("DOVECOT_BIN") or shutil.which("dovecot") or "/usr/sbin/dovecot"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def free_port(host: str = HOST) -> int:
    """Return a TCP port that was free a moment ago (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every descendant process of `pid` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
    found, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def dovecot_available() -> bool:
    """True when a dovecot binary can be run."""
    return os.path.isfile(DOVECOT_BIN) and os.access(DOVECOT_BIN, os.X_OK)


def _wait_for_greeting(host: str, port: int, deadline: float) -> bool:
    """Wait until the port answers with an IMAP ``* OK`` greeting."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1.0) as s:
                if s.recv(64).startswith(b"* OK"):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


_CONFIG = """\
# Private test instance; never reads /etc/dovecot.
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
base_dir = {run}/base
state_dir = {run}/state
log_path = {log}
info_log_path = {log}
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:~/Maildir
# Log what clients say in their ID command (RFC 2971), so tests can see it.
imap_id_log = *
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {run}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={run}/home/%u
}}
service imap-login {{
  # The default chroot (base_dir/login) is not needed for a test server.
  chroot =
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


class Dovecot:
    """A real Dovecot IMAP server on loopback, run in the foreground."""

    def __init__(self, tmpdir: Path, user: str = "intake", password: str = "secret") -> None:
        self.host = HOST
        self.port = free_port()
        self.user = user
        self.password = password
        # Config and log live in tmpdir (read/written only by root processes),
        # so pytest keeps the log for a post-mortem.
        self.tmpdir = Path(tmpdir)
        self.config_path = self.tmpdir / "dovecot.conf"
        self.log_path = self.tmpdir / "dovecot.log"
        self.run_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        """Start the server (first time: write config and mail dirs)."""
        if self._proc is not None:
            return
        if self.run_dir is None:
            self._prepare()
        stderr = open(self.tmpdir / "dovecot.stderr", "ab")
        self._proc = subprocess.Popen(
            [DOVECOT_BIN, "-F", "-c", str(self.config_path)],
            stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
        )
        stderr.close()
        if not _wait_for_greeting(self.host, self.port, time.monotonic() + START_TIMEOUT):
            self.stop()
            raise RuntimeError(f"dovecot did not start on port {self.port}:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server; mail and port stay for a later start()."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        children = _children(proc.pid)
        # SIGTERM stops the master, but imap processes serving open connections
        # outlive it here (seen with Dovecot 2.3 in the foreground): kill them
        # too, so a stopped server is an outage for connected clients as well.
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)
        for pid in children:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def restart(self) -> None:
        """Stop and start again on the same port with the same mail."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop and delete the runtime directory (mail included)."""
        self.stop()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> "Dovecot":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server log and stderr, for error messages."""
        out = []
        for path in (self.log_path, self.tmpdir / "dovecot.stderr"):
            if path.exists():
                out += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(out)

    def _prepare(self) -> None:
        # Sockets, passwd and mail need a short path that dovenull, dovecot
        # and nobody can traverse. pytest's tmp_path is under a 0700 dir and
        # can exceed the 108-byte unix socket path limit, so use /tmp.
        self.run_dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.run_dir.chmod(0o755)  # mkdtemp makes 0700
        for sub in ("base", "state", "home"):
            (self.run_dir / sub).mkdir(mode=0o755)
        passwd = self.run_dir / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        passwd.chmod(0o644)  # read by the auth process as user "dovecot"
        # The mail processes run as nobody:nogroup and create the Maildir.
        shutil.chown(self.run_dir / "home", "nobody", "nogroup")
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(_CONFIG.format(
            host=self.host, port=self.port, run=self.run_dir, log=self.log_path))

    # -- admin client ------------------------------------------------------

    @contextmanager
    def client(self) -> Iterator[IMAPClient]:
        """A logged-in imapclient connection (logged out on exit)."""
        c = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        try:
            c.login(self.user, self.password)
            yield c
        finally:
            try:
                c.logout()
            except Exception:  # connection may already be gone (outage tests)
                pass

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple = (),
               internaldate: datetime | None = None) -> int:
        """Append one message; return its UID (from UIDPLUS APPENDUID)."""
        with self.client() as c:
            return _append(c, raw, folder, flags, internaldate)

    def append_many(self, raws: list[bytes], folder: str = "INBOX") -> list[int]:
        """Append several messages over one connection; return their UIDs."""
        with self.client() as c:
            return [_append(c, raw, folder, (), None) for raw in raws]

    def flags(self, folder: str = "INBOX") -> dict[int, tuple]:
        """uid -> flags, read via a read-only select (EXAMINE changes nothing)."""
        with self.client() as c:
            c.select_folder(folder, readonly=True)
            uids = c.search("ALL")
            if not uids:
                return {}
            return {uid: data[b"FLAGS"] for uid, data in c.fetch(uids, ["FLAGS"]).items()}

    def messages(self, folder: str = "INBOX") -> dict[int, bytes]:
        """uid -> raw message bytes, fetched with BODY.PEEK[] (read-only)."""
        with self.client() as c:
            return _fetch_raw(c, folder)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """UIDVALIDITY of a folder, from SELECT (STATUS may be cached)."""
        with self.client() as c:
            return c.select_folder(folder, readonly=True)[b"UIDVALIDITY"]

    def create_folder(self, folder: str) -> None:
        """Create a folder."""
        with self.client() as c:
            c.create_folder(folder)

    def delete_folder(self, folder: str) -> None:
        """Delete a folder and its messages."""
        with self.client() as c:
            c.delete_folder(folder)

    def recreate_folder(self, folder: str = "INBOX") -> int:
        """Give a folder a new UIDVALIDITY and new UIDs, keeping the same
        message bytes, flags and internal dates; return the new UIDVALIDITY."""
        if folder.upper() == "INBOX":
            return self.recreate_inbox_with_same_messages()
        with self.client() as c:
            saved = _fetch_all(c, folder)
            c.close_folder()
            c.delete_folder(folder)
            c.create_folder(folder)
            for raw, flags, date in saved:
                _append(c, raw, folder, flags, date)
        return self.uidvalidity(folder)

    def recreate_inbox_with_same_messages(self) -> int:
        """New UIDVALIDITY for INBOX with the same message files.

        INBOX cannot be deleted over IMAP, so the server is stopped, the
        Maildir's UID list and indexes are removed (the message files and
        their flag suffixes stay) and the server is started again: Dovecot
        then rebuilds the UID list with the next value from its
        dovecot-uidvalidity counter and numbers messages from 1 again.
        Clients connected at that moment are dropped, as in a real outage.
        """
        before = self.uidvalidity("INBOX")
        self.stop()
        maildir = self._maildir()
        for pattern in ("dovecot-uidlist", "dovecot.index*", "dovecot.list.index*"):
            for path in glob.glob(str(maildir / pattern)):
                os.remove(path)
        self.start()
        after = self.uidvalidity("INBOX")
        if after == before:
            raise RuntimeError(f"INBOX UIDVALIDITY did not change ({after})")
        return after

    def _maildir(self) -> Path:
        assert self.run_dir is not None, "server was never started"
        return self.run_dir / "home" / self.user / "Maildir"


_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")


def _append(c: IMAPClient, raw: bytes, folder: str, flags: tuple,
            internaldate: datetime | None) -> int:
    resp = c.append(folder, raw, flags=flags, msg_time=internaldate)
    m = _APPENDUID.search(resp)
    if m is None:
        raise RuntimeError(f"no APPENDUID in APPEND response: {resp!r}")
    return int(m.group(2))


def _fetch_raw(c: IMAPClient, folder: str) -> dict[int, bytes]:
    c.select_folder(folder, readonly=True)
    uids = c.search("ALL")
    if not uids:
        return {}
    return {uid: d[b"BODY[]"] for uid, d in sorted(c.fetch(uids, ["BODY.PEEK[]"]).items())}


def _fetch_all(c: IMAPClient, folder: str) -> list[tuple[bytes, tuple, datetime]]:
    """(raw, flags, internaldate) for every message, in UID order."""
    c.select_folder(folder, readonly=True)
    uids = c.search("ALL")
    if not uids:
        return []
    data = c.fetch(uids, ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"])
    # \Recent is server-set and cannot be given to APPEND.
    return [(d[b"BODY[]"], tuple(f for f in d[b"FLAGS"] if f != b"\\Recent"),
             d[b"INTERNALDATE"]) for _, d in sorted(data.items())]


# -- SMTP ------------------------------------------------------------------


@dataclass
class Received:
    """One message as the SMTP sink got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class _Handler:
    """aiosmtpd handler: records messages or answers with sink.fail_with."""

    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.sink.fail_with and self.sink.fail_at == "RCPT":
            return self.sink.fail_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.sink.fail_with and self.sink.fail_at == "DATA":
            return self.sink.fail_with
        # Without decode_data, aiosmtpd gives content as bytes.
        self.sink.received.append(Received(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def self_signed_context(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate for 127.0.0.1."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class SmtpSink:
    """A real aiosmtpd SMTP server on loopback that records what it gets.

    Set ``fail_with = "451 4.3.0 try later"`` (and ``fail_at`` to "RCPT" or
    "DATA") to make it refuse instead.
    """

    def __init__(self, port: int | None = None, *, tls: ssl.SSLContext | None = None,
                 starttls: ssl.SSLContext | None = None) -> None:
        """`tls`: implicit TLS (SMTPS); `starttls`: offer STARTTLS and require it."""
        self.host = HOST
        self.port = port or free_port()
        self.tls, self.starttls = tls, starttls
        self.received: list[Received] = []
        self.fail_with: str | None = None
        self.fail_at: Literal["RCPT", "DATA"] = "DATA"
        self._controller: Controller | None = None

    def start(self) -> None:
        """Start listening (blocks until the server answers)."""
        if self._controller is not None:
            return
        # A fresh Controller each time: it owns its thread and event loop.
        extra = {"tls_context": self.starttls, "require_starttls": True} if self.starttls else {}
        controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                ready_timeout=START_TIMEOUT, ssl_context=self.tls, **extra)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening; received messages are kept."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()

    def messages(self) -> list[email.message.Message]:
        """The received messages, parsed."""
        return [email.message_from_bytes(r.data) for r in self.received]

    def __enter__(self) -> "SmtpSink":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
