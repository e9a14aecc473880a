# One entry point for developers. Uses the virtualenv in $(VENV) (default .venv).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test test-large lint format bench fuzz ci

$(PY):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -e '.[test]'

test: $(PY)
	$(PY) -m pytest

# Also the ~100k-triple synthetic graph pushed to a private Virtuoso (about 3 minutes more).
test-large: $(PY)
	DIPLOKG_TEST_LARGE=1 $(PY) -m pytest tests/test_remote.py

lint: $(PY)
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests

format: $(PY)
	$(PY) -m ruff format src tests

# Time the commands users run most, on the real graph.
bench: $(PY)
	$(PY) bench/bench_cli.py

# Validate 2,000 mutated copies of data/ files: counts crashes, hangs and changed files.
fuzz: $(PY)
	$(PY) bench/fuzz_validate.py

ci:
	bash .ci/run
