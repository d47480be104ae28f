"""Where messages come from: an IMAP folder, or a local Maildir with the same
interface (for the demo and for tests that need no server).

Both only read: IMAP through a read-only SELECT (RFC 3501 §6.3.2, EXAMINE
semantics) and BODY.PEEK[] (§6.4.5, does not set \\Seen); a Maildir is never
renamed or moved. The caller tells a source what it has already seen through
a :class:`Cursor`, and records each message before moving the cursor on.
"""
from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError as ImapLoginError

from intake.account import (ID_PARAMS, imap_key, login_advice, login_failed, tls_context,
                            unreachable)
from intake.config import MailboxConfig
from intake.errors import LoginError, MailboxError
from intake.prefetch import prefetched


@dataclass
class Fetched:
    """One message as read from a source, before anything else is done."""
    source: str
    uidvalidity: int | None
    uid: str                       # IMAP UID, or the Maildir key
    raw: bytes
    internaldate: datetime | None  # IMAP INTERNALDATE; None for a Maildir


class Cursor(Protocol):
    """What the database knows of a source; implemented by the pipeline."""

    def imap_position(self, source: str) -> tuple[int, int] | None: ...
    def known_keys(self, source: str) -> set[str]: ...
    def known_message(self, message_id: str | None, size: int) -> bool: ...


class Source(Protocol):
    key: str
    total: int

    def messages(self, cursor: Cursor) -> Iterator[Fetched]: ...
    def close(self) -> None: ...


def open_source(config: MailboxConfig) -> Source:
    if config.kind == "imap":
        return ImapSource(config)
    return MaildirSource(config)


class MaildirSource:
    """A Maildir read in key order; known keys are skipped."""

    def __init__(self, config: MailboxConfig) -> None:
        if not (config.path / "cur").is_dir() and not (config.path / "new").is_dir():
            raise MailboxError(f"{config.path} is not a Maildir (no cur/ or new/ folder)")
        # git keeps no empty folders: a fresh clone may lack cur/ or tmp/.
        for sub in ("cur", "new", "tmp"):
            (config.path / sub).mkdir(exist_ok=True)
        self.key = f"maildir:{config.path}"
        self.total = 0                 # messages to fetch, known once messages() started
        import mailbox as stdlib_mailbox    # 20 ms of imports an IMAP poll does not need
        self._box = stdlib_mailbox.Maildir(config.path, factory=None, create=False)

    def messages(self, cursor: Cursor) -> Iterator[Fetched]:
        known = cursor.known_keys(self.key)
        # maildir(5): names starting with a dot are not messages.
        keys = sorted(k for k in self._box.keys() if k not in known and not k.startswith("."))
        self.total = len(keys)
        for key in keys:
            # get_bytes, not get_message: the raw bytes exactly as delivered.
            yield Fetched(self.key, None, key, self._box.get_bytes(key), None)

    def close(self) -> None:
        self._box.close()


