"""``coverage-atlas brief``: the brief of one prefecture as a multi-page A4 PDF (app/export/brief.py).

The plan pages come from a norm and a supply given as flags, or from the plan page's address (``--url``, read by
the page's own parser; flags win). A bad value stops it with one line naming the valid choices (exit status 2);
the file is written to a temporary file beside ``--out`` and renamed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from app.cli.export import ERROR_STATUS, UsageError, one_line_errors, user_registry, write_atomically

BRIEF_THEMES = ("child_protection", "elderly_care")  # app.export.briefrequest.BRIEF_THEMES, without pandas


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("brief", help="a prefecture's brief: key figures, county maps, rankings, merger, plan (PDF)")
    one_line_errors(p)
    p.add_argument("--area", required=True, help="a prefecture: its code (513400) or name (凉山州)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"])
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument(
        "--theme", choices=BRIEF_THEMES, help="whose layers are mapped (default: the norm's, else child protection)"
    )
    p.add_argument("--url", help="the plan page's address (…/?mode=plan&pnorm=…&psupply=…); flags override it")
    p.add_argument("--norm", help="a norm id (data/norms.toml, or user_norm_N) for the plan pages")
    p.add_argument("--supply", help="the supply layer (user_N: a facility list's county counts, or a count layer)")
    p.add_argument("--year", choices=["2021", "2023"], help="the township list the norm is counted on (default 2023)")
    p.add_argument("--note", help="the map-use note on every page")
    p.set_defaults(func=_brief)


def _area(text: str) -> str:
    from geodata.codes import RegionLookupError, gazetteer

    gaz = gazetteer()
    try:
        code = gaz.resolve(text)
    except RegionLookupError as exc:
        raise UsageError(f"--area {text!r}: {exc}") from None
    division = gaz.by_code[code]
    if division.level == "prefecture":
        return code
    parent = gaz.by_code.get(division.parent_adcode)
    within = f"; it is in {parent.name} {parent.adcode}" if parent is not None and parent.level == "prefecture" else ""
    raise UsageError(
        f"--area {text!r} is {code} {division.name}, not a prefecture{within} (the brief is per prefecture)"
    )


def _plan_params(args: argparse.Namespace) -> dict[str, str]:
    params: dict[str, str] = {}
    if args.url:
        parts = urlsplit(args.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--url {args.url!r} is not an http(s) address such as http://localhost:8501/?mode=plan…")
        params = {k: v[-1] for k, v in parse_qs(parts.query).items() if k in ("pnorm", "psupply", "pyear")}
    for flag, key in (("norm", "pnorm"), ("supply", "psupply"), ("year", "pyear")):
        if getattr(args, flag) is not None:
            params[key] = getattr(args, flag)
    return params


def _brief(args: argparse.Namespace) -> int:
    from app.core.viewstate import Notice, ViewState, from_query_params
    from app.export.brief import BriefError, BriefRequest, build_brief
    from geodata.boundaries import load_boundaries
    from layers.norms import shipped_norms
    from layers.planstore import facility_sets_of, planner_norms
    from layers.userstore import open_store

    prog = "coverage-atlas brief"
    registry = user_registry(prog)
    try:
        area = _area(args.area)
        params = _plan_params(args)
        try:
            store = open_store()
            catalogue = shipped_norms().with_planner_norms(planner_norms(store))
            facility_sets = facility_sets_of(store)
        except Exception as exc:  # the store cannot be read: shipped norms, no supply
            print(f"{prog}: warning: user store unavailable ({exc}); shipped norms only", file=sys.stderr)
            catalogue, facility_sets = shipped_norms(), {}
        plan = None
        if params:
            view, notices = from_query_params({**params, "mode": "plan"}, registry)
            if notices:
                raise UsageError(notices[0].text("en"))
            if view.plan_norm not in catalogue:
                raise UsageError(f"--norm {view.plan_norm!r} is not a norm; choose from: {', '.join(catalogue.norms)}")
            from app.core.plan import sanitise_plan, supply_ids

            norm = catalogue.get(view.plan_norm)
            if not norm.computable:
                raise UsageError(f"norm {norm.id!r} gives no shortfall: {norm.reason('en')}")

            checked: list[Notice] = []
            sanitise_plan(view, catalogue, registry, facility_sets, checked)
            if checked:
                offered = supply_ids(registry, facility_sets, catalogue.get(view.plan_norm)) or ["none saved"]
                raise UsageError(f"{checked[0].text('en')}; choose from: {', '.join(offered)}")
            if not view.plan_supply:
                raise UsageError("the plan pages need a supply: --supply user_N (a facility list or a count layer)")
            plan = replace(
                ViewState(),
                mode="plan",
                plan_norm=view.plan_norm,
                plan_supply=view.plan_supply,
                plan_year=view.plan_year,
            )
        theme = args.theme or (catalogue.get(plan.plan_norm).theme if plan is not None else "child_protection")
        if theme not in BRIEF_THEMES:
            theme = "child_protection"
        request = BriefRequest(area=area, lang=args.lang, theme=theme, plan=plan, date=dt.date.today(), note=args.note)
        counties = load_boundaries("county", detail="web", datum="wgs84")
        out = Path(args.out)
        size = write_atomically(out, lambda: build_brief(request, registry, catalogue, facility_sets, counties))
    except (UsageError, BriefError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return ERROR_STATUS
    print(f"wrote {out} ({size:,} bytes)")
    return 0
