"""Vendor the browser assets folium references into ``static/vendor/`` (served at ``/app/static/vendor``).

Our users sit behind networks where cdn.jsdelivr.net, cdnjs, code.jquery.com and
netdna.bootstrapcdn.com are blocked, so every script, stylesheet, image and font a folium map
loads has to come from the app itself. This script:

1. asks folium at run time which URLs the vendored element classes reference
   (``ELEMENT_CLASSES``: their ``default_js`` / ``default_css``), so a folium upgrade that
   bumps e.g. Leaflet is picked up by re-running it, and a URL no rule knows stops it;
2. maps each URL to the exact package release it names (``RULES``) and fetches that release
   with the ordinary registry client (``npm pack``; ``pip download`` for the one folium file
   that is on no npm package);
3. copies only the files needed: the referenced js/css, every image/font those css files
   reference (followed transitively) and the package's licence file, into
   ``static/vendor/<npm tarball stem>/<path inside the package>``, so relative ``url(...)``
   references inside the css keep working unchanged;
4. writes ``static/vendor/MANIFEST.json``: per package the registry, version, tarball name and
   integrity, licence; per file its sha256, size and the CDN URL(s) it replaces.

The output is a pure function of the folium version and the registry contents (no timestamps,
sorted JSON), so re-running reproduces the same bytes; ``--check`` verifies the committed tree
against the manifest and folium without any network.

Usage:  python scripts/vendor_assets.py            # (re)build static/vendor
        python scripts/vendor_assets.py --check    # offline verification
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = ROOT / "static" / "vendor"
MANIFEST_NAME = "MANIFEST.json"

# Element classes whose assets are vendored. Core folium only for now: folium.Map carries the
# whole Leaflet/Bootstrap/Font-Awesome/awesome-markers stack every map needs. To use a plugin
# (say folium.plugins.Fullscreen), add it here and re-run: its jsDelivr npm URLs need no new rule.
ELEMENT_CLASSES = [
    "folium.folium.Map",
    "folium.plugins.MarkerCluster",
    "folium.plugins.dual_map.DualMap",
    "app.webmap.pagemap.RegionsPane",
]  # the cluster: facility lists; DualMap: side by side; RegionsPane: the page map's TopoJSON (topojson-client)


class VendorError(RuntimeError):
    """A URL, package or file could not be vendored as required."""


@dataclass(frozen=True)
class Source:
    """Where the local copy of one CDN URL comes from."""

    registry: str  # "npm" or "pypi"
    package: str
    version: str
    path: str  # path inside the package (npm: below "package/"; pypi sdist: below "<name>-<version>/")
    derive: str | None = None  # name of a transformation in DERIVATIONS, else the file is copied verbatim
    note: str | None = None  # why this source differs from what the CDN URL literally names


def _npm_jsdelivr(m: re.Match) -> Source:
    version = m["version"]
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        # jsDelivr resolves ranges like vega@5 at request time; that is not reproducible.
        raise VendorError(f"{m.string}: version {version!r} is a range, not an exact release")
    return Source("npm", m["package"], version, m["path"])


def _jquery(m: re.Match) -> Source:
    # code.jquery.com/jquery-X.Y.Z.min.js is byte-for-byte the jquery@X.Y.Z npm release's dist file.
    return Source("npm", "jquery", m["version"], f"dist/jquery{m['min'] or ''}.js")


def _awesome_markers(m: re.Match) -> Source:
    # cdnjs mirrors the upstream lvoogdt/Leaflet.awesome-markers v2.0.2 tag. The upstream npm name
    # "leaflet.awesome-markers" has no 2.0.2 (2.0.0, then 2.0.4/2.0.5 from a fork that doubled the
    # sprite to add square markers), so we take the exact 2.0.2 files from the long-standing shim
    # package of the upstream repo, which lays them out as js/ and css/ (css/images/ for sprites).
    return Source(
        "npm",
        "drmonty-leaflet-awesome-markers",
        m["version"],
        f"{m['ext']}/{m['file']}",
        note="cdnjs Leaflet.awesome-markers/2.0.2 is not on npm under its own name; "
        "drmonty-leaflet-awesome-markers@2.0.2 ships the same upstream v2.0.2 files.",
    )


def _glyphicons(m: re.Match) -> Source:
    # netdna's bootstrap/3.0.0/css/bootstrap-glyphicons.css is a pre-release stand-alone glyphicon
    # sheet that never was an npm release (npm's bootstrap starts at 3.1.1; the final 3.0.0 folded
    # glyphicons back into bootstrap.css) and whose font URLs 404 even on netdna. The closest
    # maintained equivalent is the glyphicon section of the last Bootstrap 3 release, cut out of
    # bootstrap@3.4.1's dist/css/bootstrap.css, with the fonts it references. Cutting it out matters:
    # the full Bootstrap 3 sheet would fight folium's Bootstrap 5.
    return Source(
        "npm",
        "bootstrap",
        "3.4.1",
        "dist/css/bootstrap-glyphicons.css",
        derive="glyphicons",
        note="netdna bootstrap/3.0.0 bootstrap-glyphicons.css is on no npm release; substituted by "
        "the glyphicon rules and fonts of bootstrap@3.4.1 (dist/css/bootstrap.css, cut by "
        "this script).",
    )


def _leaflet_sync(m: re.Match) -> Source:
    # folium's DualMap names Leaflet.Sync from jsDelivr's unversioned GitHub path (the default branch); we
    # pin the last npm release, leaflet.sync@0.2.4, which ships the unminified L.Map.Sync.js.
    return Source(
        "npm",
        "leaflet.sync",
        "0.2.4",
        "L.Map.Sync.js",
        note="jsDelivr serves jieter/Leaflet.Sync from its GitHub default branch (unversioned); substituted by "
        "L.Map.Sync.js of the last npm release, leaflet.sync@0.2.4.",
    )


def _folium_template(m: re.Match) -> Source:
    # jsDelivr serves this from folium's git default branch (unversioned). It is on no npm package;
    # folium's own PyPI sdist ships the unminified source of the same stylesheet, so we take it
    # from the sdist of the installed folium version.
    import folium

    return Source(
        "pypi",
        "folium",
        folium.__version__,
        f"folium/templates/{m['stem']}.css",
        note="served by jsDelivr from folium's GitHub default branch, on no npm package; taken "
        "unminified from the folium sdist on PyPI matching the installed folium.",
    )


def _markercluster(m: re.Match) -> Source:
    # cdnjs leaflet.markercluster/X.Y.Z mirrors the dist/ folder of the npm release of the same version.
    return Source("npm", "leaflet.markercluster", m["version"], f"dist/{m['file']}")


# (pattern, resolver). Patterns are anchored and as narrow as possible: an unknown host or a new
# path shape must stop the script rather than be guessed at.
RULES: list[tuple[re.Pattern[str], object]] = [
    (
        re.compile(
            r"https://cdn\.jsdelivr\.net/gh/python-visualization/folium/folium/templates/"
            r"(?P<stem>[\w.-]+?)(?:\.min)?\.css"
        ),
        _folium_template,
    ),
    (
        re.compile(
            r"https://cdn\.jsdelivr\.net/npm/(?P<package>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>[^/]+)/"
            r"(?P<path>[\w./@-]+)"
        ),
        _npm_jsdelivr,
    ),
    (re.compile(r"https://cdn\.jsdelivr\.net/gh/jieter/Leaflet\.Sync/L\.Map\.Sync(?:\.min)?\.js"), _leaflet_sync),
    (re.compile(r"https://code\.jquery\.com/jquery-(?P<version>\d+\.\d+\.\d+)(?P<min>\.min)?\.js"), _jquery),
    (
        re.compile(
            r"https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/(?P<version>\d+\.\d+\.\d+)/"
            r"(?P<file>leaflet\.awesome-markers(?:\.min)?\.(?P<ext>js|css))"
        ),
        _awesome_markers,
    ),
    (
        re.compile(
            r"https://cdnjs\.cloudflare\.com/ajax/libs/leaflet\.markercluster/(?P<version>\d+\.\d+\.\d+)/"
            r"(?P<file>(?:leaflet\.markercluster|MarkerCluster(?:\.Default)?)\.(?:js|css))"
        ),
        _markercluster,
    ),
    (re.compile(r"https://netdna\.bootstrapcdn\.com/bootstrap/3\.0\.0/css/bootstrap-glyphicons\.css"), _glyphicons),
]

# Files a package's JavaScript (not its css) loads by URL, so css scanning cannot find them.
# Leaflet's L.Icon.Default builds marker-icon-2x.png / marker-shadow.png from the images/ folder.
EXTRA_FILES = {"leaflet": ["dist/images/*.png"]}

# A package that ships no licence file gets the licence text of the upstream project it repackages.
# The drmonty shim declares MIT with a link to upstream's LICENSE; the upstream text (same author,
# same code: the js is byte-identical) is shipped in leaflet.awesome-markers@2.0.5.
LICENCE_FALLBACK = {"drmonty-leaflet-awesome-markers": ("leaflet.awesome-markers", "2.0.5", "LICENSE")}

_LICENCE_FILE = re.compile(r"(?i)(mit-)?(licen[cs]e|copying)(\.(txt|md))?")  # MIT-LICENCE.txt: leaflet.markercluster
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]+))\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""")


