"""Planners' saved layers as ordinary registry layers (theme ``user``, ids ``user_<n>``).

The hook is one function: :func:`with_user_layers` gives a registry holding the shipped layers and every
layer in the store, so the map, details panel, exports and compare mode need nothing of their own.
The UI caches it keyed by :meth:`UserStore.revision` (app/ui/cache.py), so a change made by any app
instance on the same store is seen on the next rerun.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from layers.model import Layer, UserSpec
from layers.registry import Registry, default_registry
from layers.tables import Source
from layers.userstore import UserLayer, UserStore, open_store

USER_THEME = "user"
USER_PALETTE = "YlGnBu"
# A count can be read per 1,000 people (all, aged 60+, children 0-14) or per 1,000 km², like the shipped counts.
COUNT_NORMALISATIONS = ("pop_total", "pop_60plus", "pop_0_14", "area_km2")
USER_LICENCE_ZH = "用户上传数据"


def user_layer(record: UserLayer, values: pd.Series) -> Layer:
    """The registry layer of one saved layer (its figures inside the spec; NaN = no data, left out)."""
    figures = tuple(
        (str(code), float(v)) for code, v in sorted(values.items()) if v is not None and not math.isnan(float(v))
    )
    source = Source(record.source)
    return Layer(
        id=record.layer_id,
        title_zh=record.title,
        title_en=record.title,
        theme=USER_THEME,
        unit_zh=record.unit,
        unit_en=record.unit,
        year=record.year,
        levels=(record.level,),
        kind=record.kind,
        higher_is_better=None,
        palette=USER_PALETTE,
        sources=(source,),
        licence=USER_LICENCE_ZH,
        notes_zh=f"用户图层（第 {record.version} 版，更新于 {record.updated:%Y-%m-%d %H:%M} UTC）",
        notes_en=f"User layer (version {record.version}, updated {record.updated:%Y-%m-%d %H:%M} UTC)",
        spec=UserSpec(record.id, record.version, figures),
        normalise_by=COUNT_NORMALISATIONS if record.kind == "count" else (),
    )


def with_user_layers(store: UserStore, base: Registry | None = None) -> Registry:
    """A new registry: the shipped layers of ``base`` (default: the shipped registry) plus the store's layers.

    Shipped frames already computed are shared with ``base`` (they are keyed by the layer's spec).
    """
    base = base or default_registry()
    shipped = [layer for layer in base.list_layers(include_hidden=True) if not layer.is_user_layer]
    registry = Registry(shipped)
    registry.frames = base.frames
    for record, values in store.load_all():
        layer = user_layer(record, values)
        normalise_by = tuple(b for b in layer.normalise_by if b in registry and record.level in registry.get(b).levels)
        registry.register(replace(layer, normalise_by=normalise_by))
    return registry


def full_registry(store_url: str | None = None) -> Registry:
    """Shipped and saved layers, for the command line (exports, atlas); the app caches its own copy."""
    return with_user_layers(open_store(store_url))
