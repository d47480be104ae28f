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
from intake.outage import Outage
from intake.pipeline import PollBusy, poll

log = logging.getLogger(__name__)


class PollJob:
    """The scheduled poll. A mailbox, database or SMTP outage is logged once,
    polls back off while it lasts, and the schedule itself never stops."""

    def __init__(self, app: App) -> None:
        self.app = app
        interval = app.config.schedule.poll_every_minutes * 60
        self.mailbox = Outage("mailbox", interval)
        self.smtp = Outage("SMTP server", interval)

    def __call__(self) -> None:
        if not self.mailbox.due():
            return
        deliver = self.smtp.due()
        try:
            summary = poll(self.app, deliver=deliver)
        except PollBusy as e:
            log.info("%s", e)
            return
        except IntakeError as e:
            self.mailbox.failed(e)
            return
        self.mailbox.succeeded()
        if summary.send_error:
            self.smtp.failed(summary.send_error)
        elif deliver:
            self.smtp.succeeded()
        if summary.new or summary.replies_sent:
            log.warning("%s", summary.line())


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
    scheduler.add_job(PollJob(app), IntervalTrigger(minutes=schedule.poll_every_minutes, timezone=tz),
                      id="poll", max_instances=1, coalesce=True,
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