def css_references(css: str) -> list[str]:
    """Relative file references in a stylesheet (url() and @import), without ?query/#fragment.

    data: URIs and fragment-only references (``url(#default#VML)``) load nothing; an absolute
    http(s) reference would be a foreign request hidden inside a vendored file, so it is an error.
    """
    refs = []
    for groups in [*_CSS_URL.findall(css), *_CSS_IMPORT.findall(css)]:
        ref = next(g for g in groups if g)
        if ref.startswith(("data:", "#")):
            continue
        if re.match(r"(?i)([a-z]+:)?//", ref):
            raise VendorError(f"stylesheet references an absolute URL: {ref}")
        ref = re.split(r"[?#]", ref, maxsplit=1)[0]
        if ref not in refs:
            refs.append(ref)
    return refs


def _glyphicons_slice(files: dict[str, bytes]) -> bytes:
    """The glyphicon section of Bootstrap 3's dist/css/bootstrap.css (its @font-face + .glyphicon* rules)."""
    css = files["dist/css/bootstrap.css"].decode()
    banner = css[: css.index("*/") + 2]
    start = css.index('@font-face {\n  font-family: "Glyphicons Halflings";')
    end = css.index("\n* {\n", start) + 1
    section = css[start:end]
    # Every top-level rule of the section must be the font face or a .glyphicon rule; anything else
    # means Bootstrap's layout changed and the cut would leak general Bootstrap 3 styles.
    heads = [line for line in section.splitlines() if line and not line.startswith((" ", "}"))]
    stray = [h for h in heads if not h.startswith((".glyphicon", "@font-face"))]
    if stray or heads.count("@font-face {") != 1:
        raise VendorError(f"unexpected rules in Bootstrap 3 glyphicon section: {stray[:3]}")
    first = css.count("\n", 0, start) + 1
    last = css.count("\n", 0, end)
    note = (
        f"\n/* Glyphicons only: lines {first}-{last} of bootstrap@3.4.1 dist/css/bootstrap.css,"
        f" cut by scripts/vendor_assets.py. */\n"
    )
    return (banner + note + section).encode()