class ImapSource:
    """One IMAP folder, read incrementally by UID (RFC 3501 §2.3.1.1)."""

    def __init__(self, config: MailboxConfig) -> None:
        self.config = config
        self.key = imap_key(config)
        self.total = 0                 # messages to fetch, known once messages() started
        self.client = connect(config)
        self.uidvalidity = select(self.client, config.folder)

    def messages(self, cursor: Cursor) -> Iterator[Fetched]:
        position = cursor.imap_position(self.key)
        validity_changed = position is not None and position[0] != self.uidvalidity
        last_uid = position[1] if position and not validity_changed else 0
        uids = self.uids_above(last_uid)
        if validity_changed:
            # The old UIDs mean nothing now (RFC 3501 §2.3.1.1); skip what we
            # already hold by Message-ID and size before fetching bodies.
            uids = self._unknown(uids, cursor)
        self.total = len(uids)
        if not uids:
            return
        batches = size_batches(uids, self._sizes(uids), self.config.batch_size,
                               int(self.config.batch_megabytes * 1024 * 1024))
        # The next batch is fetched while this one is judged.
        for fetched in prefetched(self._fetch, batches):
            yield from fetched

    def uids_above(self, last_uid: int) -> list[int]:
        # "n:*" always matches the highest UID even when it is below n
        # (RFC 3501 §6.4.8), so filter again here.
        found = _call(self.client.search, ["UID", f"{last_uid + 1}:*"])
        return sorted(uid for uid in found if uid > last_uid)

    def _unknown(self, uids: list[int], cursor: Cursor) -> list[int]:
        keep = []
        for start in range(0, len(uids), 500):
            batch = uids[start:start + 500]
            data = _call(self.client.fetch, batch,
                         ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]", "RFC822.SIZE"])
            for uid in batch:
                item = data.get(uid, {})
                mid = _message_id(item.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b""))
                if not cursor.known_message(mid, item.get(b"RFC822.SIZE", -1)):
                    keep.append(uid)
        return keep

    def _sizes(self, uids: list[int]) -> dict[int, int]:
        sizes = {}
        for start in range(0, len(uids), 1000):
            data = _call(self.client.fetch, uids[start:start + 1000], ["RFC822.SIZE"])
            sizes.update({uid: item.get(b"RFC822.SIZE", 0) for uid, item in data.items()})
        return sizes

    def _fetch(self, uids: list[int]) -> list[Fetched]:
        data = _call(self.client.fetch, uids, ["BODY.PEEK[]", "INTERNALDATE"])
        # A UID missing from the answer was expunged between SEARCH and FETCH.
        return [Fetched(self.key, self.uidvalidity, str(uid), data[uid][b"BODY[]"],
                        data[uid].get(b"INTERNALDATE"))
                for uid in uids if b"BODY[]" in data.get(uid, {})]

    def close(self) -> None:
        try:
            self.client.logout()
        except (IMAPClientError, OSError):
            pass                    # closing a broken connection: nothing to save


def size_batches(uids: list[int], sizes: dict[int, int], count: int,
                 max_bytes: int) -> list[list[int]]:
    """UIDs in FETCH batches of at most `count` messages and `max_bytes`
    (a single larger message goes alone): one FETCH answer is held in memory
    whole, several times over inside imaplib."""
    batches, batch, used = [], [], 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) >= count or used + size > max_bytes):
            batches.append(batch)
            batch, used = [], 0
        batch.append(uid)
        used += size
    if batch:
        batches.append(batch)
    return batches


def connect(config: MailboxConfig) -> imapclient.IMAPClient:
    """Connects and logs in; sends ID (RFC 2971) when the server offers it."""
    try:
        client = imapclient.IMAPClient(config.host, port=config.port, ssl=config.tls,
                                       ssl_context=tls_context(config), timeout=config.timeout)
    except (OSError, IMAPClientError) as e:
        raise MailboxError(unreachable(config, e)) from e
    client.normalise_times = False      # keep INTERNALDATE's own UTC offset
    _login(client, config)
    return client


def _login(client: imapclient.IMAPClient, config: MailboxConfig) -> None:
    try:
        client.login(config.username, config.password)
        # imapclient never sends ID (account.ID_PARAMS) by itself.
        if b"ID" in client.capabilities():
            client.id_(ID_PARAMS)
    except ImapLoginError as e:
        raise LoginError(login_advice(config.host, str(e))) from e
    except (IMAPClientError, OSError) as e:
        raise MailboxError(login_failed(config, e)) from e


def select(client: imapclient.IMAPClient, folder: str) -> int:
    try:
        info = client.select_folder(folder, readonly=True)
    except (IMAPClientError, OSError) as e:
        if "unsafe login" in str(e).lower():
            raise LoginError(login_advice("163.com", str(e))) from e
        raise MailboxError(f"cannot open IMAP folder {folder!r}: {e}") from e
    return int(info[b"UIDVALIDITY"])


def _call(method, *args):
    try:
        return method(*args)
    except (IMAPClientError, OSError, socket.timeout) as e:
        raise MailboxError(f"IMAP command failed: {e}") from e


def _message_id(header_block: bytes) -> str | None:
    text = header_block.decode("ascii", "replace")
    _, _, value = text.partition(":")
    value = " ".join(value.split())
    return value or None
