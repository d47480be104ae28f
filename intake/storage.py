"""Files on disk, stored by the sha256 of their bytes, never by a sender's name.

Layout under `storage.path`: ``raw/ab/abcdef….eml`` for whole messages and
``files/ab/abcdef…`` for attachments. Every write goes to a temp file in the
same folder, is fsynced, then renamed: a crash leaves either no file or the
whole file, never half of one (rename is atomic on POSIX file systems).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from intake.errors import StorageError


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put_raw(self, data: bytes) -> tuple[str, Path]:
        """Stores a whole message; returns its sha256 and path."""
        return self._put(data, "raw", ".eml")

    def put_file(self, data: bytes) -> tuple[str, Path]:
        """Stores an attachment's bytes; returns its sha256 and path."""
        return self._put(data, "files", "")

    def raw_path(self, sha256: str) -> Path:
        return self.root / "raw" / sha256[:2] / f"{sha256}.eml"

    def file_path(self, sha256: str) -> Path:
        return self.root / "files" / sha256[:2] / sha256

    def read_raw(self, sha256: str) -> bytes:
        try:
            return self.raw_path(sha256).read_bytes()
        except OSError as e:
            raise StorageError(f"raw message {sha256} cannot be read: {e}") from e

    def _put(self, data: bytes, area: str, suffix: str) -> tuple[str, Path]:
        digest = hashlib.sha256(data).hexdigest()
        path = self.root / area / digest[:2] / f"{digest}{suffix}"
        if path.exists() and path.stat().st_size == len(data):
            return digest, path
        try:
            atomic_write(path, data)
        except OSError as e:
            raise StorageError(f"cannot write {path}: {e}") from e
        return digest, path


def atomic_write(path: Path, data: bytes) -> None:
    """Writes `data` to `path` via temp file + fsync + rename (+ fsync of the dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
