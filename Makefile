# Entry points: `make run` (the app on http://localhost:8501), `make test` (the whole suite), `make test-fast`
# (all but the browser and network tiers), `make lint`, `make lock` (refresh requirements.lock).
# The virtualenv is made on first use and reinstalled when requirements.lock or pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
UV_VERSION = 0.13.9
PYTEST_FLAGS ?= -n 2 --dist loadgroup --durations=15

.PHONY: run test test-fast lint lock system-deps data bench wheel

$(VENV)/.installed: requirements.lock pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/coverage-atlas serve --port 8501

system-deps:
	bash scripts/ensure_system_deps.sh

# Two workers: the browser tests share one server and one Chromium in one of them (conftest.py).
test: $(VENV)/.installed system-deps
	$(PY) -m pytest $(PYTEST_FLAGS)

test-fast: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_FLAGS) -m "not browser and not network"

# Format check, lint, types and the rooms' import contracts (pyproject.toml); CI runs this first.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Every pinned version and hash, for Python 3.11 on Linux, from the ranges in pyproject.toml (README "Upgrading").
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra lint --extra postgresql \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header \
		--output-file requirements.lock

wheel:
	$(PY) -m pip wheel . --no-deps -w dist

# Rebuild the committed derived tables from the npm code lists (needs the npm registry or its cache).
data: $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py
	$(PY) scripts/build_townships.py
	$(PY) scripts/build_names_en.py
	$(PY) scripts/build_township_names_en.py

# The benchmarks: map builder vs explore() in one process, then the page in headless Chromium
# (atlas vs naive app vs bare Streamlit page; RUNS=N for more or fewer runs).
RUNS ?= 5
bench: $(VENV)/.installed system-deps
	$(PY) bench/map_size.py --repeat $(RUNS)
	$(PY) bench/page_speed.py --runs $(RUNS)
	$(PY) bench/export.py
	$(PY) bench/import.py
	$(PY) bench/compare.py --runs $(RUNS)
	$(PY) bench/sessions.py
	$(PY) bench/brief.py --repeat $(RUNS)
