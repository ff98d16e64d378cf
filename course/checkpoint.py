"""Checkpoint files: one ``.npz`` with a JSON header, written atomically.

A checkpoint is written to a temporary file in the same folder, flushed to
disk and then renamed over the old one (``os.replace``), so an interrupted
save never leaves a half-written file: the previous checkpoint stays intact.
Reading checks the file and reports a corrupt or foreign file as a
``ValueError`` that names it.  A path that is not a regular file (a folder,
a FIFO, a device) is refused by both, rather than read from or written to
(reading a FIFO would wait forever).  A temporary file left behind by a save
that was killed (``kill -9``, a power cut) is removed by the next save of
the same path.
"""

from __future__ import annotations

import glob
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["write", "read", "atomic_write_bytes"]

_META_KEY = "__meta__"


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} is not a regular file (a folder, a FIFO or a device): choose a file path")
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def _remove_stale_temporaries(path: Path) -> None:
    """Delete the temporary files of earlier saves of ``path`` that never finished (killed mid-write)."""
    for stale in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
        try:
            if stale.is_file():
                stale.unlink()
        except OSError:
            pass


def write(path: str | Path, meta: dict, arrays: dict[str, np.ndarray]) -> Path:
    """Save ``meta`` (JSON-able) and named arrays to ``path`` atomically."""
    buf = io.BytesIO()
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload[_META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(buf, **payload)
    return atomic_write_bytes(path, buf.getvalue())


def read(path: str | Path, arrays: bool = True) -> tuple[dict, dict[str, np.ndarray]]:
    """Load a checkpoint; raise ``FileNotFoundError`` or ``ValueError`` (corrupt, foreign)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    if not path.is_file():
        raise ValueError(f"{path} is not a valid checkpoint file: it is not a regular file "
                         f"(a folder, a FIFO or a device)")
    try:
        with np.load(path, allow_pickle=False) as z:
            if _META_KEY not in z.files:
                raise ValueError("it has no course-kit header")
            meta = json.loads(z[_META_KEY].tobytes().decode())
            out = {k: z[k] for k in z.files if k != _META_KEY} if arrays else {}
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, UnicodeDecodeError,
            json.JSONDecodeError, ValueError) as e:
        raise ValueError(f"{path} is not a valid checkpoint file (corrupt or not written by this kit): {e}") from None
    return meta, out
