"""Outages: the IMAP server going away mid-fetch, SMTP timing out, SQLite
busy, and `intake run` riding them out by itself with nothing lost."""
from __future__ import annotations

import logging
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from builders.samples import mail, form, samples
from conftest import write_config
from db.models import Message, Reply
from intake import config as config_mod
from intake.app import App
from intake.errors import MailboxError, StorageError
from intake.outage import Outage
from intake.pipeline import poll
from intake.progress import Progress
from intake.sender import deliver_due

pytestmark = pytest.mark.servers


def submissions(n: int, start: int = 100) -> list[bytes]:
    return [mail(start + i, f"碳排放管理案例征集+案例{start + i}", f"u{start + i}@example.com",
                 files=[form(case_name=f"案例{start + i}")]).as_bytes() for i in range(n)]


def live_app(tmp_path: Path, dovecot, smtp_sink, **sections) -> App:
    path = write_config(
        tmp_path, mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port,
                           "tls": False, "username": dovecot.user, "password": dovecot.password,
                           "batch_size": 5, "timeout": 5},
        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port, "tls": False,
              "timeout": 5}, **sections)
    return App.from_config(config_mod.load(path))


class StopServerAfter(Progress):
    """Stops the IMAP server once `n` messages are in: an outage mid-fetch."""

    def __init__(self, server, n: int) -> None:
        super().__init__()
        self.server, self.n = server, n

    def advance(self, total: int) -> None:
        super().advance(total)
        if self.done == self.n:
            self.server.stop()


def message_count(app: App) -> int:
    with app.sessions() as session:
        return len(session.scalars(select(Message.id)).all())


def test_imap_server_stopping_mid_fetch_loses_and_repeats_nothing(tmp_path, dovecot, smtp_sink):
    # GIVEN 30 submissions, and an IMAP server that dies after 8 are ingested
    dovecot.append_many(submissions(30))
    app = live_app(tmp_path, dovecot, smtp_sink)
    with pytest.raises(MailboxError):
        poll(app, progress=StopServerAfter(dovecot, 8))
    # THEN what was ingested is kept, and its replies went out regardless
    assert 8 <= message_count(app) < 30
    assert len(smtp_sink.received) == message_count(app)
    # WHEN the server is back and the next poll runs
    dovecot.start()
    poll(app)
    # THEN every message is there exactly once, each answered exactly once
    assert message_count(app) == 30
    assert sorted(m["In-Reply-To"] for m in smtp_sink.messages()) == \
        sorted(f"<sample-{100 + i:03d}@example.com>" for i in range(30))
    app.close()


def test_smtp_server_that_never_answers_times_out_and_the_reply_waits(tmp_path, dovecot, smtp_sink):
    # GIVEN an SMTP "server" that accepts connections and then says nothing
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(tmp_path)},
                        smtp={"kind": "smtp", "host": "127.0.0.1", "port": silent.getsockname()[1],
                              "tls": False, "timeout": 1})
    app = App.from_config(config_mod.load(path))
    with app.sessions() as session:
        session.add(Reply(purpose="accepted", to_address="a@example.com", subject="s",
                          message_id="<t@163.com>", raw=b"Subject: s\r\n\r\nx\r\n",
                          created_at=datetime.now(timezone.utc)))
        session.commit()
        # WHEN the outbox is delivered
        started = time.monotonic()
        delivery = deliver_due(session, app.config.smtp)
        # THEN it gives up on the connection after the timeout, and the reply waits
        assert time.monotonic() - started < 10
        assert delivery.failed == 1 and "timed out" in delivery.error
        assert session.scalar(select(Reply)).state == "failed"
    silent.close()
    app.close()


