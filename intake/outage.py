"""An outage (mailbox or SMTP server down) is logged once when it starts and
once when it ends, and the work that needs it backs off meanwhile."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("intake.outage")


class Outage:
    """Tracks consecutive failures of one dependency, e.g. "IMAP server"."""

    def __init__(self, name: str, interval: float, cap: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name, self.interval, self.cap, self.clock = name, interval, cap, clock
        self.failures = 0
        self.next_try = 0.0
        self.last_error = ""

    def due(self) -> bool:
        """Whether to try now: always when healthy, after the backoff otherwise."""
        return self.clock() >= self.next_try

    def failed(self, error: object) -> None:
        self.failures += 1
        text = str(error)
        if self.failures == 1 or _kind(text) != _kind(self.last_error):
            log.error("%s unavailable: %s (retrying with backoff; logged once)", self.name, text)
        else:
            log.debug("%s still unavailable (%d attempts): %s", self.name, self.failures, text)
        self.last_error = text
        # Wait 1, 2, 4 … scheduled intervals, at most `cap`; half an interval of
        # slack so that the scheduled run at the end of the wait qualifies.
        wait = min(self.interval * 2 ** (self.failures - 1), self.cap)
        self.next_try = self.clock() + wait - self.interval / 2

    def succeeded(self) -> None:
        if self.failures:
            log.warning("%s back after %d failed attempts", self.name, self.failures)
        self.failures, self.next_try, self.last_error = 0, 0.0, ""


def _kind(text: str) -> str:
    """The error without its details, so a changed cause is logged again."""
    return text.split(":", 1)[0]
