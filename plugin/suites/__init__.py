"""The job's own suites: pre-upload, live and performance checks, parametrised by the run's contracts.

They ship with the plugin, so that a folder holding only an export, a
contracts module and a pytest.ini runs them (`pytest -m preupload`); the
plugin collects them when a run names its contracts, and parametrises only
these modules.
"""

from pathlib import Path

SUITES = Path(__file__).resolve().parent
