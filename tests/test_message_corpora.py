"""Robustness sweeps over ../shared/corpora (real-world mail and images
from other projects' test suites): every file judged, nothing uncaught, in
bounded time and memory (see bench/sweep_mail.py, bench/sweep_images.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not CORPORA.is_dir(),
                       reason=f"no corpora beside the checkout ({CORPORA}); present in CI"),
]


def _sweep(script: str, *args: str, tmp_path: Path) -> dict:
    out = tmp_path / "sweep.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--json", str(out),
                           "--timeout", "30", "--mem-mb", "2048", *args],
                          capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert out.exists(), proc.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_every_corpus_email_is_inspected(tmp_path):
    # GIVEN every file under corpora/emails WHEN inspected (bounded worker)
    found = _sweep("sweep_mail.py", "--corpora", str(CORPORA / "emails"), tmp_path=tmp_path)
    summary = found["summary"]
    # THEN none raised, timed out or crashed, and each has a decision
    assert summary["failed"] == [], summary["failed"][:5]
    assert summary["files"] >= 700
    assert sum(summary["by_decision"].values()) == summary["files"]
    assert set(summary["by_decision"]) <= {"accepted", "rejected", "review", "ignored"}


def test_real_cli_on_a_sample_of_the_corpus(tmp_path):
    # GIVEN a spread sample WHEN the real `intake inspect FILE --json` runs
    found = _sweep("sweep_mail.py", "--cli", "--sample", "16",
                   "--corpora", str(CORPORA / "emails"), tmp_path=tmp_path)
    # THEN exit 0 and valid JSON for each
    assert found["summary"]["failed"] == [] and found["summary"]["files"] == 16


def test_every_corpus_image_gets_a_photo_verdict(tmp_path):
    # GIVEN every image under corpora/images WHEN photo-checked
    found = _sweep("sweep_images.py", "--corpora", str(CORPORA / "images"), tmp_path=tmp_path)
    summary = found["summary"]
    # THEN no uncaught exception; each is accepted, corrupt or not JPEG
    assert summary["failed"] == []
    assert set(summary["verdicts"]) <= {"accepted", "photo_corrupt", "photo_not_jpg",
                                        "photo_too_large"}
    # and the known cases land where they should
    verdict = {Path(r["path"]).relative_to(CORPORA / "images").as_posix(): r["verdict"]
               for r in found["results"]}
    assert verdict["jpeg-js/black-6000x6000.jpg"] == "accepted"          # 36 MP decodes
    assert verdict["libjpeg-turbo/testorig.jpg"] == "accepted"
    assert verdict["jpeg-decoder/crashtest/images/empty.jpg"] == "photo_not_jpg"
    assert verdict["libjpeg-turbo/monkey12.jpg"] == "photo_corrupt"      # 12-bit: no decode
    assert verdict["pillow/hopper.png"] == "photo_not_jpg"
    assert verdict["pillow/truncated_jpeg.jpg"] == "photo_corrupt"       # verify() would pass
