# Two entry points: `make book` builds the HTML book, `make test` runs every test.
# Both first create .venv and install the exact pins of requirements.txt into it.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
export PYTHONHASHSEED = 0
export PYDEVD_DISABLE_FILE_VALIDATION = 1

CFF_VENV ?= .venv-cff
CFF_STAMP = $(CFF_VENV)/.installed-$(shell cat requirements-cff.txt | cksum | cut -d' ' -f1)

.PHONY: book test lint validate clean-build clean pdf metadata cff-venv bench

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

validate: $(STAMP)
	$(PY) -m iranaz validate

# CITATION.cff and LICENSE from the metadata in _config.yml (the tests fail while they are stale).
metadata: $(STAMP)
	$(PY) -m iranaz.cite write

# The book in _build/html (iranaz.build.build_book): checks the data, runs the chapters on
# every core, then jupyter-book build -n -W --keep-going; nothing to do if nothing changed.
book: $(STAMP)
	$(PY) -m iranaz build

lint: $(STAMP)
	$(VENV)/bin/ruff check iranaz tests

# cffconvert, which validates CITATION.cff in the tests, in its own venv (it needs jsonschema<4).
$(CFF_STAMP): requirements-cff.txt
	test -x $(CFF_VENV)/bin/python || $(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cff.txt
	rm -f $(CFF_VENV)/.installed-*
	touch $@

cff-venv: $(CFF_STAMP)

test: lint $(CFF_STAMP)
	$(PY) -m pytest

# The whole book as one PDF, printed by Debian's chromium (apt-get install chromium).
pdf: book
	$(PY) -m iranaz.pdf --html _build/html

# Budgets of issue #4 (build times, page bytes, time to charts drawn), offline output vs
# Altair's CDN default, on copies of the book in a temp folder (docs/benchmarks.md).
bench: validate
	$(PY) bench/bench.py

clean-build:
	rm -rf _build

clean: clean-build
	rm -rf $(VENV) $(CFF_VENV)
