"""Files written whole or not at all: every cache, geometry file and export goes through here."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back (process-wide, but only for a moment).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` into a temporary file beside ``path``, then rename it over ``path``: a reader never sees
    a half-written file, and the temporary file never outlives a failure (a full disk, a directory where the
    file should be …). The file gets the usual permissions (0666 less the umask, e.g. 0644), not mkstemp's
    0600, so a planner can hand it on."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.close(fd)
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes_atomically(path: Path, data: bytes) -> int:
    write_atomically(path, lambda tmp: tmp.write_bytes(data))
    return len(data)
