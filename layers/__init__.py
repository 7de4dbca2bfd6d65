"""Indicator layers: records, registry, validated data and classification. No Streamlit here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from layers.model import BuilderSpec, DerivedSpec, IndicatorSpec, Layer
    from layers.registry import THEMES, Registry, default_registry, get_layer, list_layers, load_registry
    from layers.tables import DataValidationError, Problem, Source

_WHERE = {
    **dict.fromkeys(("BuilderSpec", "DerivedSpec", "IndicatorSpec", "Layer"), "layers.model"),
    **dict.fromkeys(
        ("THEMES", "Registry", "default_registry", "get_layer", "list_layers", "load_registry"), "layers.registry"
    ),
    **dict.fromkeys(("DataValidationError", "Problem", "Source"), "layers.tables"),
}


def __getattr__(name: str) -> Any:
    # The registry and its tables need pandas (about a second to import): `import layers.text` (a command's first
    # lines) or `layers.upload` need not pay for it, so the package's names are loaded on first use.
    if name not in _WHERE:
        raise AttributeError(f"module 'layers' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


__all__ = [
    "THEMES",
    "BuilderSpec",
    "DataValidationError",
    "DerivedSpec",
    "IndicatorSpec",
    "Layer",
    "Problem",
    "Registry",
    "Source",
    "default_registry",
    "get_layer",
    "list_layers",
    "load_registry",
]
