"""What app/ui/streamlit_internals.py relies on in Streamlit, checked against the installed release: a new
Streamlit that changes any of it fails here, by name, before a page breaks."""

from __future__ import annotations

import dataclasses
import inspect
import tomllib
from pathlib import Path

from streamlit.runtime.scriptrunner import ScriptRunContext, get_script_run_ctx
from streamlit.testing.v1 import AppTest

from app.ui import serving, streamlit_internals

ROOT = Path(__file__).resolve().parents[1]


def _page() -> None:
    import streamlit as st

    from app.ui.streamlit_internals import is_history_navigation

    st.write(f"history navigation: {is_history_navigation()}")


def test_a_run_context_says_whether_it_is_a_history_navigation():
    assert "is_history_navigation" in {f.name for f in dataclasses.fields(ScriptRunContext)}
    at = AppTest.from_function(_page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.value for m in at.markdown] == ["history navigation: False"]
    assert get_script_run_ctx() is None  # outside a run there is none, and the adapter says False
    assert streamlit_internals.is_history_navigation() is False


def test_streamlits_command_line_entry_takes_args_and_prog_name():
    from streamlit.web import cli

    parameters = inspect.signature(cli.main.main).parameters
    assert {"args", "prog_name"} <= set(parameters)
    assert "run" in cli.main.commands


def test_the_server_options_are_real_streamlit_options_and_match_the_config_file():
    from streamlit import config

    for key in serving.SERVER_OPTIONS:
        config.get_option(key)  # raises for an option this Streamlit does not have
    file = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    flat = {f"{section}.{k}": v for section, options in file.items() for k, v in options.items()}
    as_text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in flat.items()}
    flags = serving.server_flags()  # what `serve` passes: the same settings (the upload limit from its variable)
    assert as_text == {key.removeprefix("--"): value for key, value in zip(flags[::2], flags[1::2], strict=True)}


def test_the_page_css_selects_only_test_ids_the_adapter_lists():
    import re

    from app.ui.panels import PAGE_CSS
    from app.ui.upload import uploader_css

    used = set(re.findall(r'data-testid="(\w+)"', PAGE_CSS + uploader_css("zh")))
    listed = {
        *streamlit_internals.TESTIDS,
        *streamlit_internals.TESTIDS_SOMETIMES,
        *streamlit_internals.TESTIDS_UPLOADER,
    }
    assert used <= listed, used - listed
