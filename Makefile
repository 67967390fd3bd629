# Two entry points: `make book` builds the HTML book, `make test` runs every test.
# Both first create .venv and install the exact pins of requirements.txt into it.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DATATABLES = node_modules/datatables.net/package.json
export PYTHONHASHSEED = 0
export PYDEVD_DISABLE_FILE_VALIDATION = 1

CFF_VENV ?= .venv-cff
CFF_STAMP = $(CFF_VENV)/.installed-$(shell cat requirements-cff.txt | cksum | cut -d' ' -f1)

.PHONY: book lab test test-fast lint validate clean-build clean pdf metadata cff-venv bench bench-quick system-tools

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

validate: $(STAMP)
	$(PY) -m iranaz validate

# CITATION.cff and LICENSE from the metadata in _config.yml (the tests fail while they are stale).
metadata: $(STAMP)
	$(PY) -m iranaz metadata write

# The book in _build/html (iranaz.book.build.build_book): checks the data, runs the chapters on
# every core, then jupyter-book build -n -W --keep-going; nothing to do if nothing changed.
book: $(STAMP) $(DATATABLES)
	$(PY) -m iranaz build

# DataTables, the event explorer's table library, which the build copies from node_modules: as
# package-lock.json locks it, installed by npm ci when missing (npm sets 1985 mtimes: touch).
$(DATATABLES): package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make book needs npm, for DataTables (package-lock.json). Run:  sudo apt-get install -y npm  then make book again." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

# JupyterLab on notebooks/, the MyST chapters opening as notebooks (jupytext's contents manager;
# jupyterlab-overrides.json makes "Jupytext Notebook" their default viewer). Options for
# jupyter lab go in LAB_ARGS, e.g. make lab LAB_ARGS="--no-browser --port=8899". As root (a
# container), Jupyter refuses to start without --allow-root, so it is passed.
LAB_ARGS ?=
LAB_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	install -D -m 644 jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ROOT) $(LAB_ARGS)

# What pip cannot install: Debian's chromium (browser tests, PDF) and npm (ESLint, axe-core).
# As root, apt-get installs what is missing; otherwise make stops with the command to run.
SYSTEM_TOOLS = chromium npm
system-tools:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	  else \
	    echo "make test needs$$missing, which pip cannot install. Run:  sudo apt-get install -y$$missing  then make test again." >&2; exit 1; \
	  fi; \
	fi

# The JavaScript tools, exactly as package-lock.json locks them.
node_modules/.installed: package-lock.json | system-tools
	npm ci --no-audit --no-fund
	touch $@

lint: $(STAMP) node_modules/.installed
	$(VENV)/bin/ruff check iranaz tests bench
	node_modules/.bin/eslint iranaz/book/static tests

# cffconvert, which validates CITATION.cff in the tests, in its own venv (it needs jsonschema<4).
$(CFF_STAMP): requirements-cff.txt
	test -x $(CFF_VENV)/bin/python || $(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cff.txt
	rm -f $(CFF_VENV)/.installed-*
	touch $@

cff-venv: $(CFF_STAMP)

# Everything: lint, data, units, every chapter, the book built once and read in a browser.
test: lint $(CFF_STAMP) system-tools
	$(PY) -m pytest

# The inner loop: no book build, no browser (a minute or so); node_modules for the test that
# regenerates the maps' boundaries from world-atlas.
test-fast: $(STAMP) $(CFF_STAMP) node_modules/.installed
	$(PY) -m pytest -m "not build and not browser"

# The whole book as one PDF, printed by Debian's chromium (apt-get install chromium).
pdf: book system-tools
	$(PY) -m iranaz pdf

# Budgets (build times, page bytes, loading vs drawing, growth with 10x the data), offline
# output vs Altair's CDN default, on copies of the book in a temp folder (docs/benchmarks.md).
bench: validate system-tools
	$(PY) bench/bench.py

# The same, once over: one page load a page, no scaling run (a check that the bench works).
bench-quick: validate system-tools
	$(PY) bench/bench.py --quick

clean-build:
	rm -rf _build

clean: clean-build
	rm -rf $(VENV) $(CFF_VENV)
