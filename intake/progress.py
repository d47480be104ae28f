"""Progress of a long poll: a bar on a terminal, plain log lines otherwise."""
from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

log = logging.getLogger("intake.progress")


class Progress:
    """Counts ingested messages out of `total` (known once the source has
    searched); draws at most ten times a second, logs at most every 10 %."""

    def __init__(self, stream: TextIO | None = None, min_total: int = 20) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.min_total = min_total
        self.total = self.done = 0
        self._last_draw = 0.0
        self._last_logged = -1

    def advance(self, total: int) -> None:
        self.total, self.done = max(total, self.done + 1), self.done + 1
        if self.total < self.min_total:
            return                       # a few messages need no progress report
        if self.tty:
            self._draw()
        else:
            self._log()

    def finish(self) -> None:
        if self.tty and self.total >= self.min_total:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1 and self.done < self.total:
            return
        self._last_draw = now
        filled = int(30 * self.done / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} messages")
        self.stream.flush()

    def _log(self) -> None:
        tenth = 10 * self.done // self.total
        if tenth != self._last_logged:
            self._last_logged = tenth
            log.warning("ingested %d of %d messages", self.done, self.total)
