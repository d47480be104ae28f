"""An idle `intake poll` answers without SQLAlchemy or the parsers, and only
when there is certainly nothing to do."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders.samples import samples
from conftest import write_config
from intake.launch import idle_poll_request
from run_cli import intake
from servers import Dovecot

pytestmark = pytest.mark.servers


def poll_loads_sqlalchemy(config) -> tuple[str, bool]:
    """Runs `intake poll`; returns its output and whether SQLAlchemy was imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "intake", "--config",
                           str(config), "poll"], capture_output=True, text=True, check=True)
    return proc.stdout, "sqlalchemy.orm" in proc.stderr


def test_idle_poll_takes_the_fast_path_and_work_takes_the_full_one(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once
    items = samples()
    dovecot.append(items[0].raw)
    intake("poll", config=live_config)
    # WHEN polled again with nothing new
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN it answers "0 new" without loading SQLAlchemy
    assert ": 0 new" in out and not heavy
    # WHEN a message arrives
    dovecot.append(items[1].raw)
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN the full poll runs and takes it
    assert ": 1 new" in out and heavy
    assert len(smtp_sink.received) == 2


def test_a_reply_waiting_for_smtp_is_never_skipped(dovecot, smtp_sink, live_config):
    # GIVEN a reply left waiting because SMTP was down
    dovecot.append(samples()[0].raw)
    smtp_sink.stop()
    intake("poll", config=live_config)
    smtp_sink.start()
    # WHEN polled with no new mail
    out, heavy = poll_loads_sqlalchemy(live_config)
    # THEN the full poll runs and sends it
    assert heavy and "1 sent" in out
    assert len(smtp_sink.received) == 1


def test_a_uidvalidity_change_is_left_to_the_full_poll(dovecot, smtp_sink, live_config):
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    dovecot.recreate_inbox_with_same_messages()
    out, heavy = poll_loads_sqlalchemy(live_config)
    assert heavy and ": 0 new" in out and len(smtp_sink.received) == 1


# ------------------------------------------------------------ what it loads

HEAVY = ("sqlalchemy", "click", "imapclient", "imaplib", "yaml", "docx", "PIL")


def loaded_by_idle_poll(config, env: dict | None = None) -> tuple[str, set[str]]:
    """`intake poll`'s output, and which of HEAVY it imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "intake", "--config",
                           str(config), "poll"], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()}
    return proc.stdout, {name for name in HEAVY if name in names}


def test_an_idle_poll_loads_none_of_the_heavy_libraries(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once (the config file is parsed and cached then)
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    # WHEN polled again with nothing new
    out, heavy = loaded_by_idle_poll(live_config)
    # THEN not one of them was imported, not even the YAML parser
    assert ": 0 new" in out and heavy == set()


def test_the_idle_check_sends_id_after_login(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    before = dovecot.log_path.read_text(errors="replace").count("ID sent")
    # WHEN the idle check logs in
    assert ": 0 new" in intake("poll", config=live_config).stdout
    # THEN it too sent ID (RFC 2971; 163.com refuses EXAMINE without it)
    log = dovecot.log_path.read_text(errors="replace")
    assert log.count("ID sent") == before + 1 and "case-intake" in log


def test_a_refused_login_is_one_line_and_is_not_tried_twice(dovecot, smtp_sink, live_config):
    # GIVEN a mailbox polled once, so the next poll starts with the idle check
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    before = _failed_logins(dovecot)
    # WHEN the password is wrong
    proc = intake("poll", config=live_config, check=False, env={"TEST_IMAP_PASSWORD": "wrong"})
    # THEN one clear line, exit 1, and the server saw a single failed login
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "refused the login" in proc.stderr and "wrong" not in proc.stderr
    assert _failed_logins(dovecot) == before + 1


def test_an_unreachable_server_is_one_line(dovecot, smtp_sink, live_config):
    dovecot.append(samples()[0].raw)
    intake("poll", config=live_config)
    dovecot.stop()
    proc = intake("poll", config=live_config, check=False)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("intake: cannot connect to IMAP server 127.0.0.1:")


def test_a_password_with_quotes_and_backslashes(tmp_path, smtp_sink):
    # GIVEN an account whose password needs escaping in a quoted string (RFC 3501 §4.3)
    password = 'a"b\\c d'
    with Dovecot(tmp_path / "server", password=password) as server:
        server.append(samples()[0].raw)
        config = write_config(
            tmp_path, mailbox={"kind": "imap", "host": server.host, "port": server.port,
                               "tls": False, "username": server.user,
                               "password": "${ODD_PASSWORD}"},
            smtp={"kind": "outbox", "path": str(tmp_path / "outbox")})
        env = {"ODD_PASSWORD": password}
        assert ": 1 new" in intake("poll", config=config, env=env).stdout
        # WHEN the idle check logs in with it
        out, heavy = loaded_by_idle_poll(config, env)
        # THEN it logged in, found nothing new, and needed no full poll
        assert ": 0 new" in out and "sqlalchemy" not in heavy


def test_a_folder_name_that_needs_quoting_goes_to_the_full_poll(dovecot, smtp_sink, tmp_path):
    # GIVEN mail in a folder whose name is not an IMAP atom
    folder = "案例 征集"
    dovecot.create_folder(folder)
    dovecot.append(samples()[0].raw, folder=folder)
    config = write_config(
        tmp_path, mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port,
                           "tls": False, "username": dovecot.user,
                           "password": "${TEST_IMAP_PASSWORD}", "folder": folder},
        smtp={"kind": "outbox", "path": str(tmp_path / "outbox")})
    assert ": 1 new" in intake("poll", config=config).stdout
    # WHEN polled again
    out, heavy = loaded_by_idle_poll(config)
    # THEN the full poll (imapclient, modified UTF-7) answers, correctly
    assert ": 0 new" in out and "imapclient" in heavy


def _failed_logins(server: Dovecot) -> int:
    # Dovecot logs each refused LOGIN as "auth failed" when the client leaves.
    return server.log_path.read_text(errors="replace").count("auth failed")


@pytest.mark.parametrize("args, request_", [
    (["poll"], (None,)),
    (["--config", "c.yaml", "poll"], (Path("c.yaml"),)),
    (["--config=c.yaml", "poll"], (Path("c.yaml"),)),
    (["-v", "poll"], None),                      # verbose: the full poll logs each step
    (["poll", "--help"], None),
    (["--config", "poll"], None),
    (["--config=", "poll"], None),
    (["list"], None),
    ([], None),
])
def test_only_a_plain_poll_is_offered_to_the_idle_check(args, request_):
    assert idle_poll_request(args) == request_


def test_a_bug_in_the_idle_check_hands_over_to_the_full_poll(monkeypatch, tmp_path):
    # GIVEN an idle check that fails in a way nobody planned for
    import intake.cli
    import intake.idle
    config = tmp_path / "config.yaml"
    config.write_text("mailbox:\n  kind: maildir\n  path: box\n", encoding="utf-8")

    def broken(_config):
        raise RuntimeError("a bug")
    ran = []
    monkeypatch.setattr(intake.idle, "nothing_to_do", broken)
    monkeypatch.setattr(intake.cli, "main", lambda: ran.append("full poll"))
    monkeypatch.setattr(sys, "argv", ["intake", "--config", str(config), "poll"])
    # WHEN `intake poll` starts
    from intake.launch import main
    main()
    # THEN the full poll still runs
    assert ran == ["full poll"]
