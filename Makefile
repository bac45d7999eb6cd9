# The two commands of the README:
#   make run    set up, generate the demo data, load, build everything, print the summary
#   make test   every check: lint, pytest, and dbt's unit and data tests on the demo data
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint format clean help browser dashboard dagster docs benchmark

SIZE ?= m

help:
	@echo "make run    - set up, generate demo data, load, build, print the summary"
	@echo "make test   - lint, pytest and dbt unit + data tests (what CI runs)"
	@echo "make setup  - create .venv and install pinned dependencies"
	@echo "make dagster  - the Dagster UI with this warehouse's runs (http://127.0.0.1:3000)"
	@echo "make dashboard  - open the BI dashboard on the published warehouse (http://localhost:8501)"
	@echo "make docs   - build the static dbt docs site (.warehouse/docs/index.html)"
	@echo "make benchmark SIZE=s|m|l - generate, load, build, check, refresh and print timings"
	@echo "make clean  - remove generated files (.warehouse, data, target)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/warehouse demo

test: $(STAMP) browser
	$(BIN)/ruff check support_success orchestration tests
	$(BIN)/python -m pytest

# Debian's Chromium for the dashboard's browser test (installed when missing and allowed).
browser:
	bash scripts/ensure-chromium.sh

# The Dagster UI on the warehouse's own instance ($WAREHOUSE_HOME/dagster): the runs of
# `make run` and `warehouse build` are there.
dagster: $(STAMP)
	DAGSTER_HOME="$$($(BIN)/python -c 'from support_success import paths; print(paths.ensure_dagster_home())')" $(BIN)/dagster dev

dashboard: $(STAMP)
	$(BIN)/warehouse dashboard

docs: $(STAMP)
	$(BIN)/warehouse docs

benchmark: $(STAMP)
	$(BIN)/warehouse benchmark --size $(SIZE)

lint: $(STAMP)
	$(BIN)/ruff check support_success orchestration tests
	$(BIN)/ruff format --check support_success orchestration tests

format: $(STAMP)
	$(BIN)/ruff format support_success orchestration tests
	$(BIN)/ruff check --fix support_success orchestration tests

clean:
	rm -rf .warehouse data target target-* logs
