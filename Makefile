# Two entry points: `make book` builds the HTML book, `make test` runs every test.
# Both first create .venv and install the exact pins of requirements.txt into it.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
export PYTHONHASHSEED = 0
export PYDEVD_DISABLE_FILE_VALIDATION = 1

.PHONY: book test lint validate clean-build clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

validate: $(STAMP)
	$(PY) -m iranaz validate

book: validate
	$(PY) -m iranaz cache-guard
	$(VENV)/bin/jupyter-book build . --builder html -n -W --keep-going

lint: $(STAMP)
	$(VENV)/bin/ruff check iranaz tests

test: lint
	$(PY) -m pytest

clean-build:
	rm -rf _build

clean: clean-build
	rm -rf $(VENV)
