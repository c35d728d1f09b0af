# Two commands for a newcomer: `make run` and `make test`. Both bootstrap .venv first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= results
TEST_WORKERS ?= 2

.PHONY: run test test-all test-slow lint typecheck format bench demo messages clean help

help:
	@echo "make run    - install into .venv and run experiments/default.toml into $(OUT)/ with its report"
	@echo "make test   - install into .venv and run the test suite"
	@echo "make test-slow - the full statistical pattern tests (many seeds)"
	@echo "make lint   - ruff"
	@echo "make typecheck - mypy on simulation/ (make test runs it too, in tests/test_types.py)"
	@echo "make bench  - benchmarks (ratios against a baseline measured in the same run)"
	@echo "make demo   - the classroom app on http://127.0.0.1:8521"
	@echo "make messages - extract the classroom's strings into simulation/locale/*.po (Babel)"

$(STAMP): pyproject.toml
	@set -e; py=$$(sh .ci/find-python); \
	  if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/alliances sweep experiments/default.toml --out $(OUT)
	$(VENV)/bin/alliances report $(OUT)

test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test-slow: $(STAMP)
	$(PY) -m pytest -m slow -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) benchmarks/run.py

demo: $(STAMP)
	$(VENV)/bin/alliances demo

messages: $(STAMP)
	$(PY) -m simulation.i18n

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache
