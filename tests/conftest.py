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


def write_config(tmp_path: Path, mailbox: dict, smtp: dict, **sections: dict) -> Path:
    """A config file for one test: its own database and storage in tmp_path."""
    import yaml
    data = {
        "mailbox": mailbox,
        "smtp": {"from": "lsw_mecc@163.com", **smtp},
        "database": {"url": f"sqlite:///{tmp_path / 'intake.db'}"},
        "storage": {"path": str(tmp_path / "var")},
        **sections,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def live_config(tmp_path: Path, dovecot: Dovecot, smtp_sink: SmtpSink) -> Path:
    """Config for the real loopback Dovecot and aiosmtpd (TLS off: loopback only)."""
    return write_config(
        tmp_path,
        mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port, "tls": False,
                 "username": dovecot.user, "password": "${TEST_IMAP_PASSWORD}",
                 "batch_size": 7},
        smtp={"kind": "smtp", "host": smtp_sink.host, "port": smtp_sink.port,
              "tls": False, "starttls": False, "timeout": 5})


@pytest.fixture(autouse=True)
def _test_password(monkeypatch: pytest.MonkeyPatch) -> None:
    # The password reaches the config through ${VAR}, as in production.
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "secret")


@pytest.fixture(autouse=True)
def _config_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Parsed config files are cached (intake.configfile) in a folder of the
    test's own, never in the home folder of whoever runs the tests."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder
