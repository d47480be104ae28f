"""Config in layers: defaults, then the file, then overrides; ${VAR} from the
environment; every mistake is one line naming it, exit 2."""
from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from intake import config as config_mod
from intake.errors import ConfigError
from run_cli import intake

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_the_embedded_default():
    # GIVEN the shipped config.yaml WHEN loaded THEN it reads the bundled Maildir into var/
    config = config_mod.load(REPO / "config.yaml", environ={})
    assert config.mailbox.kind == "maildir" and config.mailbox.path == REPO / "examples" / "mailbox"
    assert config.smtp.kind == "outbox" and config.smtp.path == REPO / "var" / "outbox"
    assert config.database.url == f"sqlite:///{REPO / 'var' / 'intake.db'}"
    assert config.campaign.address == "lsw_mecc@163.com"
    assert config.campaign.deadline == datetime.fromisoformat("2022-02-28T23:59:59+08:00")
    assert config.schedule.digest_at == time(8, 30)


def test_file_overrides_defaults_and_overrides_win(tmp_path):
    # GIVEN a file that sets a few keys, and a test override
    path = write(tmp_path, "campaign:\n  subject_prefix: 测试征集\nschedule:\n  poll_every_minutes: 2\n")
    # WHEN loaded with an override
    config = config_mod.load(path, overrides={"schedule": {"poll_every_minutes": 1}}, environ={})
    # THEN the file beats the defaults and the override beats the file
    assert config.campaign.subject_prefix == "测试征集"
    assert config.campaign.address == "lsw_mecc@163.com"
    assert config.schedule.poll_every_minutes == 1


def test_secrets_come_from_the_environment(tmp_path):
    path = write(tmp_path, "mailbox:\n  kind: imap\n  host: imap.163.com\n  password: ${PW}\n")
    config = config_mod.load(path, environ={"PW": "授权码123"})
    assert config.mailbox.password == "授权码123"


@pytest.mark.parametrize("text, named", [
    ("mailbox:\n  password: ${NOT_SET_ANYWHERE}\n", "NOT_SET_ANYWHERE"),
    ("mailbox:\n  hots: imap.163.com\n", "mailbox.hots"),
    ("campain:\n  address: x@y.cn\n", "campain"),
    ("mailbox:\n  kind: pop3\n", "mailbox.kind"),
    ("campaign:\n  deadline: 2022-02-28\n", "deadline"),
    ("mailbox:\n  kind: imap\n  host: imap.163.com\n  tls: false\n", "loopback"),
])
def test_a_mistake_is_one_line_naming_it_exit_2(tmp_path, text, named):
    # GIVEN a config with one mistake
    path = write(tmp_path, text)
    # WHEN any command runs
    proc = intake("poll", config=path, check=False)
    # THEN it exits 2 with one line that names the culprit
    assert proc.returncode == 2
    assert named in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_intake_config_variable_picks_the_file(tmp_path):
    path = write(tmp_path, "mailbox:\n  kind: maildir\n  path: nowhere\n")
    proc = intake("poll", check=False, env={"INTAKE_CONFIG": str(path)})
    assert proc.returncode == 1 and "is not a Maildir" in proc.stderr
    assert str(tmp_path / "nowhere") in proc.stderr      # relative to the config file


def test_tls_may_be_off_only_for_loopback(tmp_path):
    path = write(tmp_path, "mailbox:\n  kind: imap\n  host: 127.0.0.1\n  tls: false\n")
    assert config_mod.load(path, environ={}).mailbox.tls is False
    with pytest.raises(ConfigError, match="certificate verification"):
        config_mod.load(write(tmp_path, "smtp:\n  kind: smtp\n  host: smtp.163.com\n"
                                        "  verify_tls: false\n"), environ={})
