# The two quick-start commands: `make run` does the whole job, `make test` runs every test.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# datacontract-cli in a venv of its own: its pins (requirements-datacontract.lock) conflict with requirements.lock's.
DATACONTRACT_VENV := .venv-datacontract
DATACONTRACT_STAMP := $(DATACONTRACT_VENV)/.installed

.PHONY: install datacontract chromium run test lint benchmark benchmark-import benchmark-scale clean

# The pinned packages from requirements.lock, then this project (editable), which registers the pytest plugin.
install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# dynalite, the strict second DynamoDB server, and the Data Docs' CSS and JavaScript, pinned in package-lock.json; npm ci applies patches/ (patch-package).
$(NODE_STAMP): package.json package-lock.json $(wildcard patches/*.patch)
	@command -v npm >/dev/null || { echo "npm is needed for dynalite (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# datacontract-cli, whose `datacontract lint` the tests run on every document `dynamodb-contracts odcs` writes.
datacontract: $(DATACONTRACT_STAMP)

$(DATACONTRACT_STAMP): requirements-datacontract.lock
	test -x $(DATACONTRACT_VENV)/bin/python || python3 -m venv $(DATACONTRACT_VENV)
	$(DATACONTRACT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-datacontract.lock
	touch $(DATACONTRACT_STAMP)

# Headless Chromium (Debian's package) for the report's browser test and screenshot.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# Fix, check, plan and sync into a local moto server, check what is live, compare queries, write report.html:
# the tool's own command, which runs only the job's suites with this folder's pytest.ini; RUN_ARGS adds options.
REPORT ?= report.html
run: $(STAMP)
	$(VENV)/bin/dynamodb-contracts run --html=$(REPORT) --self-contained-html $(RUN_ARGS)

# Every test on moto, then the live and performance suites again on dynalite (checks of APIs it lacks say "not checked").
test: $(STAMP) $(NODE_STAMP) $(DATACONTRACT_STAMP) chromium lint
	$(PYTHON) -m pytest
	$(PYTHON) -m pytest -m "live or performance" --server=dynalite --out-dir=build/dynalite

lint: $(STAMP)
	$(VENV)/bin/ruff check .

benchmark: $(STAMP) $(NODE_STAMP)
	$(PYTHON) benchmarks/fix_and_check.py --exports build/benchmark-exports
	$(PYTHON) benchmarks/load_throughput.py
	$(PYTHON) benchmarks/sync.py

# A 100x passengers table by ImportTable, then its live checks (about 15 minutes; see its docstring for moto's limits).
benchmark-import: $(STAMP)
	$(PYTHON) benchmarks/import_passengers.py --scale 100

# The whole job at 10x and 30x (about a million items) on one local server: a first load, an unchanged rerun and a
# changed export, against batch_writer and a parallel Scan of the same tables (an hour or more; see its docstring).
benchmark-scale: $(STAMP) $(NODE_STAMP)
	$(PYTHON) benchmarks/scale.py --scales 10 30 $(SCALE_ARGS)

clean:
	rm -rf build report.html