DERIVATIONS = {"glyphicons": (_glyphicons_slice, "dist/css/bootstrap.css")}


@dataclass
class Package:
    registry: str
    name: str
    version: str
    archive: str  # the tarball's file name as the registry serves it
    integrity: str  # npm's sha512 integrity, or sha256 of the sdist
    licence: str
    files: dict[str, bytes]  # every file of the release, by path inside the package
    notes: list[str] = field(default_factory=list)

    @property
    def dir(self) -> str:
        """Folder under static/vendor: the npm tarball stem (leaflet-1.9.3, fortawesome-fontawesome-free-6.2.0)."""
        return re.sub(r"\.(tgz|tar\.gz)$", "", self.archive)


def _run(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode:
        raise VendorError(f"{' '.join(cmd)} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def _read_tar(path: Path, prefix: str) -> dict[str, bytes]:
    out = {}
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(prefix):
                out[member.name[len(prefix) :]] = tar.extractfile(member).read()
    return out


def fetch_npm(name: str, version: str, workdir: Path) -> Package:
    info = json.loads(
        _run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)], cwd=workdir)
    )[0]
    files = _read_tar(workdir / info["filename"], "package/")
    meta = json.loads(files["package.json"])
    licence = meta.get("license") or " OR ".join(x["type"] for x in meta.get("licenses", []))
    if isinstance(licence, dict):  # old package.json style {"type": "MIT", "url": ...}
        licence = licence["type"]
    return Package("npm", name, version, info["filename"], info["integrity"], licence or "UNKNOWN", files)


