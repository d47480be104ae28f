"""Composing the automatic replies (templates/reply_*.j2) as RFC 5322 bytes."""
from __future__ import annotations

import email.policy
import email.utils
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from intake.config import Config

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
KIND_LABELS = {"word": "Word 文件", "photo": "照片", "archive": "压缩包", "other": "其他文件"}
# One line each, so a CR/LF from outside can never start a header of its own.
_SUBJECT_MAX = 200


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      # Every field comes from outside: escape all HTML templates.
                      autoescape=select_autoescape(["html", "html.j2"], default=False),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["filesize"] = filesize
    env.filters["kindlabel"] = lambda kind: KIND_LABELS.get(kind, kind)
    return env


def filesize(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def one_line(text: str | None, limit: int = _SUBJECT_MAX) -> str:
    """A header-safe single line: control characters (CR, LF, NUL…) become spaces."""
    cleaned = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text or "")
    return " ".join(cleaned.split())[:limit]


def reply_subject(original: str | None, prefix: str) -> str:
    return "回复：" + (one_line(original) or prefix)


def compose(config: Config, purpose: str, to: str, subject: str, context: dict[str, Any],
            in_reply_to: str | None = None, references: str | None = None) -> EmailMessage:
    """The reply `purpose` (accepted / rejected / review) as a MIME message with
    a text and an HTML part rendered from the same context."""
    env = environment()
    context = {**context, "campaign": config.campaign}
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = email.utils.formataddr((config.smtp.from_name, config.smtp.from_))
    msg["To"] = one_line(to)
    msg["Subject"] = one_line(subject)
    msg["Date"] = email.utils.format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = email.utils.make_msgid("reply", domain=_domain(config.smtp.from_))
    _thread(msg, in_reply_to, references)
    # RFC 3834 §5: mark it automatic so other responders do not answer it;
    # Exchange honours X-Auto-Response-Suppress instead.
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(env.get_template(f"reply_{purpose}.txt.j2").render(context))
    msg.add_alternative(env.get_template(f"reply_{purpose}.html.j2").render(context),
                        subtype="html")
    return msg


def _thread(msg: EmailMessage, in_reply_to: str | None, references: str | None) -> None:
    """In-Reply-To and References as RFC 5322 §3.6.4 asks: the parent's
    References (or nothing) followed by the parent's Message-ID."""
    parent = one_line(in_reply_to, 998)
    if not parent:
        return
    msg["In-Reply-To"] = parent
    chain = one_line(references, 4000).split()
    msg["References"] = " ".join([*chain[-10:], parent])


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "case-intake.invalid"
