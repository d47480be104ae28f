"""Sweep ../shared/corpora/emails through `intake inspect`, bounded.

Every file is judged by the same code as ``intake inspect FILE --json``
(``intake.inspect.inspect_message`` + ``json.dumps``) in a worker process
that has an address-space limit (RLIMIT_AS) and a per-file time limit
(SIGALRM). A worker that dies (segfault, OOM kill) is recorded against the
file it was on and replaced. With ``--cli`` each file instead runs the real
command in its own process (slower: ~0.6 s per file).

    python bench/sweep_mail.py                     # whole corpus, summary on stdout
    python bench/sweep_mail.py --json out.json     # also per-file results
    python bench/sweep_mail.py --cli --sample 40   # the real CLI on every n-th file

Exit status 1 when any file failed (exception, bad JSON, timeout, crash).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MEM_MB = 2048


class FileTimeout(Exception):
    """One file took longer than the per-file limit."""


def limit_memory(mem_mb: int) -> None:
    """Caps this process's address space: a runaway parse fails with
    MemoryError instead of taking the machine down."""
    limit = mem_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def corpus_files(folder: Path, sample: int = 0) -> list[Path]:
    """Every regular file under `folder`, sorted; every n-th with `sample`."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if sample and len(files) > sample:
        step = len(files) / sample
        files = [files[int(i * step)] for i in range(sample)]
    return files


def _on_alarm(signum: int, frame: Any) -> None:
    raise FileTimeout()


def timed(fn: Callable[[Path], dict[str, Any]], path: Path, timeout: float) -> dict[str, Any]:
    """fn(path) with a wall-clock limit; never raises."""
    start = time.monotonic()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = {"ok": True, **fn(path)}
    except FileTimeout:
        result = {"ok": False, "error": f"timeout after {timeout:.0f} s"}
    except BaseException as e:  # noqa: BLE001 - the sweep records every failure
        result = {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    result.update(path=str(path), seconds=round(time.monotonic() - start, 3))
    return result


def inspect_file(path: Path) -> dict[str, Any]:
    """What `intake inspect FILE --json` does, in-process."""
    from intake.config import CampaignConfig
    from intake.inspect import inspect_message
    found = inspect_message(path.read_bytes(), CampaignConfig())
    json.loads(json.dumps(found, ensure_ascii=False))     # valid JSON, round trip
    return {"decision": found["decision"], "ignore_reason": found["ignore_reason"],
            "attachments": len(found["attachments"])}


def worker(fn: Callable[[Path], dict[str, Any]], timeout: float, mem_mb: int) -> None:
    """Reads paths on stdin, writes one JSON result per line on stdout."""
    limit_memory(mem_mb)
    for line in sys.stdin:
        result = timed(fn, Path(line.rstrip("\n")), timeout)
        result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(result, ensure_ascii=False), flush=True)


def run_workers(script: Path, files: list[Path], extra: list[str]) -> list[dict[str, Any]]:
    """Feeds `files` to `script --worker`; restarts it after a crash."""
    results: list[dict[str, Any]] = []
    todo = list(files)
    while todo:
        proc = subprocess.Popen([sys.executable, str(script), "--worker", *extra],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdin and proc.stdout
        for path in todo:
            try:
                proc.stdin.write(f"{path}\n")
                proc.stdin.flush()
            except BrokenPipeError:
                break
            line = proc.stdout.readline()
            if not line:
                break
            results.append(json.loads(line))
        done = len(results) - (len(files) - len(todo))
        todo = todo[done:]
        proc.stdin.close()
        code = proc.wait()
        if todo:    # the worker died on todo[0]
            results.append({"path": str(todo[0]), "ok": False, "seconds": None,
                            "error": f"worker died (exit {code})"})
            todo = todo[1:]
    return results


def cli_one(path: Path, timeout: float, mem_mb: int) -> dict[str, Any]:
    """The real `intake inspect FILE --json` in its own bounded process."""
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "intake", "inspect", str(path), "--json"],
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                              preexec_fn=lambda: limit_memory(mem_mb))
    except subprocess.TimeoutExpired:
        return {"path": str(path), "ok": False, "error": "timeout", "seconds": timeout}
    result: dict[str, Any] = {"path": str(path), "seconds": round(time.monotonic() - start, 3)}
    try:
        found = json.loads(proc.stdout)
        ok = proc.returncode == 0
        result.update(ok=ok, decision=found.get("decision"), ignore_reason=found.get("ignore_reason"),
                      error=None if ok else f"exit {proc.returncode}: {proc.stderr[-300:]}")
    except json.JSONDecodeError:
        result.update(ok=False, error=f"exit {proc.returncode}, no JSON: {proc.stderr[-300:]}")
    return result


def summarise(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    results = list(results)
    by_decision = Counter(r.get("decision") for r in results if r["ok"])
    reasons = Counter(r.get("ignore_reason") for r in results if r["ok"] and r.get("ignore_reason"))
    times = [r["seconds"] for r in results if r.get("seconds") is not None]
    return {"files": len(results), "failed": [r for r in results if not r["ok"]],
            "by_decision": dict(sorted(by_decision.items())),
            "ignore_reasons": dict(sorted(reasons.items())),
            "max_seconds": max(times, default=0), "total_seconds": round(sum(times), 1),
            "max_rss_mb": max((r.get("max_rss_mb", 0) for r in results), default=0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA / "emails")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    ap.add_argument("--mem-mb", type=int, default=DEFAULT_MEM_MB)
    ap.add_argument("--sample", type=int, default=0, help="only every n-th file, n files in all")
    ap.add_argument("--cli", action="store_true", help="run the real command per file")
    ap.add_argument("--json", type=Path, help="write per-file results here")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(inspect_file, args.timeout, args.mem_mb)
        return 0
    if not args.corpora.is_dir():
        print(f"no corpus at {args.corpora}", file=sys.stderr)
        return 2
    files = corpus_files(args.corpora, args.sample)
    if args.cli:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(lambda p: cli_one(p, args.timeout, args.mem_mb), files))
    else:
        results = run_workers(Path(__file__), files,
                              ["--timeout", str(args.timeout), "--mem-mb", str(args.mem_mb)])
    summary = summarise(results)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "results": results},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
