"""Kill the poller with SIGKILL at random points while it ingests mail from a
real Dovecot, restart it, repeat; then check that nothing was lost or doubled.

    .venv/bin/python -m bench.crash_harness --messages 100 --kills 25

Mail arrives in waves between the runs, so every run has work to be killed in.
At the end: every message is one row, every raw .eml and stored file is whole
(its sha256 is its name), every submission attempt has one reply row and was
received by the SMTP server at least once. A reply received twice means the
kill fell between the server's acceptance and the outbox update: counted.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from builders.samples import samples  # noqa: E402
from conftest import write_config  # noqa: E402
from servers import Dovecot, SmtpSink  # noqa: E402


@dataclass
class Report:
    messages: int
    kills: int
    runs: int
    rows: int
    lost: int
    duplicated_rows: int
    not_processed: int
    broken_files: int
    leftover_temp_files: int
    attempts_without_reply_row: int
    attempts_never_received: int
    double_replies: int
    ignored_answered: int

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated_rows or self.not_processed or self.broken_files
                    or self.attempts_without_reply_row or self.attempts_never_received
                    or self.ignored_answered)


def corpus(n: int) -> list[tuple[bytes, str, bool]]:
    """n mails cycling through the sample set, each with its own Message-ID."""
    base = samples()
    out = []
    for i in range(n):
        s = base[i % len(base)]
        mid = f"<crash-{i:04d}@example.com>"
        raw = s.raw.replace(_message_id(s.raw).encode(), mid.encode(), 1)
        out.append((raw, mid, s.answered))
    return out


def _message_id(raw: bytes) -> str:
    import email
    return email.message_from_bytes(raw)["Message-ID"]


def run(workdir: Path, n: int, kills: int, seed: int = 1) -> Report:
    rng = random.Random(seed)
    mails = corpus(n)
    with Dovecot(workdir / "dovecot") as dovecot, SmtpSink() as sink:
        config = write_config(
            workdir, mailbox={"kind": "imap", "host": dovecot.host, "port": dovecot.port,
                              "tls": False, "username": dovecot.user, "password": dovecot.password,
                              "batch_size": 5},
            smtp={"kind": "smtp", "host": sink.host, "port": sink.port, "tls": False, "timeout": 5})
        waves = [mails[i::kills] for i in range(kills)]
        done_kills = runs = 0
        # Until enough kills landed: a run that finished before its kill
        # does not count (a few idle or late kills are part of the test).
        while done_kills < kills and runs < 4 * kills:
            if runs < len(waves):
                dovecot.append_many([raw for raw, _, _ in waves[runs]])
            runs += 1
            done_kills += _run_and_kill(config, rng)
        for _ in range(2):                      # finish the work, uninterrupted
            _poll(config).wait(timeout=600)
            runs += 1
        return _check(workdir, mails, sink, done_kills, runs)


def _poll(config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "intake", "--config", str(config), "poll"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


def _run_and_kill(config: Path, rng: random.Random) -> int:
    """Starts a poll and SIGKILLs it at a random moment; 1 if it was killed."""
    proc = _poll(config)
    try:
        proc.wait(timeout=rng.uniform(0.2, 1.2))
        return 0                                # it finished first
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return 1


def _check(workdir: Path, mails: list, sink: SmtpSink, kills: int, runs: int) -> Report:
    import sqlite3
    db = sqlite3.connect(workdir / "intake.db")
    rows = db.execute("SELECT message_id, state, raw_sha256, decision, id FROM messages").fetchall()
    per_id = Counter(r[0] for r in rows)
    reply_rows = Counter(mid for (mid,) in db.execute(
        "SELECT m.message_id FROM replies r JOIN messages m ON m.id = r.message_pk"))
    file_shas = [sha for (sha,) in db.execute("SELECT sha256 FROM attachments")]
    received = Counter(m["In-Reply-To"] for m in sink.messages())
    attempts = [mid for _, mid, answered in mails if answered]
    ignored = [mid for _, mid, answered in mails if not answered]
    storage = workdir / "var"
    return Report(
        messages=len(mails), kills=kills, runs=runs, rows=len(rows),
        lost=sum(1 for _, mid, _ in mails if per_id[mid] == 0),
        duplicated_rows=sum(c - 1 for c in per_id.values() if c > 1),
        not_processed=sum(1 for r in rows if r[1] != "processed"),
        broken_files=_broken(storage / "raw", [r[2] for r in rows], ".eml")
        + _broken(storage / "files", file_shas, ""),
        leftover_temp_files=len(list(storage.rglob(".tmp-*"))),
        attempts_without_reply_row=sum(1 for mid in attempts if reply_rows[mid] != 1),
        attempts_never_received=sum(1 for mid in attempts if received[mid] == 0),
        double_replies=sum(received[mid] - 1 for mid in attempts if received[mid] > 1),
        ignored_answered=sum(1 for mid in ignored if received[mid] or reply_rows[mid]))


def _broken(area: Path, shas: list[str], suffix: str) -> int:
    bad = 0
    for sha in set(shas):
        path = area / sha[:2] / f"{sha}{suffix}"
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            bad += 1
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp:
        report = run(Path(tmp), args.messages, args.kills, args.seed)
    print(json.dumps(asdict(report), indent=2))
    print("OK" if report.ok else "FAILED")
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