def fetch_pypi_sdist(name: str, version: str, workdir: Path) -> Package:
    dest = workdir / f"pypi-{name}"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(dest),
            f"{name}=={version}",
        ],
        cwd=workdir,
    )
    (sdist,) = dest.glob("*.tar.gz")
    files = _read_tar(sdist, f"{sdist.name[: -len('.tar.gz')]}/")
    licence = re.search(r"^License(?:-Expression)?: (.+)$", files["PKG-INFO"].decode(), re.M)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    return Package(
        "pypi", name, version, sdist.name, f"sha256-{digest}", licence.group(1).strip() if licence else "UNKNOWN", files
    )


def element_urls(class_paths: list[str] = ELEMENT_CLASSES) -> list[str]:
    """Every CDN URL the given folium element classes reference, in folium's order."""
    urls = []
    for dotted in class_paths:
        module, _, name = dotted.rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        for _, url in [*getattr(cls, "default_js", []), *getattr(cls, "default_css", [])]:
            if url not in urls:
                urls.append(url)
    return urls


def resolve(url: str) -> Source:
    for pattern, resolver in RULES:
        if m := pattern.fullmatch(url):
            return resolver(m)
    raise VendorError(f"no vendoring rule knows {url}; add one to RULES in {Path(__file__).name}")


