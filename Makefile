# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test lint typecheck pytest compat docs-check bench browser promtool graphviz mlflow clean

# Older Sphinx lines the spec supports; the main .venv has the newest.
COMPAT_SPHINX := 7.4 8.2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make demo` needs only what the docs need; `make test` adds the test tools.
DOCS_STAMP := $(VENV)/.installed-docs

$(DOCS_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	touch $(STAMP) $(DOCS_STAMP)

demo: $(DOCS_STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo
	@echo "The docs are built: open $(CURDIR)/docs/_build/html/index.html"
	@echo "The worked example at a glance: $(CURDIR)/docs/_build/html/example/rollups.html"
	@echo "What gaps look like: $(CURDIR)/docs/_build/html/gaps/rollups.html"

# The docs with live reload while you edit them (http://127.0.0.1:8000).
serve: $(DOCS_STAMP)
	$(BIN)/sphinx-autobuild docs docs/_build/serve --watch sphinxcontrib_mldesign

lint: $(STAMP)
	$(BIN)/ruff check sphinxcontrib_mldesign tests benchmarks tools docs/conf.py docs/_ext
	$(BIN)/ruff format --check sphinxcontrib_mldesign tests benchmarks tools docs/conf.py docs/_ext

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

docs-check: $(STAMP)
	rm -rf docs/_build/check
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/check

# The suite again on each older Sphinx line, each in its own small venv.
compat: $(STAMP)
	@for v in $(COMPAT_SPHINX); do \
	  venv=.venv-sphinx$$v; \
	  if [ ! -f $$venv/.installed ] || [ pyproject.toml -nt $$venv/.installed ] || [ Makefile -nt $$venv/.installed ]; then \
	    $(PYTHON) -m venv $$venv && \
	    $$venv/bin/python -m pip install --quiet "sphinx~=$$v.0" myst-parser pydata-sphinx-theme sphinx-design pytest -e . && \
	    touch $$venv/.installed || exit 1; \
	  fi; \
	  echo "== pytest on Sphinx $$($$venv/bin/python -c 'import sphinx; print(sphinx.__version__)')"; \
	  $$venv/bin/python -m pytest -q -p no:cacheprovider || exit 1; \
	done

test: lint typecheck pytest compat docs-check

# Debian's Chromium and ChromeDriver, for the browser test (tests/test_browser.py).
# Without them that test is skipped locally; in CI (CI set) it fails instead.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
	  echo "Chromium and ChromeDriver are installed."; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

# Debian packages some tests need: installed when their command is missing.
# $(call apt_install,<command>,<package>)
define apt_install
	@if command -v $(1) >/dev/null 2>&1; then \
	  echo "$(1) is installed."; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(2); \
	fi
endef

# Prometheus' promtool, for tests/test_alerts.py: it checks and runs the rules mldesign
# alerts writes. Without it those tests skip; in CI they fail.
promtool:
	$(call apt_install,promtool,prometheus)

# Graphviz's dot, which draws ml-architecture and ml-trace (without it the diagrams are left
# out and their tables stay); the diagram tests check the real SVG with it.
graphviz:
	$(call apt_install,dot,graphviz)

# A real MLflow tracking server, for the tests of mlflow: observed values
# (tests/test_observe_mlflow.py, tests/test_observe_cli.py). In its own venv: mlflow pulls
# 100+ packages, and the package itself asks MLflow over its REST API, importing none of it.
# Pinned to a release that installs (the newest can lag its mlflow-tracing twin). Without
# it those tests skip; in CI they fail.
MLFLOW := .venv-mlflow
MLFLOW_VERSION := 3.18.0
$(MLFLOW)/.installed-$(MLFLOW_VERSION):
	$(PYTHON) -m venv $(MLFLOW)
	$(MLFLOW)/bin/python -m pip install --quiet "mlflow==$(MLFLOW_VERSION)"
	touch $@

mlflow: $(MLFLOW)/.installed-$(MLFLOW_VERSION)

# The benchmark harness, in its own venv with sphinx-needs (a comparison, not a dependency).
BENCH := .venv-bench
$(BENCH)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet "sphinx==9.0.4" "sphinx-needs==9.1.0" -e .
	touch $@

bench: $(BENCH)/.installed
	$(BENCH)/bin/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf docs/_build build *.egg-info
