"""An idle `intake poll` answers without SQLAlchemy or the parsers, and only
when there is certainly nothing to do."""
from __future__ import annotations

import subprocess
import sys

import pytest

from builders.samples import samples
from run_cli import intake

pytestmark = pytest.mark.servers


def poll_loads_sqlalchemy(config) -> tuple[str, bool]:
    """Runs `intake poll`; returns its output and whether SQLAlchemy was imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "intake", "--config",
                           str(config), "poll"], capture_output=True, text=True, check=True)
    return proc.stdout, "sqlalchemy.orm" in proc.stderr


def test_idle_poll_takes_the_fast_path_and_work_takes_the_full_one(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once
    items = samples()
    dovecot.append(items[0].raw)
    intake("poll", config=live_config)
    # WHEN polled again with nothing new
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN it answers "0 new" without loading SQLAlchemy
    assert ": 0 new" in out and not heavy
    # WHEN a message arrives
    dovecot.append(items[1].raw)
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN the full poll runs and takes it
    assert ": 1 new" in out and heavy
    assert len(smtp_sink.received) == 2


def test_a_reply_waiting_for_smtp_is_never_skipped(dovecot, smtp_sink, live_config):
    # GIVEN a reply left waiting because SMTP was down
    dovecot.append(samples()[0].raw)
    smtp_sink.stop()
    intake("poll", config=live_config)
    smtp_sink.start()
    # WHEN polled with no new mail
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN the full poll runs and sends it
    assert heavy and "1 sent" in out
    assert len(smtp_sink.received) == 1


def test_a_uidvalidity_change_is_left_to_the_full_poll(dovecot, smtp_sink, live_config):
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    dovecot.recreate_inbox_with_same_messages()
    out, heavy = poll_loads_sqlalchemy(live_config)
    assert heavy and ": 0 new" in out and len(smtp_sink.received) == 1
