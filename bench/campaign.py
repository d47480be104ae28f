"""Issue 7: is `intake poll` fast and lean at the size of a whole campaign?

Builds a realistic campaign (each submission a ~200 KB .docx and two ~2 MB
JPEGs; 10 % rejected, 10 % automatic mail), APPENDs it to a real Dovecot on
loopback and measures, in one run:

- the floor (bench.floor: fetch + email.message_from_bytes + python-docx +
  full JPEG decode) and `intake poll` from an empty database, for a series
  of backlog sizes N: wall time, messages/s, peak RSS, poll/floor ratio;
- the idle poll (nothing new) with 1,000 and 20,000 messages already
  processed (mailbox by MULTIAPPEND, database seeded from real rows: see
  bench.seed), and right after the largest backlog;
- `intake poll` of one ~60 MB message (peak RSS).

    python -m bench.campaign                      # make bench: the full run
    python -m bench.campaign --smoke --out DIR    # make bench-smoke / the CI test

Writes campaign.json, campaign.md and campaign.png to --out.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import corpus, report, runner, seed
from servers import Dovecot

RESULTS = corpus.ROOT / "bench" / "results"
FULL = {"sizes": [25, 50, 100, 200], "idle": [1000, 20000], "big_mb": 60.0, "repeat": 15}
SMOKE = {"sizes": [4, 8], "idle": [50, 200], "big_mb": 6.0, "repeat": 1}


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _poll_summary_new(stdout: str) -> int:
    """The "N new" of poll's summary line (checks what was measured)."""
    line = stdout.strip().splitlines()[-1]
    return int(line.split(": ", 1)[1].split(" new", 1)[0])


# --------------------------------------------------------------- backlog

def grow_mailbox(server: Dovecot, have: int, want: int, dates: list) -> None:
    """APPENDs messages have..want-1 (the campaign in arrival order), built
    one chunk at a time so this process never holds the whole campaign."""
    step = 16
    for start in range(have, want, step):
        mails = [corpus.campaign_mail(n, dates[n]) for n in range(start, min(start + step, want))]
        runner.append_all(server, ((m.raw, m.internaldate) for m in mails))


def measure_backlog(server: Dovecot, work: Path, n: int, keep: bool) -> dict:
    """Floor, then `intake poll` from an empty database, on the same N."""
    floor_run, counts = runner.floor(server)
    log(f"N={n}: floor {floor_run.seconds:.1f} s, {floor_run.peak_rss_mb:.0f} MB")
    config = runner.intake_config(work / f"backlog-{n}", server)
    poll_run = runner.intake_poll(config, server)
    new = _poll_summary_new(poll_run.stdout)
    if new != n:
        raise RuntimeError(f"intake poll ingested {new} of {n}: {poll_run.stdout}")
    log(f"N={n}: poll {poll_run.seconds:.1f} s, {poll_run.peak_rss_mb:.0f} MB")
    if not keep:   # the stored raw mail and files of every N would fill the disk
        shutil.rmtree(work / f"backlog-{n}" / "var", ignore_errors=True)
    return {"n": n, "mbytes": counts["bytes"] / 2**20, "docx": counts["docx"],
            "photos": counts["photos"], "floor_s": floor_run.seconds,
            "floor_rss_mb": floor_run.peak_rss_mb, "poll_s": poll_run.seconds,
            "poll_rss_mb": poll_run.peak_rss_mb, "ratio": poll_run.seconds / floor_run.seconds,
            "msgs_per_s": n / poll_run.seconds, "summary": poll_run.stdout.strip(),
            "config": str(config)}


def run_backlogs(server: Dovecot, work: Path, sizes: list[int]) -> list[dict]:
    dates = corpus.arrival_times(max(sizes))
    results, have = [], 0
    for n in sorted(sizes):
        grow_mailbox(server, have, n, dates)
        have = n
        results.append(measure_backlog(server, work, n, keep=n == max(sizes)))
    return results


# --------------------------------------------------------------- idle

def _check_idle(idle: dict, where: str) -> dict:
    if _poll_summary_new(idle["summary"]) != 0:
        raise RuntimeError(f"idle poll {where} found new mail: {idle['summary']}")
    return idle