def test_sqlite_busy_waits_for_the_lock_then_fails_clearly(tmp_path):
    # GIVEN the demo mailbox and another process holding the database's write lock
    repo = Path(__file__).resolve().parents[1]
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(repo / "examples/mailbox")},
                        smtp={"kind": "outbox", "path": str(tmp_path / "out")},
                        database={"url": f"sqlite:///{tmp_path / 'intake.db'}",
                                  "busy_timeout_seconds": 1})
    app = App.from_config(config_mod.load(path))
    locker = sqlite3.connect(tmp_path / "intake.db", isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    # WHEN a poll runs while the lock is held past the timeout
    with pytest.raises(StorageError, match="database is locked"):
        poll(app)
    # AND WHEN the lock is released shortly after a poll has started waiting
    threading.Timer(0.5, lambda: locker.execute("COMMIT")).start()
    app2 = App.from_config(config_mod.load(path, overrides={"database": {"busy_timeout_seconds": 10}}))
    summary = poll(app2)
    # THEN the poll waited and did its work, with nothing lost from the failed one
    assert summary.new == 20 and message_count(app2) == 20
    locker.close()
    app.close()
    app2.close()


def test_outage_is_logged_once_backs_off_and_logs_recovery(caplog):
    # GIVEN a dependency polled every 60 s, and a clock we control
    now = [0.0]
    outage = Outage("mailbox", 60, cap=600, clock=lambda: now[0])
    tried = []
    with caplog.at_level(logging.DEBUG, logger="intake.outage"):
        # WHEN it fails at every scheduled run for an hour
        for minute in range(60):
            now[0] = minute * 60.0
            if outage.due():
                tried.append(minute)
                outage.failed(MailboxError("cannot connect to IMAP server: refused"))
        outage.succeeded()
    # THEN it was tried at growing intervals (1, 2, 4, 8, then every 10 min)
    assert tried == [0, 1, 3, 7, 15, 25, 35, 45, 55]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "unavailable" in errors[0].getMessage()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == \
        ["mailbox back after 9 failed attempts"]
    assert outage.due()


def test_intake_run_rides_out_an_imap_outage_by_itself(tmp_path, dovecot, smtp_sink):
    # GIVEN `intake run` polling every 2 seconds
    path = write_config(
        tmp_path, mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port, "tls": False,
                           "username": dovecot.user, "password": dovecot.password, "timeout": 5},
        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port, "tls": False},
        schedule={"poll_every_minutes": 2 / 60})
    dovecot.append_many(submissions(3))
    proc = subprocess.Popen([sys.executable, "-m", "intake", "--config", str(path), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(smtp_sink.received) == 3)
        # WHEN the IMAP server is down for a while and mail arrives meanwhile
        dovecot.stop()
        time.sleep(7)
        dovecot.start()
        dovecot.append_many(submissions(2, start=200))
        # THEN the service recovers by itself and answers the new mail
        wait_for(lambda: len(smtp_sink.received) == 5, timeout=40)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert err.count("mailbox unavailable") == 1, err
    assert "mailbox back after" in err


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.2)


def test_intake_run_rides_out_an_smtp_outage_by_itself(tmp_path, dovecot, smtp_sink):
    # GIVEN `intake run` polling every 2 seconds, and the SMTP server down
    path = write_config(
        tmp_path, mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port, "tls": False,
                           "username": dovecot.user, "password": dovecot.password, "timeout": 5},
        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port, "tls": False,
              "timeout": 3},
        schedule={"poll_every_minutes": 2 / 60})
    smtp_sink.stop()
    dovecot.append_many(submissions(3))
    proc = subprocess.Popen([sys.executable, "-m", "intake", "--config", str(path), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # WHEN mail is ingested while SMTP is down, and SMTP comes back later
        time.sleep(6)
        smtp_sink.start()
        # THEN the replies go out by themselves, each once
        wait_for(lambda: len(smtp_sink.received) == 3, timeout=40)
        time.sleep(3)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert sorted(m["In-Reply-To"] for m in smtp_sink.messages()) == \
        sorted(f"<sample-{100 + i:03d}@example.com>" for i in range(3))
    assert err.count("SMTP server unavailable") == 1, err
    assert "SMTP server back after" in err
