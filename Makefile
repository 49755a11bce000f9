# Clemency task runner. `make demo` and `make test` are all the set-up there is.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed
EXTRAS ?= web,documents,dev,spark
PORT   ?= 8000
# pytest caches each test module with its asserts rewritten, in the module's __pycache__, unless
# PYTHONDONTWRITEBYTECODE is set (as on our machines): then every run and every xdist worker
# rewrote all of them again, about 7 s of a worker's 13 s of collecting. The test targets clear
# it; the package itself is compiled when the environment is installed.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

.PHONY: demo test coverage test-fast lint lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/clemency demo --port $(PORT)

test: $(STAMP)
	$(PYTEST) -n 2 --dist worksteal $(PYTEST_ARGS)

# `make coverage`: the suite of `make test`, measuring branch coverage (docs/architecture.md,
# "Tests and coverage"); it fails below the whole package's floor ([tool.coverage.report]
# fail_under in pyproject.toml) and below ENGINE_FLOOR in the rules engine. CI runs it (with
# --e2e) in place of `make test`.
# The engine is covered whole (100% of lines and branches since 2026-12-06): keep it so.
ENGINE_FLOOR := 100
coverage: $(STAMP)
	$(PYTEST) -n 2 --dist worksteal --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)
	$(BIN)/coverage report --include='src/clemency/eligibility/*' --fail-under=$(ENGINE_FLOOR)

# `make test-fast`: the loop while working: SQLite only (PostgreSQL, the browser, Spark and `slow`
# tests are left to `make test` and CI) and the `quick` Hypothesis profile (tests/property/
# profiles.py). Its figures and its goal: docs/performance.md,
# "The test suite".
test-fast: $(STAMP)
	CLEMENCY_HYPOTHESIS_PROFILE=$${CLEMENCY_HYPOTHESIS_PROFILE:-quick} $(PYTEST) -n 2 --dist worksteal -m "not e2e and not spark and not slow and not postgres" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

lock: $(BIN)/python
	$(UV) pip compile pyproject.toml --extra web --extra documents --extra dev --extra spark \
	    --python-version 3.11 --quiet -o requirements.lock

bench: $(STAMP)
	$(BIN)/python benchmarks/screening.py --rows 1000000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