def measure_idle(server: Dovecot, work: Path, count: int, template_db: Path,
                 repeat: int) -> dict:
    folder = f"idle{count}"
    uidvalidity, uids = seed.fill_folder(server, folder, count)
    config = runner.intake_config(work / folder, server, imap_folder=folder)
    runner.measured([runner.PYTHON, "-m", "intake", "--config", str(config), "list"],
                    env={runner.PASSWORD_VAR: server.password})      # creates the tables
    seed.seed_database(work / folder / "intake.db", template_db,
                       seed.source_key(server, folder), uidvalidity, uids)
    idle = _check_idle(runner.idle_polls(config, server, repeat), folder)
    log(f"idle at {count}: process {idle['process_s'] * 1000:.0f} ms, "
        f"poll() {idle['poll_s'] * 1000:.1f} ms")
    return {"messages": count, "how": "seeded", **idle}


def measure_idle_after(server: Dovecot, backlog: dict, repeat: int) -> dict:
    idle = _check_idle(runner.idle_polls(Path(backlog["config"]), server, repeat), "after backlog")
    log(f"idle after backlog {backlog['n']}: process {idle['process_s'] * 1000:.0f} ms, "
        f"poll() {idle['poll_s'] * 1000:.1f} ms")
    return {"messages": backlog["n"], "how": "after real backlog", **idle}


# --------------------------------------------------------------- one big message

def measure_big(server: Dovecot, work: Path, target_mb: float) -> dict:
    server.create_folder("big")
    raw = corpus.big_message(900_000, target_mb)
    runner.append_all(server, [(raw, corpus.DEADLINE - timedelta(hours=2))], "big")
    size_mb = len(raw) / 2**20
    del raw
    floor_run, _ = runner.floor(server, "big")
    config = runner.intake_config(work / "big", server, imap_folder="big")
    poll_run = runner.intake_poll(config, server)
    log(f"big {size_mb:.0f} MB: poll {poll_run.seconds:.1f} s, {poll_run.peak_rss_mb:.0f} MB; "
        f"floor {floor_run.peak_rss_mb:.0f} MB")
    return {"mbytes": size_mb, "poll_s": poll_run.seconds, "poll_rss_mb": poll_run.peak_rss_mb,
            "floor_s": floor_run.seconds, "floor_rss_mb": floor_run.peak_rss_mb,
            "summary": poll_run.stdout.strip()}


# --------------------------------------------------------------- main

def run(plan: dict, out: Path) -> dict:
    measured_on = report.machine()          # the code as it was when the run began
    work = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    runner.compile_bytecode()
    server = runner.start_dovecot(work)
    started = time.perf_counter()
    try:
        corpus.base_jpeg()                      # encode the photo once, outside any timing
        backlog = run_backlogs(server, work, plan["sizes"])
        largest = backlog[-1]
        template = Path(largest["config"]).parent / "intake.db"
        idle = [measure_idle_after(server, largest, plan["repeat"])]
        idle += [measure_idle(server, work, c, template, plan["repeat"]) for c in plan["idle"]]
        big = measure_big(server, work, plan["big_mb"])
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    results = {"plan": plan, "machine": measured_on, "backlog": backlog, "idle": idle,
               "big": big, "seconds": time.perf_counter() - started}
    report.write(results, out)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, for CI (~20 s)")
    ap.add_argument("--sizes", help="backlog sizes, e.g. 25,50,100,200 (or 2000)")
    ap.add_argument("--idle", help="idle-poll mailbox sizes, e.g. 1000,20000")
    ap.add_argument("--big-mb", type=float, help="size of the one big message")
    ap.add_argument("--out", type=Path, help=f"results folder (default {RESULTS})")
    args = ap.parse_args(argv)
    plan = dict(SMOKE if args.smoke else FULL)
    if args.sizes:
        plan["sizes"] = [int(x) for x in args.sizes.split(",")]
    if args.idle:
        plan["idle"] = [int(x) for x in args.idle.split(",")]
    if args.big_mb:
        plan["big_mb"] = args.big_mb
    out = args.out or (RESULTS / "tmp" if args.smoke else RESULTS)
    results = run(plan, out)
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
