# The two quick-start commands: `make run` does the whole job, `make test` runs every test.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install chromium run test lint benchmark benchmark-import clean

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

# Headless Chromium (Debian's package) for the report's browser test and screenshot.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# Fix, check, plan and sync into a local moto server, check what is live, compare queries, write report.html:
# the tool's own command, which runs only the job's suites with this folder's pytest.ini; RUN_ARGS adds options.
REPORT ?= report.html
run: $(STAMP)
	$(VENV)/bin/dynamodb-contracts run --html=$(REPORT) --self-contained-html $(RUN_ARGS)

# Every test on moto, then the live and performance suites again on dynalite (checks of APIs it lacks say "not checked").
test: $(STAMP) $(NODE_STAMP) chromium lint
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

clean:
	rm -rf build report.html
