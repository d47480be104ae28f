"""One raw message, from bytes to judgement: the single path shared by the
poller and by `intake inspect`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.config import CampaignConfig
from parsers.attachment import WORD, Attachment
from parsers.message import ParsedMessage, parse_message
from parsers.word import WordDoc, read_word
from rules.judge import Judgement, is_automatic, judge, note_reason


@dataclass
class Assessment:
    parsed: ParsedMessage
    judgement: Judgement
    received_at: datetime | None


def assess(raw: bytes, campaign: CampaignConfig,
           internaldate: datetime | None = None) -> Assessment:
    """Parses and judges `raw`. When it was received: the IMAP INTERNALDATE,
    else (offline) the topmost Received header, else Date (contract §3)."""
    parsed = parse_message(raw)
    received_at = internaldate or parsed.received_date or parsed.date
    words = [] if is_automatic(parsed, campaign) else read_words(parsed)
    return Assessment(parsed, judge(parsed, words, received_at, campaign), received_at)


def read_words(parsed: ParsedMessage) -> list[WordDoc]:
    return [_read(a) for a in parsed.attachments if a.kind == WORD]


def _read(att: Attachment) -> WordDoc:
    # A Word file left unread inside a .zip (encrypted, corrupt, over the
    # limits) has no bytes: say why rather than "empty file".
    reason = note_reason(att) if not att.data else None
    if reason:
        return WordDoc(att.filename, reason, None, None)
    return read_word(att.data, att.filename)
