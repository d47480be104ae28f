"""Reading one Word file: the 基本信息表 and the case document.

INTERFACE (shared with intake/ and rules/): fields may be added, not renamed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CaseDocument:
    filename: str
    characters: int                # non-whitespace characters of the body text
    sections_found: list[str]      # template headings 一 … 十二 present, in order
    images: int                    # images embedded in the file


@dataclass
class WordDoc:
    filename: str
    error: str | None              # why unreadable, in Chinese for the sender; None when read
    info: dict | None              # contract §4 keys -> values; None when no table found
    case_document: CaseDocument | None


def read_word(data: bytes, filename: str, *, convert_timeout: float = 60.0) -> WordDoc:
    """Reads a .docx (or converts .doc/.wps first). Never raises for bad files."""
    raise NotImplementedError
