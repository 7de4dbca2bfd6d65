"""Build hook: the wheel carries the shipped files in the package ``atlas_files``.

A wheel can only install packages, and the atlas reads its data, vendored assets and page script at run time
(geodata/resources.py). An editable install reads them from the checkout, so nothing is copied then.
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("data", "static/vendor", "static/atlas", "streamlit_app.py", ".streamlit/config.toml")
PACKAGE = "atlas_files"


class BuildWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / PACKAGE
        target.mkdir(parents=True, exist_ok=True)
        (target / "__init__.py").write_text(
            '"""The Sichuan Coverage Atlas\'s shipped files: data/, static/, the page script (read-only)."""\n'
        )
        for name in SHIPPED:
            source, dest = ROOT / name, target / name
            if source.is_dir():
                shutil.copytree(source, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest)


setup(cmdclass={"build_py": BuildWithShippedFiles})
