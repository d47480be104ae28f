"""The parsed config file is cached like a .pyc: used only while the file
holds exactly the text it came from, never holding a secret from the
environment, and never in the way when it cannot be written or read."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from intake import config as config_mod
from intake.configfile import read_document
from intake.errors import ConfigError

CONFIG = """\
campaign:
  deadline: 2022-02-28T23:59:59+08:00     # unquoted: a YAML timestamp
mailbox:
  kind: imap
  host: 127.0.0.1
  tls: false
  password: ${CACHE_TEST_SECRET}
schedule:
  digest_at: 08:30                        # YAML 1.1 reads 510 (sexagesimal)
"""


def cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "case-intake").glob("*.json"))


def yaml_imported_loading(path: Path) -> bool:
    """Loads `path` in a fresh interpreter; whether PyYAML was imported."""
    code = ("import sys; from pathlib import Path; from intake import config; "
            f"config.load(Path({str(path)!r})); print('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "CACHE_TEST_SECRET": "s3cr3t"}).stdout
    return out.strip() == "True"


def test_the_second_load_does_not_parse_yaml_and_gives_the_same_config(tmp_path, _config_cache):
    # GIVEN a config file never read before
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    # WHEN it is loaded twice, each time by a new process
    first, second = yaml_imported_loading(path), yaml_imported_loading(path)
    # THEN only the first parsed YAML, and both read the same values
    assert first is True and second is False
    environ = {"CACHE_TEST_SECRET": "s3cr3t"}
    cached = config_mod.load(path, environ=environ)
    assert cached.campaign.deadline == datetime(2022, 2, 28, 23, 59, 59,
                                                tzinfo=timezone(timedelta(hours=8)))
    assert cached.campaign.deadline.utcoffset() == timedelta(hours=8)
    assert cached.schedule.digest_at.hour == 8 and cached.schedule.digest_at.minute == 30
    assert len(cache_files(_config_cache)) == 1


def test_the_cache_keeps_the_text_as_written_not_the_secret(tmp_path, _config_cache):
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    config_mod.load(path, environ={"CACHE_TEST_SECRET": "s3cr3t"})
    [cache] = cache_files(_config_cache)
    text = cache.read_text(encoding="utf-8")
    assert "${CACHE_TEST_SECRET}" in text and "s3cr3t" not in text
    assert cache.stat().st_mode & 0o077 == 0        # the file as written may hold one


def test_an_edit_is_seen_at_once_even_with_the_same_size_and_time(tmp_path):
    # GIVEN a config read (and cached) once
    path = tmp_path / "config.yaml"
    path.write_text("replies:\n  max_per_sender_per_day: 5\n", encoding="utf-8")
    stat = path.stat()
    assert config_mod.load(path, environ={}).replies.max_per_sender_per_day == 5
    # WHEN one character changes, and size and modification time are put back
    path.write_text("replies:\n  max_per_sender_per_day: 7\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # THEN the new value is read
    assert config_mod.load(path, environ={}).replies.max_per_sender_per_day == 7


def test_a_broken_cache_is_read_past_and_repaired(tmp_path, _config_cache):
    path = tmp_path / "config.yaml"
    path.write_text("replies:\n  max_per_sender_per_day: 3\n", encoding="utf-8")
    config_mod.load(path, environ={})
    [cache] = cache_files(_config_cache)
    cache.write_text('{"version": 1, "path": ', encoding="utf-8")
    assert config_mod.load(path, environ={}).replies.max_per_sender_per_day == 3
    assert json.loads(cache.read_text(encoding="utf-8"))["text"] == path.read_text(encoding="utf-8")


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path, monkeypatch):
    # GIVEN a cache "folder" that is a file
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "config.yaml"
    path.write_text("replies:\n  max_per_sender_per_day: 4\n", encoding="utf-8")
    # WHEN loaded THEN it is simply parsed, every time
    assert config_mod.load(path, environ={}).replies.max_per_sender_per_day == 4
    assert config_mod.load(path, environ={}).replies.max_per_sender_per_day == 4


@pytest.mark.parametrize("text", ["a: !!set {x, y}\n", "1: one\n", "a: !!binary aGVsbG8=\n",
                                  "a: .nan\n", "a: {$date: '2022-01-01'}\n"])
def test_what_json_cannot_give_back_exactly_is_not_cached(tmp_path, _config_cache, text):
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    first = read_document(path)
    assert cache_files(_config_cache) == []
    assert repr(read_document(path)) == repr(first)


def test_yaml_mistakes_are_still_one_config_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("mailbox: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        config_mod.load(path, environ={})
    with pytest.raises(ConfigError, match="not found"):
        config_mod.load(tmp_path / "missing.yaml", environ={})
