from app.core.i18n import TEXT, UNITS_EN, t, unit_text
from layers.summary import province_summary


def test_every_string_exists_in_both_languages():
    # One test over every key (it was one test per key): the failure lists every key that is wrong.
    missing = [key for key, (zh, en) in sorted(TEXT.items()) if not (zh.strip() and en.strip())]
    assert missing == [], f"strings missing a language: {missing}"
    wrong = [key for key, (zh, en) in TEXT.items() if "{" not in zh and (t(key, "zh"), t(key, "en")) != (zh, en)]
    assert wrong == [], f"t() does not give these strings as written: {wrong}"


def test_every_unit_of_the_summary_has_an_english_rendering():
    units = set(province_summary()["unit"])
    assert units <= set(UNITS_EN), units - set(UNITS_EN)
    assert unit_text("万人", "en") == "× 10,000 persons"
    assert unit_text("万人", "zh") == "万人"


def test_placeholders_match_between_languages():
    import re

    for key, (zh, en) in TEXT.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_export_modules_take_their_strings_from_here():
    """One table of UI strings: the export modules keep no TEXT/_t of their own (they drifted apart before)."""
    import ast
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "app" / "export").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets if hasattr(t, "id")
        }
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert "TEXT" not in names and "_t" not in functions, path.name
