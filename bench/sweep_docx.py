"""Sweeps every Word file under ../shared/corpora/docx through read_word.

Usage: python -m bench.sweep_docx [CORPUS_DIR]
Prints one line per file (seconds, result) and a summary: files, errors
returned (a refused file is fine), exceptions (never fine), slowest file.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from parsers.word import read_word

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
WORD_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".doc", ".wps")


@dataclass
class SweepResult:
    files: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    crashed: list[tuple[str, str]] = field(default_factory=list)
    times: list[tuple[float, str]] = field(default_factory=list)

    @property
    def slowest(self) -> tuple[float, str]:
        return max(self.times, default=(0.0, ""))


def word_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in WORD_SUFFIXES)


def sweep(root: Path, *, verbose: bool = False, convert_timeout: float = 60.0) -> SweepResult:
    result = SweepResult()
    for path in word_files(root):
        result.files += 1
        start = time.perf_counter()
        try:
            doc = read_word(path.read_bytes(), path.name, convert_timeout=convert_timeout)
        except Exception as e:  # noqa: BLE001 - this is what the sweep looks for
            result.crashed.append((str(path), repr(e)))
            doc = None
        elapsed = time.perf_counter() - start
        result.times.append((elapsed, str(path.relative_to(root))))
        if doc is not None and doc.error:
            result.refused.append((str(path.relative_to(root)), doc.error))
        if verbose:
            state = "CRASH" if doc is None else (doc.error or f"info={doc.info is not None}")
            print(f"{elapsed:6.2f}s  {path.relative_to(root)}  {state}")
    return result


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else CORPORA / "docx"
    if not root.is_dir():
        print(f"no corpus at {root}")
        return 2
    r = sweep(root, verbose=True)
    total = sum(t for t, _ in r.times)
    print(f"\n{r.files} files, {len(r.refused)} refused with a reason, "
          f"{len(r.crashed)} uncaught exceptions, total {total:.1f}s, "
          f"slowest {r.slowest[0]:.2f}s ({r.slowest[1]})")
    for path, err in r.crashed:
        print("CRASH", path, err)
    return 1 if r.crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
