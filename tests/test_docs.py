"""Every user-facing option is documented in the README (after datasette's test_docs.py)."""

import re
import tomllib
from pathlib import Path

import pytest

from app.cli.main import build_parser
from app.core.basemaps import BASEMAPS
from app.core.viewstate import _KEYS
from geodata.regions import ECONOMIC_REGIONS
from layers import default_registry
from layers.classify import SCHEMES
from layers.groups import GROUPS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands():
    first_block = re.search(r"```(?:bash)?\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    assert README.index("```") < 200


@pytest.mark.parametrize("param", sorted(_KEYS.values()))
def test_every_url_parameter_is_documented(param):
    assert f"`{param}`" in README


@pytest.mark.parametrize("value", [*SCHEMES, *BASEMAPS, "tianditu", *ECONOMIC_REGIONS, *GROUPS])
def test_every_url_value_is_documented(value):
    assert f"`{value}`" in README


@pytest.mark.parametrize("layer", [layer.id for layer in default_registry().list_layers()])
def test_every_visible_layer_is_documented(layer):
    assert f"`{layer}`" in README


def test_every_cli_command_is_documented():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"coverage-atlas {name}" in README


def test_ci_checks_lint_and_types_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make lint" in ci and "make test" in ci
    assert ci.index("make lint") < ci.index("make test")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff format --check" in lint and "ruff check" in lint and "mypy" in lint


def test_checker_versions_are_pinned_in_one_place():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = pyproject["project"]["optional-dependencies"]["lint"]
    pins = {re.split(r"==", spec)[0]: spec for spec in lint if "==" in spec}
    assert {"ruff", "mypy", "pre-commit"} <= set(pins)
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    # The hooks run the tools from .venv (installed from those pins), never a second pinned copy.
    assert "rev:" not in hooks and "repo: local" in hooks
    assert all(f".venv/bin/{tool}" in hooks for tool in ("ruff", "mypy"))


def test_default_basemap_works_in_mainland_china_and_is_documented():
    from app.core.viewstate import DEFAULT

    # CartoDB and OpenStreetMap tiles are blocked in mainland China: a new user would see grey.
    assert DEFAULT.basemap in ("amap", "none")
    assert BASEMAPS[DEFAULT.basemap].datum == ("gcj02" if DEFAULT.basemap == "amap" else "wgs84")
    row = next(line for line in README.splitlines() if line.startswith("| `basemap` |"))
    assert row.rstrip(" |").endswith(f"(`{DEFAULT.basemap}`)")
    assert "in mainland China use Amap/Gaode" in README
