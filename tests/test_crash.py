"""The crash harness, short: SIGKILL the poller mid-ingest and check that
nothing is lost or doubled. The full run: `make crash` (100 mails, 25 kills)."""
from __future__ import annotations

import pytest

from bench.crash_harness import run

pytestmark = pytest.mark.servers


def test_killed_polls_lose_nothing_and_double_nothing(tmp_path, dovecot):
    # dovecot fixture only to skip/fail like every server test; the harness starts its own.
    # GIVEN 30 mails arriving in waves WHEN the poller is SIGKILLed 6 times at random moments
    report = run(tmp_path, n=30, kills=6, seed=7)
    # THEN every mail is one whole row, processed, each attempt answered
    assert report.kills == 6
    assert (report.lost, report.duplicated_rows, report.not_processed) == (0, 0, 0)
    assert report.broken_files == 0
    assert report.attempts_without_reply_row == 0 and report.attempts_never_received == 0
    assert report.ignored_answered == 0
    # AND a reply is doubled only where a kill fell right after the SMTP server took it
    assert report.double_replies <= report.kills
