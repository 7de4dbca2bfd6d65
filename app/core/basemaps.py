"""Basemaps and the datum each needs: Amap/Gaode tiles are GCJ-02, the others WGS84."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import xyzservices.providers as xyz
from xyzservices import TileProvider


@dataclass(frozen=True)
class Basemap:
    id: str
    label_zh: str
    label_en: str
    datum: str  # the datum the boundaries must be drawn in over these tiles
    provider: TileProvider | None

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    def tile_url(self) -> str:
        p = self.provider
        if p is None:
            raise ValueError(f"basemap {self.id!r} has no tiles")
        kwargs = {"scale_factor": "{r}"} if "{r}" in p.url else {}
        if p.name.startswith("CartoDB"):
            key = os.environ.get("CARTO_API_KEY", "").strip()
            if key:
                kwargs["apikey"] = key
            else:
                # xyzservices now marks CARTO as keyed but still serves the keyless URL; CARTO_API_KEY adds one.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return str(p.build_url(**kwargs))
        return str(p.build_url(**kwargs))


def _tianditu(key: str) -> TileProvider:
    # xyzservices has no Tianditu entry; this is the documented WMTS vector layer (Web Mercator).
    return TileProvider(
        name="Tianditu.Vector",
        url="https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        subdomains="01234567",
        key=key,
        max_zoom=18,
        attribution="&copy; 天地图 Tianditu (国家地理信息公共服务平台)",
    )


def _gaode() -> TileProvider:
    # xyzservices lists Gaode over http://; an https page would have its tiles treated as mixed content.
    p = xyz.Gaode.Normal
    return TileProvider({**p, "url": p.url.replace("http://", "https://", 1)})


def _basemaps() -> dict[str, Basemap]:
    # Menu order: what works in mainland China first (Amap, Tianditu), then none, then the foreign tiles.
    out = {"amap": Basemap("amap", "高德地图（GCJ-02）", "Amap / Gaode (GCJ-02)", "gcj02", _gaode())}
    key = os.environ.get("TIANDITU_KEY", "").strip()
    if key:
        out["tianditu"] = Basemap("tianditu", "天地图", "Tianditu", "wgs84", _tianditu(key))
    out["none"] = Basemap("none", "无底图", "No basemap", "wgs84", None)
    out["cartodb_positron"] = Basemap(
        "cartodb_positron",
        "CartoDB Positron（境外）",
        "CartoDB Positron (outside China)",
        "wgs84",
        xyz.CartoDB.Positron,
    )
    out["openstreetmap"] = Basemap(
        "openstreetmap", "OpenStreetMap（境外）", "OpenStreetMap (outside China)", "wgs84", xyz.OpenStreetMap.Mapnik
    )
    return out


BASEMAPS: dict[str, Basemap] = _basemaps()
