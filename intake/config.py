"""Configuration, read in one place into typed objects and passed down.

Layers, as in the Flask tutorial: the defaults below, then the YAML file,
then overrides (tests). ``${VAR}`` in any string is taken from the
environment, so secrets (the 163 authorization code) never sit in the file.
Relative paths are relative to the config file's folder, so the service
behaves the same whatever the working directory.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intake.configfile import read_document
from intake.errors import ConfigError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class CampaignConfig:
    address: str = "lsw_mecc@163.com"
    subject_prefix: str = "碳排放管理案例征集"
    deadline: datetime = datetime.fromisoformat("2022-02-28T23:59:59+08:00")
    timezone: str = "Asia/Shanghai"
    late_severity: str = "error"          # contract §3: `late` is configurable to warning
    receipt_prefix: str = "CASE"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class MailboxConfig:
    kind: str = "maildir"                 # "imap" or "maildir"
    path: Path = Path("examples/mailbox")
    host: str = "imap.163.com"
    port: int = 993
    tls: bool = True                      # implicit TLS (IMAPS)
    verify_tls: bool = True               # off only for a loopback host
    username: str = ""
    password: str = ""
    folder: str = "INBOX"
    batch_size: int = 50                  # messages per FETCH at most …
    batch_megabytes: float = 16           # … and bytes per FETCH at most (memory bound)
    timeout: float = 60.0


@dataclass
class SmtpConfig:
    kind: str = "outbox"                  # "smtp" or "outbox"
    path: Path = Path("var/outbox")
    host: str = "smtp.163.com"
    port: int = 465
    tls: bool = True                      # implicit TLS (SMTPS, port 465)
    starttls: bool = False                # STARTTLS (port 587); exclusive with tls
    verify_tls: bool = True
    username: str = ""
    password: str = ""
    from_: str = "lsw_mecc@163.com"
    from_name: str = "碳排放管理案例征集"
    timeout: float = 30.0
    max_attempts: int = 8


@dataclass
class DatabaseConfig:
    url: str = "sqlite:///var/intake.db"
    busy_timeout_seconds: float = 30.0    # how long to wait for a lock held elsewhere


@dataclass
class StorageConfig:
    path: Path = Path("var")


@dataclass
class ScheduleConfig:
    poll_every_minutes: float = 5
    digest_at: time = time(8, 30)


@dataclass
class DigestConfig:
    recipients: list[str] = field(default_factory=list)


@dataclass
class RepliesConfig:
    max_per_sender_per_day: int = 5


@dataclass
class Config:
    campaign: CampaignConfig = field(default_factory=CampaignConfig)
    mailbox: MailboxConfig = field(default_factory=MailboxConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    replies: RepliesConfig = field(default_factory=RepliesConfig)
    source: Path | None = None            # the file it was read from


def default_path() -> Path:
    """`INTAKE_CONFIG`, else ./config.yaml."""
    return Path(os.environ.get("INTAKE_CONFIG") or "config.yaml")   # empty = unset, as click has it


def load(path: Path | None = None, overrides: dict[str, Any] | None = None,
         environ: dict[str, str] | None = None) -> Config:
    """Defaults, then the YAML file at `path`, then `overrides` (same shape)."""
    path = path or default_path()
    data = read_document(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: expected sections, found {type(data).__name__}")
    merged = _merge(data, overrides or {})
    merged = _expand(merged, os.environ if environ is None else environ, "")
    config = _build(Config, merged, "")
    config.source = path
    _resolve_paths(config, path.resolve().parent)
    _validate(config)
    return config


def from_dict(data: dict[str, Any], base: Path) -> Config:
    """A config built straight from a dict (tests), paths relative to `base`."""
    config = _build(Config, _expand(data, os.environ, ""), "")
    _resolve_paths(config, base)
    _validate(config)
    return config


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _expand(value: Any, environ: Any, where: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, environ, f"{where}.{k}".lstrip(".")) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, environ, where) for v in value]
    if isinstance(value, str):
        return _VAR.sub(lambda m: _env(m.group(1), environ, where), value)
    return value


def _env(name: str, environ: Any, where: str) -> str:
    if name not in environ:
        raise ConfigError(f"environment variable {name} is not set (needed by {where})")
    return environ[name]


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected a section of keys, found {data!r}")
    fields = {f.name.rstrip("_"): f for f in dataclasses.fields(cls) if f.name != "source"}
    values = {}
    for key, raw in data.items():
        name = f"{where}.{key}".lstrip(".")
        if key not in fields:
            raise ConfigError(f"unknown config key {name!r} (known: {', '.join(sorted(fields))})")
        values[fields[key].name] = _convert(fields[key], raw, name)
    return cls(**values)


def _convert(f: dataclasses.Field, raw: Any, name: str) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    section = {"CampaignConfig": CampaignConfig, "MailboxConfig": MailboxConfig,
               "SmtpConfig": SmtpConfig, "DatabaseConfig": DatabaseConfig,
               "StorageConfig": StorageConfig, "ScheduleConfig": ScheduleConfig,
               "DigestConfig": DigestConfig, "RepliesConfig": RepliesConfig}.get(kind)
    if section:
        return _build(section, raw or {}, name)
    try:
        return _CONVERTERS.get(kind, _as_str)(raw)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"config key {name!r}: {e}") from e


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in ("true", "yes", "on", "1"):
        return True
    if str(raw).lower() in ("false", "no", "off", "0"):
        return False
    raise ValueError(f"expected true or false, found {raw!r}")


def _as_str(raw: Any) -> str:
    if isinstance(raw, (dict, list)):
        raise ValueError(f"expected a single value, found {raw!r}")
    return "" if raw is None else str(raw)


def _as_datetime(raw: Any) -> datetime:
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    if value.tzinfo is None:
        raise ValueError(f"deadline {raw!r} needs a UTC offset, e.g. 2022-02-28T23:59:59+08:00")
    return value


def _as_time(raw: Any) -> time:
    if isinstance(raw, int):          # YAML 1.1 reads 08:30 as sexagesimal 510
        return time(raw // 60, raw % 60)
    return time.fromisoformat(str(raw))


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [s.strip() for s in raw.split(",") if s.strip()]
    return [str(x) for x in raw]


_CONVERTERS = {
    "str": _as_str, "bool": _as_bool, "int": int, "float": float, "Path": lambda r: Path(str(r)),
    "datetime": _as_datetime, "time": _as_time, "list[str]": _as_list,
}


def _resolve_paths(config: Config, base: Path) -> None:
    config.mailbox.path = base / config.mailbox.path
    config.smtp.path = base / config.smtp.path
    config.storage.path = base / config.storage.path
    prefix = "sqlite:///"
    url = config.database.url
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        config.database.url = prefix + str(base / url[len(prefix):])


def _validate(config: Config) -> None:
    _one_of("mailbox.kind", config.mailbox.kind, ("imap", "maildir"))
    _one_of("smtp.kind", config.smtp.kind, ("smtp", "outbox"))
    _one_of("campaign.late_severity", config.campaign.late_severity, ("error", "warning"))
    try:
        config.campaign.tz
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"campaign.timezone: unknown time zone {config.campaign.timezone!r}") from e
    if config.smtp.tls and config.smtp.starttls:
        raise ConfigError("smtp: set tls (port 465) or starttls (port 587), not both")
    if config.mailbox.kind == "imap":
        _transport_safe("mailbox", config.mailbox.host, config.mailbox.tls, config.mailbox.verify_tls)
    if config.smtp.kind == "smtp":
        tls = config.smtp.tls or config.smtp.starttls
        _transport_safe("smtp", config.smtp.host, tls, config.smtp.verify_tls)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"config key {name!r} must be one of {', '.join(allowed)}; found {value!r}")


def _transport_safe(section: str, host: str, tls: bool, verify: bool) -> None:
    """Passwords never cross a network in clear text, nor to an unverified peer;
    a test server on loopback is the only exception, and it must be asked for."""
    if (tls and verify) or is_loopback(host):
        return
    what = "TLS" if not tls else "certificate verification"
    raise ConfigError(f"{section}: {what} may be turned off only for a loopback host, not {host!r}")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
