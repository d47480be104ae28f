"""`intake run`: polls at once and on schedule, digest at digest_at in the
campaign's time zone, and a clean stop on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import write_config
from intake import config as config_mod
from intake.app import App
from intake.scheduler import build_scheduler

REPO = Path(__file__).resolve().parents[1]


def test_jobs_are_scheduled_in_the_campaign_timezone(tmp_path):
    # GIVEN a config with a digest at 08:30 Beijing time
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(REPO / "examples/mailbox")},
                        smtp={"kind": "outbox", "path": str(tmp_path / "out")},
                        schedule={"poll_every_minutes": 3, "digest_at": "08:30"})
    app = App.from_config(config_mod.load(path))
    # WHEN the scheduler is built
    scheduler = build_scheduler(app)
    scheduler.start(paused=True)
    try:
        poll, digest = scheduler.get_job("poll"), scheduler.get_job("digest")
        # THEN the poll is never run twice at once, and the digest fires at 08:30 Asia/Shanghai
        assert poll.max_instances == 1 and poll.coalesce
        assert poll.trigger.interval.total_seconds() == 180
        fire = digest.trigger.get_next_fire_time(None, datetime(2022, 2, 20, 1, 0, tzinfo=timezone.utc))
        assert fire.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M") == "08:30"
        assert fire.astimezone(timezone.utc).hour == 0
    finally:
        scheduler.shutdown(wait=False)
        app.close()


def test_run_polls_at_once_and_stops_cleanly_on_sigterm(tmp_path):
    # GIVEN the service started on the demo Maildir
    path = write_config(tmp_path, mailbox={"kind": "maildir", "path": str(REPO / "examples/mailbox")},
                        smtp={"kind": "outbox", "path": str(tmp_path / "out")})
    proc = subprocess.Popen([sys.executable, "-m", "intake", "--config", str(path), "-v", "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # WHEN the first poll has answered the mail
        deadline = time.monotonic() + 60
        while len(list((tmp_path / "out").glob("*.eml"))) < 14 and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    # THEN it ran the poll at start, and stopped on SIGTERM with exit 0
    assert len(list((tmp_path / "out").glob("*.eml"))) == 14
    assert proc.returncode == 0, err
    assert "stopping" in err and "20 new" in err
