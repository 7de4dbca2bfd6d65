"""What a brief is asked for (a prefecture, a language, a theme, a plan), apart from the drawing: the page's form
and the command check a request without loading matplotlib (app/export/brief.py draws it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.core.viewstate import LANGS, ViewState
from geodata.codes import gazetteer

BRIEF_THEMES = ("child_protection", "elderly_care")


class BriefError(ValueError):
    """A request the brief cannot be made for; the message names the valid choices."""


@dataclass(frozen=True)
class BriefRequest:
    area: str  # a prefecture code
    lang: str = "zh"
    theme: str = "child_protection"
    plan: ViewState | None = None  # a plan view: its norm, supply and township list give the plan pages
    date: dt.date = field(default_factory=dt.date.today)
    note: str | None = None  # the map-use note (default: MAP_USE_NOTE)

    def check(self) -> None:
        prefectures = {d.adcode for d in gazetteer().current("prefecture")}
        if self.area not in prefectures:
            raise BriefError(
                f"area {self.area!r} is not a prefecture code; choose from: {', '.join(sorted(prefectures))}"
            )
        if self.lang not in LANGS:
            raise BriefError(f"lang {self.lang!r} is not one of {', '.join(LANGS)}")
        if self.theme not in BRIEF_THEMES:
            raise BriefError(f"theme {self.theme!r} is not one of {', '.join(BRIEF_THEMES)}")
