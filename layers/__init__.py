"""Indicator layers: records, registry, validated data and classification. No Streamlit here."""

from layers.model import BuilderSpec, DerivedSpec, IndicatorSpec, Layer
from layers.registry import THEMES, Registry, default_registry, get_layer, list_layers, load_registry
from layers.tables import DataValidationError, Problem, Source

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
