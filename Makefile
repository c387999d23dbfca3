# Grappe: `make run` serves the demo, `make test` runs every test. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1:8000
# The laptop demo: debug pages and a development secret key. Production sets its own environment.
DEMO_ENV := DEBUG=$${DEBUG:-true}

.PHONY: help install install-test run test test-sqlite test-postgres test-replicas lint messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/grappe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: $(BIN)/grappe pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(BIN)/grappe ## Create .venv and install Grappe

install-test: $(VENV)/.test-installed ## Install Grappe with the test tools

run: install ## Migrate the SQLite database, load the demo data, serve on http://127.0.0.1:8000
	$(DEMO_ENV) $(BIN)/grappe migrate --verbosity 1
	$(DEMO_ENV) $(BIN)/grappe demo
	$(DEMO_ENV) $(BIN)/grappe createcurator curator --if-missing --random-password
	$(DEMO_ENV) $(BIN)/grappe serve $(ADDRESS)

test: test-sqlite test-postgres test-replicas ## Run the whole test suite on SQLite, on PostgreSQL, then the read replica tests

test-sqlite: install-test ## Lint, check migrations, run every test on the embedded SQLite
	$(BIN)/ruff check grappe tests bench
	$(BIN)/ruff format --check grappe tests bench
	DEBUG=true GRAPPE_DATA_DIR=$$(mktemp -d) $(BIN)/grappe makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-test ## Run every test on a throwaway PostgreSQL cluster (needs postgresql)
	bin/with-postgres $(BIN)/pytest $(PYTEST_ARGS)

test-replicas: install-test ## Run the read replica tests on a throwaway primary and streaming replica (needs postgresql)
	bin/with-replica $(BIN)/pytest tests/test_replicas.py $(PYTEST_ARGS)

lint: install-test ## Fix what ruff can fix
	$(BIN)/ruff format grappe tests
	$(BIN)/ruff check --fix grappe tests

messages: install ## Update the French catalogue, then compile it (needs gettext)
	cd grappe && DEBUG=true ../$(BIN)/grappe makemessages --locale fr --no-location --no-obsolete
	cd grappe && DEBUG=true ../$(BIN)/grappe compilemessages --locale fr

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
