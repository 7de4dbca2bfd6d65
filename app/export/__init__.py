"""Exports of exactly the current view: print maps, data files, offline HTML and the batch atlas.

Every builder is a pure function of (boundaries, :class:`app.core.mapdata.MapData`, options) returning
bytes; classes and colours come from the MapData the screen uses, never recomputed here.
"""
