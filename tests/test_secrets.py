"""Secrets are never logged nor stored."""
from __future__ import annotations

from pathlib import Path

import pytest

from builders.samples import samples
from run_cli import intake

pytestmark = pytest.mark.servers


def test_password_is_neither_logged_nor_stored(tmp_path: Path, dovecot, smtp_sink, live_config):
    # GIVEN a mailbox whose password reaches the config through ${VAR}
    for s in samples()[:3]:
        dovecot.append(s.raw)
    # WHEN polled verbosely, and once with a wrong password
    ok = intake("-v", "poll", config=live_config)
    bad = intake("-v", "poll", config=live_config, check=False,
                 env={"TEST_IMAP_PASSWORD": "Wr0ngSecret!"})
    # THEN neither password appears in any output, the database or the stored files
    assert bad.returncode == 1
    for text in (ok.stdout, ok.stderr, bad.stdout, bad.stderr):
        assert dovecot.password not in text and "Wr0ngSecret!" not in text
    for path in tmp_path.rglob("*"):
        if path.is_file() and "dovecot" not in path.parts:
            data = path.read_bytes()
            assert dovecot.password.encode() not in data and b"Wr0ngSecret!" not in data, path
