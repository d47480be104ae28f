"""Running the real commands and the real server for the benchmark.

Every measured thing is its own process: `intake poll` exactly as the staff
run it, and the floor (bench.floor). Wall time is taken around the process;
peak RSS is the child's own ru_maxrss from wait4(2), so one measurement
never inherits the peak of an earlier one (RUSAGE_CHILDREN keeps the
maximum over every child ever waited for).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.corpus import ROOT

sys.path.insert(0, str(ROOT / "tests"))

from conftest import write_config  # noqa: E402
from servers import Dovecot  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
PASSWORD_VAR = "BENCH_IMAP_PASSWORD"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


# The measured command runs under this small launcher, not as our own child:
# a child forked from this process (which holds the campaign's mail) would
# count our pages in its ru_maxrss until it execs. The launcher is ~10 MB.
_LAUNCHER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    json.dump({"rc": rc, "seconds": seconds, "maxrss_kb": peak}, f)
"""


def measured(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> Run:
    """Runs `cmd` to its end; its wall time and its own peak RSS."""
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        proc = subprocess.run([sys.executable, "-c", _LAUNCHER, result.name, *cmd], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
        data = json.loads(Path(result.name).read_text() or "{}")
    if proc.returncode != 0 or data.get("rc") != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr[-4000:]}")
    return Run(data["seconds"], data["maxrss_kb"] / 1024, proc.stdout, proc.stderr)


def compile_bytecode() -> None:
    """Our modules' .pyc files, as `pip install` writes them for an installed
    application. Without them each measured process compiles our source
    again (~20 ms of an idle poll): this machine sets PYTHONDONTWRITEBYTECODE,
    and an editable install is never compiled. The libraries in the venv
    were compiled when pip installed them."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", "intake", "parsers", "rules", "db", "bench"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


# --------------------------------------------------------------- server

def start_dovecot(workdir: Path) -> Dovecot:
    server = Dovecot(workdir / "dovecot")
    server.start()
    return server


def append_all(server: Dovecot, mails: Iterable[tuple[bytes, datetime | None]],
               folder: str = "INBOX", chunk_bytes: int = 64 * 1024 * 1024) -> int:
    """APPENDs with each message's INTERNALDATE (the campaign's dates, so the
    deadline rule judges them as in time). MULTIAPPEND (RFC 3502) of up to
    `chunk_bytes` per command: Dovecot syncs once per command, and one APPEND
    per message (~15 ms each) would make the 20,000-message mailbox cost
    five minutes to fill."""
    count = 0
    with server.client() as c:
        chunk: list[dict] = []
        size = 0
        for raw, when in mails:
            chunk.append({"msg": raw, "date": when} if when else {"msg": raw})
            size += len(raw)
            if size >= chunk_bytes or len(chunk) >= 2000:
                c.multiappend(folder, chunk)
                count, chunk, size = count + len(chunk), [], 0
        if chunk:
            c.multiappend(folder, chunk)
            count += len(chunk)
    return count


# --------------------------------------------------------------- intake

def intake_config(folder_dir: Path, server: Dovecot, imap_folder: str = "INBOX") -> Path:
    """A config of its own (database, storage, outbox) for one measurement.
    Replies go to an outbox folder: sending is not what is measured here."""
    folder_dir.mkdir(parents=True, exist_ok=True)
    return write_config(
        folder_dir,
        mailbox={"kind": "imap", "host": server.host, "port": server.port, "tls": False,
                 "username": server.user, "password": "${%s}" % PASSWORD_VAR,
                 "folder": imap_folder},
        smtp={"kind": "outbox", "path": str(folder_dir / "outbox")})


def intake_poll(config: Path, server: Dovecot) -> Run:
    """`intake poll` as the staff run it."""
    return measured([PYTHON, "-m", "intake", "--config", str(config), "poll"],
                    env={PASSWORD_VAR: server.password})


def floor(server: Dovecot, imap_folder: str = "INBOX") -> tuple[Run, dict]:
    run = measured([PYTHON, "-m", "bench.floor", "--host", server.host, "--port",
                    str(server.port), "--user", server.user, "--password", server.password,
                    "--folder", imap_folder])
    return run, json.loads(run.stdout.strip().splitlines()[-1])


_IN_PROCESS = """
import json, sys, time
from intake import config as c
from intake.app import App
from intake.pipeline import poll
from pathlib import Path
app = App.from_config(c.load(Path(sys.argv[1])))
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); poll(app); times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def idle_polls(config: Path, server: Dovecot, repeat: int = 5) -> dict[str, float]:
    """An idle poll measured twice: the whole `intake poll` process (what a
    cron job pays) and poll() alone in a process that stays up (what
    `intake run` pays every cycle). Medians over `repeat`: single runs on a
    shared 2-core machine vary by ±20 ms."""
    env = {PASSWORD_VAR: server.password}
    command = [PYTHON, "-m", "intake", "--config", str(config), "poll"]
    measured(command, env=env)      # once unmeasured: it caches the parsed config file
    walls = [measured(command, env=env) for _ in range(repeat)]
    inside = measured([PYTHON, "-c", _IN_PROCESS, str(config), str(repeat)], env=env)
    loop = json.loads(inside.stdout.strip().splitlines()[-1])
    return {"process_s": statistics.median(r.seconds for r in walls),
            "process_s_all": [r.seconds for r in walls],
            "process_rss_mb": max(r.peak_rss_mb for r in walls),
            "poll_s": statistics.median(loop[1:] or loop),   # the first warms caches
            "summary": walls[-1].stdout.strip()}
