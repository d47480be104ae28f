"""One file that arrived with a message (or inside a .zip it carried)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

# What a file is, judged by its bytes (contract §5 `kind`).
WORD, PHOTO, ARCHIVE, OTHER = "word", "photo", "archive", "other"


@dataclass
class Attachment:
    filename: str                 # decoded (RFC 2231/2047/raw GBK), NFC, safe basename
    content_type: str             # as declared by the sender, lower-case
    data: bytes
    kind: str = OTHER             # WORD / PHOTO / ARCHIVE / OTHER, by content
    from_archive: str | None = None   # the .zip's filename when this is a member
    notes: list[str] = field(default_factory=list)  # e.g. "rar" / "7z" / "archive_limits"

    @property
    def size(self) -> int:
        return len(self.data)

    @cached_property
    def sha256(self) -> str:
        # Cached: stored, listed and exported, a file is hashed once.
        return hashlib.sha256(self.data).hexdigest()
