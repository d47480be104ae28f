"""A raw RFC 5322 message, parsed into what the rules need.

INTERFACE (shared with intake/ and rules/): fields may be added, not renamed.
"""
from __future__ import annotations

import email.message
from dataclasses import dataclass, field
from datetime import datetime

from parsers.attachment import Attachment


@dataclass
class ParsedMessage:
    message_id: str | None            # as in the header, with <>
    from_name: str | None
    from_address: str | None          # lower-cased addr-spec
    date: datetime | None             # Date header, tz-aware
    received_date: datetime | None    # date of the topmost Received header, tz-aware
    subject: str                      # decoded, NOT normalised ("" when absent)
    message: email.message.Message    # top-level compat32 message, for header rules
    return_path: str | None           # None when absent, "" for <>
    references: str | None            # References header (for threading replies)
    is_report: bool                   # top-level multipart/report (RFC 3462 DSN/MDN)
    text: str                         # text/plain bodies joined
    html: str                         # text/html bodies joined
    attachments: list[Attachment] = field(default_factory=list)
    large_attachment_links: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """A header's decoded value, or None."""
        raise NotImplementedError


def parse_message(raw: bytes) -> ParsedMessage:
    """Parses raw bytes; never raises for malformed MIME (defects are listed)."""
    raise NotImplementedError
