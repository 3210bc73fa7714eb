# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs-check bench serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo
	@echo "The example design doc is built: open $(CURDIR)/docs/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check sphinxcontrib_mldesign tests benchmarks docs/conf.py docs/_ext
	$(BIN)/ruff format --check sphinxcontrib_mldesign tests benchmarks docs/conf.py docs/_ext

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

docs-check: $(STAMP)
	rm -rf docs/_build/check
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/check

test: lint typecheck pytest docs-check

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf docs/_build build *.egg-info
