"""Rebuilds the demo Maildir (examples/mailbox) from tests/builders/samples.py.

    .venv/bin/python examples/make_mailbox.py

The Maildir is committed, so `make demo` needs nothing but this checkout.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from builders.samples import samples  # noqa: E402


def main() -> None:
    box = HERE / "mailbox"
    shutil.rmtree(box, ignore_errors=True)
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for i, sample in enumerate(samples(), start=1):
        stamp = int(sample.internaldate.timestamp())
        # Maildir names: time.unique.host (maildir(5)); the sample's name as host.
        (box / "new" / f"{stamp}.M{i:02d}P0.{sample.name}").write_bytes(sample.raw)
    print(f"wrote {len(samples())} messages to {box}")


if __name__ == "__main__":
    main()
