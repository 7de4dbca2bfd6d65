"""Where the shipped, read-only files are: ``data/``, ``static/``, the page script and its Streamlit config.

A checkout has them at the top of the repository. A wheel can only install packages, so the build copies them
into the package ``atlas_files`` (setup.py); an installed atlas reads them from there. Nothing is written here
at run time: caches and generated files go to :func:`geodata.cache_dir.cache_dir`.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
WHEEL_PACKAGE = "atlas_files"


@functools.cache
def shipped_root() -> Path:
    """The folder holding ``data/``, ``static/`` and ``streamlit_app.py``."""
    if (CHECKOUT / "streamlit_app.py").is_file() and (CHECKOUT / "data").is_dir():
        return CHECKOUT  # a checkout (editable install or PYTHONPATH): its own files, never an older wheel's
    spec = importlib.util.find_spec(WHEEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"neither a checkout at {CHECKOUT} nor the package {WHEEL_PACKAGE} holds data/")
    return Path(next(iter(spec.submodule_search_locations)))


def shipped(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``shipped("data", "gazetteer")``."""
    return shipped_root().joinpath(*parts)
