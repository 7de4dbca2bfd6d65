"""Accessibility checks in the browser with axe-core (vendored for the tests only: tests/support/vendor)."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SERIOUS = ("serious", "critical")

# axe.run over the page and, through axe's own frame messaging, every iframe that has axe too (the map).
RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations'], iframes: true});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary}))
  }));
}
"""


def axe_violations(page, impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    """axe-core's violations of ``impacts`` on the page as it is now, its frames included."""
    source = AXE.read_text(encoding="utf-8")
    for frame in page.frames:
        if not frame.is_detached():
            frame.evaluate(source)  # a script in each frame: the map's iframe is checked as part of the page
    return [v for v in page.evaluate(RUN) if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])})")
        lines += [f"    {n['target']} {n['html'][:120]!r}\n      {n['summary'][:300]}" for n in v["nodes"][:6]]
    return "\n".join(lines)
