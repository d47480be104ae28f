"""Delivering the outbox: queued replies go to the SMTP server (or, for the
demo, into a folder as .eml files); a failure is kept with its attempt count
and the time of the next try."""
from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import GIVEN_UP, QUEUED, RETRY, SENT, Reply
from intake.bounds import suppress
from intake.config import SmtpConfig
from intake.errors import SendError
from intake.storage import atomic_write

log = logging.getLogger(__name__)

# A reply the server answered 4xx: the first retry waits for the next poll,
# later ones back off. (A server that cannot be reached is not the reply's
# fault: the reply stays due, and the scheduler backs off the server.)
BACKOFF = [timedelta(0), timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
           timedelta(hours=1), timedelta(hours=3), timedelta(hours=6)]


class PermanentError(SendError):
    """The server refused this reply for good (5xx): retrying will not help."""


class Unreachable(SendError):
    """The server could not be reached or dropped the connection: an outage,
    not a verdict on the reply. Never counted towards giving up."""


class Transport:
    """One delivery channel, opened once per batch."""

    def send(self, mail_from: str, to: str, raw: bytes, name: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class OutboxFolder(Transport):
    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, mail_from: str, to: str, raw: bytes, name: str) -> None:
        try:
            atomic_write(self.path / f"{name}.eml", raw)
        except OSError as e:
            raise SendError(f"cannot write to outbox folder {self.path}: {e}") from e


class SmtpTransport(Transport):
    def __init__(self, config: SmtpConfig) -> None:
        self.client = _connect(config)

    def send(self, mail_from: str, to: str, raw: bytes, name: str) -> None:
        try:
            self.client.sendmail(mail_from, [to], raw)
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            _raise_for(code, text, e)
        except smtplib.SMTPResponseException as e:
            _raise_for(e.smtp_code, e.smtp_error, e)
        except (smtplib.SMTPServerDisconnected, OSError) as e:
            raise Unreachable(f"SMTP connection lost: {e}") from e
        except smtplib.SMTPException as e:
            raise SendError(f"SMTP send failed: {e}") from e

    def close(self) -> None:
        try:
            self.client.quit()
        except (smtplib.SMTPException, OSError):
            pass                    # the connection is gone; nothing to save


def _raise_for(code: int, text: bytes | str, cause: Exception) -> None:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    # RFC 5321 §4.2.1: 5yz is permanent, 4yz transient.
    cls = PermanentError if 500 <= code < 600 else SendError
    raise cls(f"SMTP server answered {code} {detail}") from cause


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if not config.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if config.tls:
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            if config.starttls:
                client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password)
        return client
    except smtplib.SMTPAuthenticationError as e:
        raise SendError(f"SMTP server {config.host} refused the login: use the mailbox's "
                        f"authorization code (授权码) as password ({e.smtp_code})") from e
    except (smtplib.SMTPException, OSError, socket.timeout) as e:
        raise Unreachable(f"cannot connect to SMTP server {config.host}:{config.port}: {e}") from e


def open_transport(config: SmtpConfig) -> Transport:
    if config.kind == "outbox":
        return OutboxFolder(config.path)
    return SmtpTransport(config)


def due(session: Session, now: datetime) -> list[Reply]:
    return list(session.scalars(
        select(Reply).where(or_(Reply.state == QUEUED,
                                (Reply.state == RETRY) & (Reply.next_attempt_at <= now)))
        .order_by(Reply.id)))


class Delivery(NamedTuple):
    sent: int
    failed: int
    error: str | None = None        # the last failure, for the outage log


def deliver_due(session: Session, config: SmtpConfig, now: datetime | None = None) -> Delivery:
    """Sends every due reply. Each outcome is committed at once, so a crash
    after a send repeats at most that one reply."""
    now = now or datetime.now(timezone.utc)
    replies = due(session, now)
    if not replies:
        return Delivery(0, 0)
    try:
        transport = open_transport(config)
    except SendError as e:
        for reply in replies:
            _failed(session, reply, e, now, config.max_attempts)
        log.info("replies not sent, will retry: %s", e)
        return Delivery(0, len(replies), str(e))
    try:
        return _send_all(session, transport, replies, config, now)
    finally:
        transport.close()


def _send_all(session: Session, transport: Transport, replies: list[Reply],
              config: SmtpConfig, now: datetime) -> Delivery:
    sent = failed = 0
    error = None
    for n, reply in enumerate(replies):
        try:
            transport.send(config.from_, reply.to_address, reply.raw, _file_name(reply))
        except Unreachable as e:
            for rest in replies[n:]:         # the connection is gone for all of them
                _failed(session, rest, e, now, config.max_attempts)
            return Delivery(sent, failed + len(replies) - n, str(e))
        except SendError as e:
            _failed(session, reply, e, now, config.max_attempts)
            failed, error = failed + 1, str(e)
            continue
        reply.state, reply.sent_at, reply.last_error = SENT, now, None
        reply.attempts += 1
        session.commit()
        sent += 1
    return Delivery(sent, failed, error)


def _failed(session: Session, reply: Reply, error: SendError, now: datetime,
            max_attempts: int) -> None:
    reply.attempts += 1
    reply.last_error = str(error)
    if isinstance(error, Unreachable):
        reply.state, reply.next_attempt_at = RETRY, now      # due again at the next poll
    elif isinstance(error, PermanentError):
        if reply.purpose != "digest":
            # A 5xx for this address: never mail it automatically again.
            suppress(session, reply.to_address, "refused", str(error), reply_pk=reply.id)
        reply.state, reply.next_attempt_at = GIVEN_UP, None
    else:
        reply.refusals = (reply.refusals or 0) + 1
        if reply.refusals >= max_attempts:
            reply.state, reply.next_attempt_at = GIVEN_UP, None
        else:
            wait = BACKOFF[min(reply.refusals - 1, len(BACKOFF) - 1)]
            reply.state, reply.next_attempt_at = RETRY, now + wait
    session.commit()


def _file_name(reply: Reply) -> str:
    return f"{reply.created_at:%Y%m%d-%H%M%S}-{reply.id:05d}-{reply.purpose}"
