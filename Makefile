# The two quick-start commands: `make run` does the whole job, `make test` runs every test.
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test benchmark clean

$(STAMP): requirements.lock
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

# Fix, check, load into a local moto server, check what is live, compare queries, write report.html.
run: $(STAMP)
	$(PYTHON) -m pytest -m "preupload or live or performance" --html=report.html --self-contained-html

test: $(STAMP)
	$(PYTHON) -m pytest

benchmark: $(STAMP)
	$(PYTHON) benchmarks/fix_and_check.py
	$(PYTHON) benchmarks/load_throughput.py

clean:
	rm -rf build report.html
