"""The outbox against a real aiosmtpd server: 4xx retries with backoff, 5xx gives up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import write_config
from db.models import GIVEN_UP, RETRY, SENT, Reply
from intake import config as config_mod
from intake.app import App
from intake.sender import deliver_due

pytestmark = pytest.mark.servers
NOW = datetime(2022, 2, 20, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(tmp_path: Path, smtp_sink) -> App:
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(tmp_path)},
                        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port,
                              "tls": False, "timeout": 5, "max_attempts": 3})
    app = App.from_config(config_mod.load(path))
    yield app
    app.close()


def queue(app: App, n: int = 1) -> None:
    with app.sessions() as session:
        for i in range(n):
            session.add(Reply(purpose="accepted", to_address=f"p{i}@example.com", subject="s",
                              message_id=f"<r{i}@163.com>", raw=b"Subject: s\r\n\r\nhi\r\n",
                              created_at=NOW))
        session.commit()


def states(app: App) -> list[tuple[str, int]]:
    with app.sessions() as session:
        return [(r.state, r.attempts) for r in session.scalars(select(Reply).order_by(Reply.id))]


def test_transient_refusal_backs_off_then_sends(app, smtp_sink):
    # GIVEN a queued reply and a server answering 451
    queue(app)
    smtp_sink.fail_with = "451 4.3.0 try again later"
    # WHEN delivered twice in a row
    with app.sessions() as session:
        assert deliver_due(session, app.config.smtp, NOW)[:2] == (0, 1)
        assert deliver_due(session, app.config.smtp, NOW)[:2] == (0, 1)   # first retry: next poll
        # THEN the second failure waits a while before the third try
        reply = session.scalar(select(Reply))
        assert reply.state == RETRY and reply.next_attempt_at == NOW + timedelta(minutes=1)
        assert deliver_due(session, app.config.smtp, NOW)[:2] == (0, 0)
    # WHEN the server accepts again, after the backoff
    smtp_sink.fail_with = None
    with app.sessions() as session:
        assert deliver_due(session, app.config.smtp, NOW + timedelta(minutes=2))[:2] == (1, 0)
    assert states(app) == [(SENT, 3)] and len(smtp_sink.received) == 1


def test_permanent_refusal_gives_up_at_once(app, smtp_sink):
    # GIVEN a server that refuses the recipient for good
    queue(app)
    smtp_sink.fail_with, smtp_sink.fail_at = "550 5.1.1 no such user", "RCPT"
    # WHEN delivered THEN the reply is given up, not retried forever
    with app.sessions() as session:
        deliver_due(session, app.config.smtp, NOW)
        assert deliver_due(session, app.config.smtp, NOW + timedelta(days=1))[:2] == (0, 0)
        assert "550" in session.scalar(select(Reply)).last_error
    assert states(app) == [(GIVEN_UP, 1)]


def test_refusals_are_bounded_but_an_unreachable_server_never_drops_a_reply(app, smtp_sink):
    # GIVEN two replies and a server that is down for days
    queue(app, 2)
    smtp_sink.stop()
    # WHEN delivery is tried far apart, more often than max_attempts (3)
    for day in range(5):
        with app.sessions() as session:
            deliver_due(session, app.config.smtp, NOW + timedelta(days=day))
    # THEN both still wait: an outage is no reason to give a reply up
    assert states(app) == [(RETRY, 5), (RETRY, 5)]
    # WHEN the server is back but keeps answering 4xx
    smtp_sink.start()
    smtp_sink.fail_with = "452 4.2.2 mailbox full"
    for day in range(5, 10):
        with app.sessions() as session:
            deliver_due(session, app.config.smtp, NOW + timedelta(days=day))
    # THEN each reply is given up after max_attempts refusals
    assert states(app) == [(GIVEN_UP, 8), (GIVEN_UP, 8)]


@pytest.mark.parametrize("mode", ["tls", "starttls"])
def test_replies_go_over_implicit_tls_and_starttls(tmp_path: Path, mode: str):
    # GIVEN an SMTP server that speaks only TLS (SMTPS) or requires STARTTLS
    from servers import SmtpSink, self_signed_context
    context = self_signed_context(tmp_path)
    sink = SmtpSink(**{mode: context})
    sink.start()
    try:
        path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(tmp_path)},
                            smtp={"kind": "smtp", "host": sink.host, "port": sink.port,
                                  "tls": mode == "tls", "starttls": mode == "starttls",
                                  # a self-signed test certificate: loopback only
                                  "verify_tls": False, "timeout": 5})
        app = App.from_config(config_mod.load(path))
        queue(app)
        # WHEN the outbox is delivered
        with app.sessions() as session:
            assert deliver_due(session, app.config.smtp, NOW)[:2] == (1, 0)
        app.close()
    finally:
        sink.stop()
    # THEN the server received the reply over the encrypted channel
    assert len(sink.received) == 1
