"""`intake poll` when there is nothing to do, answered in a fraction of the
full start-up: the stdlib's sqlite3, one EXAMINE and one UID SEARCH
(intake.imaplite). SQLAlchemy, the parsers, click and imapclient (together
~0.4 s of imports) are never loaded for it.

It only ever says "nothing to do" when that is certain — the same UIDVALIDITY
and no UID above the last one seen, no row left unjudged, no reply due — and
otherwise hands over to the full poll, which does the real work. The one
thing it does not hand over is a server that cannot be reached or refuses the
login: the full poll would only try again (and a mail server counts every
refused login against the account), so that becomes the same error here.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from intake.account import ID_PARAMS, imap_key, login_advice, login_failed, unreachable
from intake.config import Config, MailboxConfig
from intake.errors import LoginError, MailboxError
from intake.imaplite import Connection, quoted, response_code, untagged_words
from intake.summary import PollSummary, destination

# The same conditions as pipeline.resume_unfinished and sender.due.
_UNFINISHED = "SELECT 1 FROM messages WHERE state = 'received' LIMIT 1"
_DUE = ("SELECT 1 FROM replies WHERE state = 'queued' "
        "OR (state = 'failed' AND next_attempt_at <= ?) LIMIT 1")
_POSITION = "SELECT uidvalidity, last_uid FROM sync_state WHERE source = ?"

# A folder name that may be sent as it is (an RFC 3501 atom). Any other name
# needs quoting or modified UTF-7 (§5.1.3): the full poll's imapclient does that.
_ATOM = re.compile(r"[A-Za-z0-9._/-]+\Z")


def nothing_to_do(config: Config) -> PollSummary | None:
    """The summary of an idle poll when there is provably nothing to do, else None.
    Raises MailboxError when the server cannot be reached or refuses the login."""
    if not _applicable(config):
        return None
    position = _database_idle(Path(config.database.url[len("sqlite:///"):]), config)
    if position is None or not _mailbox_idle(config.mailbox, *position):
        return None
    return PollSummary(source=imap_key(config.mailbox), destination=destination(config.smtp))


def _applicable(config: Config) -> bool:
    box = config.mailbox
    return (box.kind == "imap" and config.database.url.startswith("sqlite:///")
            and _ATOM.match(box.folder) is not None
            and quoted(box.username) is not None and quoted(box.password) is not None)


def _database_idle(path: Path, config: Config) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID) when the database holds no pending work."""
    if not path.is_file():
        return None
    # SQLAlchemy's SQLite DATETIME text, in UTC (db.models.UTCDateTime).
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            position = db.execute(_POSITION, (imap_key(config.mailbox),)).fetchone()
            if position is None or db.execute(_UNFINISHED).fetchone() \
                    or db.execute(_DUE, (now,)).fetchone():
                return None
            return int(position[0]), int(position[1])
    except sqlite3.Error:
        return None                 # an older schema, a lock…: the full poll decides


def _mailbox_idle(box: MailboxConfig, uidvalidity: int, last_uid: int) -> bool:
    """True when the folder keeps its UIDVALIDITY and has no UID above `last_uid`."""
    imap = _login(box)
    try:
        _send_id(imap)
        # EXAMINE: the read-only SELECT (RFC 3501 §6.3.2).
        examined = imap.command(f"EXAMINE {box.folder}")
        if not examined.ok or response_code(examined, b"UIDVALIDITY") != str(uidvalidity).encode():
            return False            # "Unsafe Login", a new UIDVALIDITY…: the full poll
        # "n:*" always matches the highest UID even when it is below n (§6.4.8).
        found = imap.command(f"UID SEARCH UID {last_uid + 1}:*")
        return found.ok and all(int(uid) <= last_uid for uid in untagged_words(found, b"SEARCH"))
    except (OSError, ValueError):
        return False                # the full poll meets it again and says what it is
    finally:
        _logout(imap)


def _login(box: MailboxConfig) -> Connection:
    try:
        imap = Connection(box)
    except OSError as e:
        raise MailboxError(unreachable(box, e)) from e
    if imap.preauthenticated:
        return imap
    try:
        reply = imap.command(f"LOGIN {quoted(box.username)} {quoted(box.password)}")
    except OSError as e:            # the connection broke
        imap.close()
        raise MailboxError(login_failed(box, e)) from e
    if not reply.ok:                # a tagged NO or BAD (§6.2.3)
        _logout(imap)
        raise LoginError(login_advice(box.host, f"{reply.status} {reply.text}"))
    return imap


def _send_id(imap: Connection) -> None:
    """ID (RFC 2971) when offered; capabilities change at login (RFC 3501
    §6.2.3), so they are asked for again first."""
    if b"ID" in (word.upper() for word in untagged_words(imap.command("CAPABILITY"), b"CAPABILITY")):
        params = " ".join(f'"{k}" "{v}"' for k, v in ID_PARAMS.items())
        imap.command(f"ID ({params})")


def _logout(imap: Connection) -> None:
    try:
        imap.command("LOGOUT")
    except OSError:
        pass                        # closing a broken connection: nothing to save
    finally:
        imap.close()
