"""The CJK font for print maps: Noto Sans SC (SIL Open Font License 1.1) from the PyPI package
``pylopdf-fonts-zh-cn``, registered with matplotlib at run time so no system font is needed."""

from __future__ import annotations

import functools
from pathlib import Path

import pylopdf_fonts_zh_cn
from matplotlib import font_manager

FONT_PACKAGE = "pylopdf-fonts-zh-cn"
FONT_LICENCE = "SIL Open Font License 1.1"


def font_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


@functools.cache
def font_family() -> str:
    """Register the bundled Noto Sans SC once per process; return its matplotlib family name."""
    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()
