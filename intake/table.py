"""Plain-text tables that line up with Chinese text in a terminal."""
from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, columns: int) -> str:
    """`text` cut to `columns` terminal columns, with … where it was cut."""
    if width(text) <= columns:
        return text
    out, used = "", 0
    for c in text:
        if used + width(c) > columns - 1:
            break
        out, used = out + c, used + width(c)
    return out + "…"


def render(headers: list[str], rows: list[list[str]], max_width: int = 40) -> str:
    cells = [[clip(str(c), max_width) for c in row] for row in [headers, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
