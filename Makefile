# One entry point for developers. Uses the virtualenv in $(VENV) (default .venv).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test lint format bench ci

$(PY):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -e '.[test]'

test: $(PY)
	$(PY) -m pytest

lint: $(PY)
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests

format: $(PY)
	$(PY) -m ruff format src tests

# Time the commands users run most, on the real graph.
bench: $(PY)
	$(PY) bench/bench_cli.py

ci:
	bash .ci/run
