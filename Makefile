# Two commands for a newcomer: `make run` and `make test`. Each bootstraps .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-postgres lint bench soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python worker.py --demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The domain and the projections alone: no Temporal server, seconds (the whole suite: make test).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests/domain tests/projections

# The store contract alone (SQLite and a PostgreSQL server the tests start and stop).
test-postgres: $(STAMP)
	$(BIN)/python -m pytest -q tests/postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_commands.py
	$(BIN)/python bench/bench_procedure.py

# Flakes are defects: the whole suite SOAK_RUNS times (default 5) with a CPU hog per core beside
# each run (scripts/soak.py); a line per run, a summary, non-zero if any run failed.
# Not part of `make test`. Extra pytest arguments: make soak SOAK_ARGS='-k replay'.
SOAK_RUNS ?= 5
soak: $(STAMP)
	$(BIN)/python scripts/soak.py --runs $(SOAK_RUNS) -- $(SOAK_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
