# The two commands of the README: `make run` and `make test`. Both can be run again and again.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_UNITS ?= 60
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install assets lint format messages clean

## run: install, migrate the embedded SQLite database, make demo users and data, serve on :8000
run: install assets
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py create_demo_users
	DEBUG=1 $(BIN)/python manage.py seed_demo --units $(DEMO_UNITS) --if-empty
	DEBUG=1 $(BIN)/python manage.py seed_demo_documents --if-empty
	DEBUG=1 $(BIN)/python manage.py seed_demo_records --if-empty
	DEBUG=1 $(BIN)/python manage.py seed_demo_loans --if-empty
	DEBUG=1 $(BIN)/python manage.py seed_demo_destruction --if-empty
	DEBUG=1 $(BIN)/python manage.py seed_demo_reports --if-empty
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what the tests need and run the whole suite, one process per CPU (at most 8;
## TEST_WORKERS=0 runs it in this process, PYTEST_ARGS adds options, e.g. a path or -k)
TEST_WORKERS ?= auto
test: install assets
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses=8 $(PYTEST_ARGS)

install: $(VENV)/.installed

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

## assets: Bootstrap, its icons and htmx from the npm registry, pinned by package-lock.json
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the static assets (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## lint: ruff, and import-linter's floors (pyproject.toml, docs/ARCHITECTURE.md)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh locale/*/django.po from the code (needs GNU gettext) and compile them
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=node_modules --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules var
