"""Runs the real `intake` command in a subprocess, as the staff would."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def intake(*args: str, config: Path | None = None, check: bool = True,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "intake"]
    if config is not None:
        cmd += ["--config", str(config)]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"intake {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc
