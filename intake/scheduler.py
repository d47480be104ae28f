"""`intake run`: the poll every N minutes and the daily digest, on APScheduler 3."""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from intake.app import App
from intake.errors import IntakeError
from intake.pipeline import poll

log = logging.getLogger(__name__)


def poll_job(app: App) -> None:
    """The scheduled poll; an outage is logged and the next run tries again."""
    try:
        log.info("%s", poll(app).line())
    except IntakeError as e:
        log.error("poll failed, will try again at the next run: %s", e)


def digest_job(app: App) -> None:
    from intake.digest import send_digest
    try:
        send_digest(app)
    except IntakeError as e:
        log.error("digest not sent: %s", e)


def build_scheduler(app: App) -> BackgroundScheduler:
    tz = app.config.campaign.tz
    schedule = app.config.schedule
    scheduler = BackgroundScheduler(timezone=tz)
    # max_instances=1 + coalesce: a slow poll is never run twice at once, and
    # runs missed meanwhile collapse into one.
    scheduler.add_job(poll_job, IntervalTrigger(minutes=schedule.poll_every_minutes, timezone=tz),
                      args=[app], id="poll", max_instances=1, coalesce=True,
                      next_run_time=datetime.now(tz), misfire_grace_time=None)
    scheduler.add_job(digest_job, CronTrigger(hour=schedule.digest_at.hour,
                                              minute=schedule.digest_at.minute, timezone=tz),
                      args=[app], id="digest", max_instances=1, coalesce=True,
                      misfire_grace_time=3600)
    return scheduler


def run_forever(app: App, stop: threading.Event | None = None) -> None:
    """Runs until SIGTERM / SIGINT (or `stop` is set); a poll under way is
    allowed to finish, so nothing is left half-done."""
    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = build_scheduler(app)
    scheduler.start()
    log.warning("intake running: poll every %s min, digest at %s %s",
                app.config.schedule.poll_every_minutes, app.config.schedule.digest_at,
                app.config.campaign.timezone)
    stop.wait()
    log.warning("stopping: waiting for the running job to finish")
    scheduler.shutdown(wait=True)
