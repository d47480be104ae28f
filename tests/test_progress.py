"""Progress of a long poll: a bar on a terminal, a few log lines otherwise."""
from __future__ import annotations

import io
import logging

from intake.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal():
    # GIVEN a terminal WHEN 50 of 50 messages are ingested THEN a bar ends at 50/50
    out = Tty()
    progress = Progress(out)
    for _ in range(50):
        progress.advance(50)
    progress.finish()
    assert out.getvalue().rstrip().endswith("[" + "#" * 30 + "] 50/50 messages")
    assert "\r" in out.getvalue()


def test_log_lines_when_not_on_a_terminal(caplog):
    # GIVEN no terminal WHEN 200 messages are ingested THEN about ten plain log lines, no bar
    out = io.StringIO()
    progress = Progress(out)
    with caplog.at_level(logging.WARNING, logger="intake.progress"):
        for _ in range(200):
            progress.advance(200)
        progress.finish()
    lines = [r.getMessage() for r in caplog.records]
    assert out.getvalue() == ""
    assert 10 <= len(lines) <= 11 and lines[-1] == "ingested 200 of 200 messages"


def test_a_few_messages_report_nothing():
    out = Tty()
    progress = Progress(out)
    for _ in range(3):
        progress.advance(3)
    progress.finish()
    assert out.getvalue() == ""
