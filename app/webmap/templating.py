"""Skip Jinja for branca elements whose "template" is already rendered text.

folium renders each layer's script, then wraps the finished text in ``branca.element.Element(text)``,
whose ``__init__`` compiles it as a Jinja template — for a county map that means lexing ~600 kB of
GeoJSON a second time, about half the time of building the page. Text without Jinja syntax renders
to itself (minus one trailing newline, Jinja's default), so a literal stand-in gives the same
output without the compile. branca offers no hook; replacing the ``Template`` name inside
``branca.element`` is the smallest change, and anything with ``{{``, ``{%`` or ``{#`` still goes
to Jinja unchanged.
"""

from __future__ import annotations

from typing import Any

import branca.element
import jinja2

_JINJA = jinja2.Template
_SYNTAX = ("{{", "{%", "{#")


class _Literal:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text[:-1] if text.endswith("\n") else text  # as Jinja's keep_trailing_newline=False

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def _template(source: Any, *args: Any, **kwargs: Any) -> _Literal | jinja2.Template:
    if not args and not kwargs and isinstance(source, str) and not any(s in source for s in _SYNTAX):
        return _Literal(source)
    return _JINJA(source, *args, **kwargs)


def install() -> None:
    setattr(branca.element, "Template", _template)  # noqa: B010 -- a deliberate patch of the module


def uninstall() -> None:
    """Back to branca's own behaviour (the benchmark's naive baseline runs without the shortcut)."""
    setattr(branca.element, "Template", _JINJA)  # noqa: B010
