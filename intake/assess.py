"""One raw message, from bytes to judgement: the single path shared by the
poller and by `intake inspect`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.config import CampaignConfig
from parsers.attachment import WORD
from parsers.message import ParsedMessage, parse_message
from parsers.word import WordDoc, read_word
from rules.judge import Judgement, is_automatic, judge


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
    return [read_word(a.data, a.filename) for a in parsed.attachments if a.kind == WORD]
