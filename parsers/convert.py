"""Converting .doc (Word 97–2003), .wps and RTF-in-.doc files to .docx with
LibreOffice headless.

Each conversion runs in its own temporary directory with its own user
profile (``-env:UserInstallation``): two soffice processes sharing a profile
block each other, and a profile left by a crashed run can stall the next.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from intake.errors import WordError


class ConverterMissing(WordError):
    """LibreOffice is not installed where the service runs."""


def soffice_path() -> str | None:
    """The LibreOffice binary, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # soffice.bin is a child of the soffice wrapper script: end the whole group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _run(cmd: list[str], timeout: float) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _kill_group(proc)
        raise WordError(f"转换超时（超过 {timeout:.0f} 秒）") from e
    if proc.returncode != 0:
        raise WordError(f"LibreOffice 转换失败：{err.decode('utf-8', 'replace')[-200:]}")


# Input filters by suffix. Without one, LibreOffice falls back to importing an
# unrecognised file as plain text and "converts" noise; with one it refuses.
INFILTERS = {".doc": "MS Word 97", ".wps": "MS Word 97", ".dot": "MS Word 97",
             ".wpt": "MS Word 97", ".rtf": "Rich Text Format"}


def convert_to(data: bytes, suffix: str, target: str = "docx", *, timeout: float = 60.0) -> bytes:
    """The file converted to `target` ("docx", "pdf", "doc"); raises WordError."""
    binary = soffice_path()
    if binary is None:
        raise ConverterMissing("服务器无法转换此格式")
    with tempfile.TemporaryDirectory(prefix="intake-soffice-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        out = Path(tmp) / "out"
        infilter = [f"--infilter={INFILTERS[suffix]}"] if suffix in INFILTERS else []
        _run([binary, f"-env:UserInstallation={profile.as_uri()}", "--headless",
              "--norestore", "--nolockcheck", *infilter, "--convert-to", target,
              "--outdir", str(out), str(src)], timeout)
        produced = out / f"input.{target.split(':', 1)[0]}"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise WordError("LibreOffice 未能打开此文件")
        return produced.read_bytes()


def convert_to_docx(data: bytes, suffix: str, *, timeout: float = 60.0) -> bytes:
    """A .doc/.wps/.rtf file as .docx bytes; raises WordError / ConverterMissing."""
    return convert_to(data, suffix, "docx", timeout=timeout)
