"""The pytest plugin: command-line options, the settings they make, and the session fixtures.

`pytest -m preupload` fixes the export (unless --no-fix) and checks every table
against its contract; the live and performance suites build on the same
fixtures. Options are read once into a frozen `Settings`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from contracts import TABLES
from contracts.expectations import foreign_key_checks
from fixers.dataset import Dataset, load_dataset

ROOT = Path(__file__).parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    out_dir: Path
    fix: bool


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "data contracts")
    group.addoption("--data-dir", type=Path, default=ROOT / "data" / "raw", help="folder of the CSV export to check (default: data/raw)")
    group.addoption("--out-dir", type=Path, default=ROOT / "build", help="where fixed files, quarantine and ledger.json go (default: build)")
    group.addoption("--no-fix", action="store_true", help="check the files as they are, without running the fixers")


def _settings(config: pytest.Config) -> Settings:
    return Settings(
        data_dir=config.getoption("--data-dir").resolve(),
        out_dir=config.getoption("--out-dir").resolve(),
        fix=not config.getoption("--no-fix"),
    )


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def dataset(settings: Settings) -> Dataset:
    """The tables to check: the fixers' output, or with --no-fix the export as it is."""
    if not settings.data_dir.is_dir():
        pytest.exit(f"--data-dir {settings.data_dir} is not a folder; point it at the CSV export", returncode=4)
    return load_dataset(settings.data_dir, settings.out_dir, fix=settings.fix)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise the contract suites by table, file and foreign key, with readable ids."""
    names = metafunc.fixturenames
    if "table" in names:
        metafunc.parametrize("table", TABLES, ids=[t.name for t in TABLES])
    if "fk_check" in names:
        checks = foreign_key_checks(TABLES)
        metafunc.parametrize("fk_check", checks, ids=[c.label for c in checks])
    if "csv_file" in names:
        data_dir = _settings(metafunc.config).data_dir
        files = sorted(p.name for p in data_dir.glob("*.csv")) if data_dir.is_dir() else []
        metafunc.parametrize("csv_file", files, ids=files)
    if "ledger_table" in names:
        metafunc.parametrize("ledger_table", TABLES, ids=[t.name for t in TABLES])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --no-fix there is no ledger, so the ledger checks are deselected (not skipped)."""
    if _settings(config).fix:
        return
    dropped = [i for i in items if "ledger_table" in getattr(i, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]

