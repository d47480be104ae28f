"""The campaign benchmark (bench/campaign.py, issue 7) runs end to end.

A tiny campaign (N = 4 and 8, idle at 50 and 200 messages, one 6 MB
message) on a real loopback Dovecot, through the real `intake poll`. It
checks that every figure is produced and that the benchmark measured what it
says (all mail ingested, the idle poll found nothing new); it asserts no
timing: the figures themselves are read from `make bench`.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import _missing
from servers import DOVECOT_BIN, dovecot_available

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.servers


def test_smoke_benchmark_writes_every_figure(tmp_path: Path) -> None:
    if not dovecot_available():
        _missing(f"dovecot not found at {DOVECOT_BIN} (apt-get install dovecot-imapd)")
    proc = subprocess.run([sys.executable, "-m", "bench.campaign", "--smoke", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-4000:]

    results = json.loads((tmp_path / "campaign.json").read_text())
    assert [b["n"] for b in results["backlog"]] == [4, 8]
    for b in results["backlog"]:
        assert f"{b['n']} new (" in b["summary"] and "0 failed" in b["summary"]
        # 10 % rejected and 10 % automatic of a campaign: N=8 has one automatic mail.
        assert b["floor_s"] > 0 and b["poll_s"] > 0 and b["poll_rss_mb"] > 0
    assert "1 ignored" in results["backlog"][-1]["summary"]
    assert sorted(i["messages"] for i in results["idle"]) == [8, 50, 200]
    assert all(": 0 new" in i["summary"] for i in results["idle"])
    assert "1 new (1 accepted" in results["big"]["summary"]

    table = (tmp_path / "campaign.md").read_text()
    assert "| target | measured | met |" in table and "2000 (fit)" in table
    assert (tmp_path / "campaign.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
