"""Reading config.yaml: the YAML document, parsed once per change of the file.

PyYAML takes ~20 ms to import, a fifth of what an idle `intake poll` may
cost; the document itself changes rarely. So the parsed document is kept as
JSON in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache), next to
the exact text it came from, and used only while the file still holds that
text, the way Python keeps its .pyc files. The cache holds the document as
written: ${VAR} is expanded later, so secrets from the environment never
reach it. Anything wrong with the cache only means the file is parsed again.
"""
from __future__ import annotations

import json
import os
import zlib
from datetime import date, datetime
from pathlib import Path

from intake.errors import ConfigError

_VERSION = 1
_MISS = object()


def read_document(path: Path) -> object:
    """The YAML document in `path` (ConfigError if missing or unreadable)."""
    text = _read_text(path)
    cache = _cache_path(path)
    data = _cached(cache, path, text) if cache else _MISS
    if data is _MISS:
        data = _parse(path, text)
        if cache:
            _store(cache, path, text, data)
    return data


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"config file not found: {path}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {path} cannot be read: {e}") from e


def _parse(path: Path, text: str) -> object:
    import yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {path} cannot be read: {e}") from e


def _cache_path(path: Path) -> Path | None:
    try:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        name = str(path.resolve())
    except (OSError, RuntimeError):             # no home folder (a bare cron job)
        return None
    return root / "case-intake" / f"config-{zlib.crc32(name.encode('utf-8', 'surrogateescape')):08x}.json"


def _cached(cache: Path, path: Path, text: str) -> object:
    try:
        entry = json.loads(cache.read_text(encoding="utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        return _MISS
    if not isinstance(entry, dict) or entry.get("version") != _VERSION \
            or entry.get("path") != str(path.resolve()) or entry.get("text") != text:
        return _MISS
    return entry.get("document", _MISS)


def _store(cache: Path, path: Path, text: str, data: object) -> None:
    entry = {"version": _VERSION, "path": str(path.resolve()), "text": text, "document": data}
    try:
        encoded = json.dumps(entry, default=_encode, ensure_ascii=False)
        # Only what comes back exactly is kept: a YAML set, bytes or a
        # mapping with number keys would not (JSON keys are strings).
        if json.loads(encoded, object_hook=_decode) != entry:
            return
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(encoded)
        os.replace(temporary, cache)            # atomic: readers see old or new
    except (OSError, TypeError, ValueError):
        pass                                    # a read-only home: parse every time


# YAML 1.1 timestamps (an unquoted deadline) have no JSON form: tagged here.
def _encode(value: object) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not cached")


def _decode(entry: dict) -> object:
    if len(entry) == 1 and "$datetime" in entry:
        return datetime.fromisoformat(entry["$datetime"])
    if len(entry) == 1 and "$date" in entry:
        return date.fromisoformat(entry["$date"])
    return entry
