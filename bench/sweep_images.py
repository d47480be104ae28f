"""Sweep ../shared/corpora/images through the photo check (contract §3).

Each file is judged as an image attachment would be — its kind by content
(parsers.kinds.sniff_kind) and ``parsers.photo.photo_problem`` — in a
bounded worker (address-space and per-file time limits, see sweep_mail).
Reports how many are accepted, corrupt, not JPEG, too large.

    python bench/sweep_images.py [--json out.json] [--corpora DIR]

Exit status 1 when any file raised, timed out or crashed the worker.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sweep_mail import (CORPORA, DEFAULT_MEM_MB, DEFAULT_TIMEOUT,  # noqa: E402
                        corpus_files, run_workers, worker)

# Notes and licences that sit beside the images are not images.
_NOT_IMAGES = {".md", ".txt", ""}


def check_image(path: Path) -> dict[str, Any]:
    from parsers.kinds import sniff_kind
    from parsers.photo import photo_problem
    data = path.read_bytes()
    return {"kind": sniff_kind(data, path.name, "application/octet-stream"),
            "verdict": photo_problem(data) or "accepted", "size": len(data)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA / "images")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    ap.add_argument("--mem-mb", type=int, default=DEFAULT_MEM_MB)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(check_image, args.timeout, args.mem_mb)
        return 0
    if not args.corpora.is_dir():
        print(f"no corpus at {args.corpora}", file=sys.stderr)
        return 2
    files = [p for p in corpus_files(args.corpora)
             if p.suffix.lower() not in _NOT_IMAGES and p.name != "LICENSE.txt"]
    results = run_workers(Path(__file__), files,
                          ["--timeout", str(args.timeout), "--mem-mb", str(args.mem_mb)])
    failed = [r for r in results if not r["ok"]]
    summary = {"files": len(results), "failed": failed,
               "verdicts": dict(Counter(r["verdict"] for r in results if r["ok"])),
               "kinds": dict(Counter(r["kind"] for r in results if r["ok"])),
               "max_seconds": max((r["seconds"] or 0 for r in results), default=0),
               "max_rss_mb": max((r.get("max_rss_mb", 0) for r in results), default=0)}
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "results": results},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
