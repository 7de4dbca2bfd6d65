"""Where processed files are cached: ``$COVERAGE_ATLAS_CACHE`` or ``$XDG_CACHE_HOME/coverage-atlas``."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """A subfolder of the cache for one kind of file (``boundaries``, ``npm`` …), created if missing."""
    base = os.environ.get("COVERAGE_ATLAS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "coverage-atlas"
    )
    path = Path(base) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