def build(urls: list[str], workdir: Path) -> tuple[dict[str, bytes], dict]:
    """Fetch and select everything; return (files by path under static/vendor, manifest)."""
    packages: dict[tuple[str, str, str], Package] = {}

    def package(registry: str, name: str, version: str) -> Package:
        key = (registry, name, version)
        if key not in packages:
            fetch = fetch_npm if registry == "npm" else fetch_pypi_sdist
            packages[key] = fetch(name, version, workdir)
        return packages[key]

    out: dict[str, bytes] = {}
    entries: dict[str, dict] = {}

    def add(pkg: Package, path: str, content: bytes | None = None, **info) -> str:
        rel = f"{pkg.dir}/{path}"
        if content is None:
            if path not in pkg.files:
                raise VendorError(f"{pkg.name}@{pkg.version} has no file {path}")
            content = pkg.files[path]
        out[rel] = content
        entry = entries.setdefault(rel, {"package": pkg.dir, "replaces": [], "referenced_by": []})
        for key, value in info.items():
            if key in ("replaces", "referenced_by"):
                entry[key] = sorted({*entry[key], value})
            else:
                entry[key] = value
        if path.endswith(".css"):  # follow the images/fonts (and @imports) the stylesheet loads
            for ref in css_references(content.decode()):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref))
                if target.startswith("../"):
                    raise VendorError(f"{rel} references {ref} outside its package")
                add(pkg, target, referenced_by=rel)
        return rel

    for url in urls:
        src = resolve(url)
        pkg = package(src.registry, src.package, src.version)
        if src.note and src.note not in pkg.notes:
            pkg.notes.append(src.note)
        if src.derive:
            derive, derived_from = DERIVATIONS[src.derive]
            add(pkg, src.path, derive(pkg.files), replaces=url, derived_from=derived_from)
        else:
            add(pkg, src.path, replaces=url)

    manifest_packages = {}
    for pkg in list(packages.values()):  # a licence donor may be fetched while iterating
        for pattern in EXTRA_FILES.get(pkg.name, []):
            for path in sorted(fnmatch.filter(pkg.files, pattern)):
                add(pkg, path, referenced_by="javascript")
        licence_files = sorted(p for p in pkg.files if "/" not in p and _LICENCE_FILE.fullmatch(p))
        licence_source = None
        if not licence_files:
            if pkg.name not in LICENCE_FALLBACK:
                raise VendorError(f"{pkg.name}@{pkg.version} ships no licence file and has no fallback")
            name, version, path = LICENCE_FALLBACK[pkg.name]
            donor = package("npm", name, version)
            out[f"{pkg.dir}/{path}"] = donor.files[path]
            entries[f"{pkg.dir}/{path}"] = {"package": pkg.dir, "replaces": [], "referenced_by": []}
            licence_files, licence_source = [path], f"{donor.archive}: {path}"
        for path in licence_files:
            if f"{pkg.dir}/{path}" not in out:
                add(pkg, path)
        manifest_packages[pkg.dir] = {
            "registry": pkg.registry,
            "package": pkg.name,
            "version": pkg.version,
            "tarball": pkg.archive,
            "integrity": pkg.integrity,
            "licence": pkg.licence,
            "licence_files": [f"{pkg.dir}/{p}" for p in licence_files],
            **({"licence_file_source": licence_source} if licence_source else {}),
            **({"note": " ".join(pkg.notes)} if pkg.notes else {}),
        }

    # Packages only fetched to borrow a licence text are not vendored themselves.
    manifest_packages = {k: v for k, v in manifest_packages.items() if any(e["package"] == k for e in entries.values())}
    import folium

    manifest = {
        "generated_by": "scripts/vendor_assets.py (do not edit by hand; re-run it)",
        "folium_version": folium.__version__,
        "element_classes": ELEMENT_CLASSES,
        "packages": dict(sorted(manifest_packages.items())),
        "files": {
            rel: {
                **{k: v for k, v in sorted(entry.items()) if v != []},
                "sha256": hashlib.sha256(out[rel]).hexdigest(),
                "size": len(out[rel]),
            }
            for rel, entry in sorted(entries.items())
        },
    }
    return out, manifest


def write(out: dict[str, bytes], manifest: dict, vendor_dir: Path = VENDOR_DIR) -> None:
    # static/vendor is wholly generated: clear it so files dropped from the manifest disappear.
    if vendor_dir.exists():
        shutil.rmtree(vendor_dir)
    for rel, content in out.items():
        path = vendor_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (vendor_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def check(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Offline: problems between the committed tree, its manifest and the installed folium."""
    manifest = json.loads((vendor_dir / MANIFEST_NAME).read_text())
    problems = []
    for rel, entry in manifest["files"].items():
        path = vendor_dir / rel
        if not path.is_file():
            problems.append(f"missing {rel}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"sha256 mismatch {rel}")
    on_disk = {p.relative_to(vendor_dir).as_posix() for p in vendor_dir.rglob("*") if p.is_file()}
    problems += [f"not in manifest: {rel}" for rel in sorted(on_disk - set(manifest["files"]) - {MANIFEST_NAME})]
    replaced = {url for e in manifest["files"].values() for url in e.get("replaces", [])}
    problems += [
        f"folium references {url} but nothing replaces it (re-run the script)"
        for url in element_urls(manifest["element_classes"])
        if url not in replaced
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify static/vendor offline, fetch nothing")
    parser.add_argument("--dest", type=Path, default=VENDOR_DIR, help="output folder (default: static/vendor)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.dest)
        print("\n".join(problems) or f"{args.dest}: all files match {MANIFEST_NAME}")
        return 1 if problems else 0
    with tempfile.TemporaryDirectory() as tmp:
        out, manifest = build(element_urls(), Path(tmp))
    write(out, manifest, args.dest)
    for key, pkg in manifest["packages"].items():
        n = sum(1 for e in manifest["files"].values() if e["package"] == key)
        print(f"{key:<42} {pkg['registry']:<4} {pkg['licence']:<32} {n:>2} files")
    print(f"{len(out)} files, {sum(map(len, out.values())) / 1e6:.2f} MB -> {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
