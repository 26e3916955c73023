# chipstack: every target sets itself up (creates .venv and installs what it needs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.chipstack-installed

.PHONY: test test-browser demo lab vectors bench lint typecheck docs clean

$(BIN)/python:
	@echo "chipstack: creating the virtual environment $(VENV) (once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "chipstack: installing chipstack and its extras (dev, notebooks, docs) into $(VENV);"
	@echo "           the first time this downloads the dependencies and takes a few minutes"
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev,notebooks,docs]'
	@echo "chipstack: installed"
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check reference tests benchmarks docs

typecheck: $(STAMP)
	$(BIN)/mypy --strict

test: lint typecheck docs
	$(BIN)/python -m pytest

# The real-browser check (issue 10): Voila serves notebooks/05-poker-hand.ipynb on
# 127.0.0.1, Playwright drives Debian's headless Chromium through a hand; screenshots
# go to build/browser/. Installs the browser extra and, when missing, Debian's
# chromium (never a browser download of Playwright's own).
CHROMIUM      := /usr/bin/chromium
BROWSER_STAMP := $(VENV)/.chipstack-browser
SUDO          := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks,docs,browser]'
	touch $(BROWSER_STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

test-browser: $(BROWSER_STAMP) $(CHROMIUM)
	CHIPSTACK_BROWSER=1 $(BIN)/python -m pytest tests/browser

# The main job: a poker table whose house and four seats are OS processes over TCP,
# five hands dealt fairly, then the report (chipstack table, default configuration).
# `chipstack demo` still runs the per-area tour.
demo: $(STAMP)
	$(BIN)/chipstack table

# Jupyter refuses to run as root unless told to (containers often run as root).
lab: $(STAMP)
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

# The documentation site: docs/_build/html/index.html. Every notebook is executed;
# a warning (a broken reference, a failing cell) is an error.
docs: $(STAMP)
	$(BIN)/sphinx-build -b html -W --keep-going -n -q -c docs . docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

vectors: $(STAMP)
	$(BIN)/chipstack vectors generate

bench: $(STAMP)
	@for f in benchmarks/*.py; do \
		case $$f in benchmarks/timing.py) continue;; esac; \
		echo "== $$f"; $(BIN)/python $$f $(BENCH_ARGS) || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache docs/_build
