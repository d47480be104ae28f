"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

# tests/ has no __init__.py: pytest (prepend import mode) puts tests/ on sys.path.
from servers import DOVECOT_BIN, Dovecot, SmtpSink, dovecot_available


def _missing(reason: str) -> None:
    """Skip locally; in CI (CI=true) a missing server is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    """A fresh, started Dovecot IMAP server on loopback."""
    if not dovecot_available():
        _missing(f"dovecot not found at {DOVECOT_BIN} (apt-get install dovecot-imapd)")
    server = Dovecot(tmp_path / "dovecot")
    try:  # close() also runs if start() fails half-way
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A fresh, started aiosmtpd sink on loopback."""
    sink = SmtpSink()
    try:
        sink.start()
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def corpora_dir() -> Path:
    """../shared/corpora beside the checkout."""
    path = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    if not path.is_dir():
        pytest.skip(f"no corpora directory at {path} (expected ../shared/corpora)")
    return path
