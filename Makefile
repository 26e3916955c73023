# chipstack: every target sets itself up (creates .venv and installs what it needs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.chipstack-installed

.PHONY: test test-browser demo lab vectors bench lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check reference tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict

test: lint typecheck
	$(BIN)/python -m pytest

# The real-browser check (issue 10): Voila serves notebooks/05-poker-hand.ipynb on
# 127.0.0.1, Playwright drives Debian's headless Chromium through a hand; screenshots
# go to build/browser/. Installs the browser extra and, when missing, Debian's
# chromium (never a browser download of Playwright's own).
CHROMIUM      := /usr/bin/chromium
BROWSER_STAMP := $(VENV)/.chipstack-browser
SUDO          := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks,browser]'
	touch $(BROWSER_STAMP)

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

test-browser: $(BROWSER_STAMP) $(CHROMIUM)
	CHIPSTACK_BROWSER=1 $(BIN)/python -m pytest tests/browser

demo: $(STAMP)
	$(BIN)/chipstack demo

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

vectors: $(STAMP)
	$(BIN)/chipstack vectors generate

bench: $(STAMP)
	@for f in benchmarks/*.py; do \
		case $$f in benchmarks/timing.py) continue;; esac; \
		echo "== $$f"; $(BIN)/python $$f $(BENCH_ARGS) || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
