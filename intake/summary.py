"""What one poll did, in one line for the staff (also for the idle fast path,
so it imports nothing heavy)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from intake.config import SmtpConfig


@dataclass
class PollSummary:
    source: str = ""
    new: int = 0
    already_seen: int = 0
    decisions: Counter = field(default_factory=Counter)
    failed: int = 0
    replies_sent: int = 0
    replies_waiting: int = 0
    destination: str = ""
    send_error: str | None = None

    def line(self) -> str:
        counts = ", ".join(f"{self.decisions[d]} {d}" for d in
                           ("accepted", "rejected", "review", "ignored"))
        return (f"{self.source}: {self.new} new ({counts}, {self.failed} failed), "
                f"{self.already_seen} already seen; replies: {self.replies_sent} sent, "
                f"{self.replies_waiting} waiting to be sent ({self.destination})")


def destination(smtp: SmtpConfig) -> str:
    """Where replies go, as the summary line says it."""
    return f"outbox folder {smtp.path}" if smtp.kind == "outbox" else f"SMTP {smtp.host}:{smtp.port}"
