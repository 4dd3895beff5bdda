"""The registry: a contracts module read once, by module name or by file, with every problem named where it stands."""

import pytest

from contracts.errors import ContractDeclarationError
from contracts.registry import SAMPLE, ContractsNotFound, load_registry
from tests.pytest_run import ROOT

HEADER = (
    "import pandera.pandas as pa\nfrom pandera.typing import Series\nfrom contracts.table import ForeignKey, Table\n\n"
)
MODELS = """
class Stations(pa.DataFrameModel):
    station_id: Series[str]

class Bikes(pa.DataFrameModel):
    bike_id: Series[str]
    station_id: Series[str]
"""


def write(folder, name, body):
    path = folder / name
    path.write_text(HEADER + MODELS + body, encoding="utf-8")
    return path


def test_the_sample_is_read_by_module_name_parents_first():
    registry = load_registry(SAMPLE, ROOT)
    order = [t.name for t in registry.tables]
    declared = sorted([t.file for t in registry.tables] + [n.file for n in registry.not_tables])
    assert declared == sorted(p.name for p in (ROOT / "data" / "raw").glob("*.csv"))
    assert all(
        order.index(fk.parent) < order.index(t.name)
        for t in registry.tables
        for fk in t.foreign_keys
        if fk.parent != t.name
    )
    assert registry.source == SAMPLE


def test_a_users_file_is_read_by_path_relative_to_the_ini_folder_even_when_named_contracts(tmp_path):
    write(
        tmp_path,
        "contracts.py",
        'TABLES = (Table("bikes", "bikes.csv", Bikes, ("bike_id",), '
        'foreign_keys=(ForeignKey("station_id", "stations"),)), '
        'Table("stations", "stations.csv", Stations, ("station_id",)))\n',
    )
    registry = load_registry("contracts.py", tmp_path)
    assert [t.name for t in registry.tables] == ["stations", "bikes"]
    assert registry.not_tables == ()
    import contracts.registry  # still this project's package, not the user's file

    assert contracts.registry.load_registry is load_registry


def test_a_missing_module_or_file_names_it_and_the_remedy(tmp_path):
    with pytest.raises(ContractsNotFound, match=r"contracts 'no_such_contracts': no such module.*dotted module name"):
        load_registry("no_such_contracts", tmp_path)
    with pytest.raises(ContractsNotFound, match=r"contracts 'mine.py': no file .*mine.py; give the path"):
        load_registry("mine.py", tmp_path)


def test_a_module_without_tables_says_how_to_end_it(tmp_path):
    (tmp_path / "empty.py").write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(ContractsNotFound, match=r"empty.py declares no TABLES: end it with TABLES = \(Table"):
        load_registry("empty.py", tmp_path)


def test_a_declaration_that_contradicts_itself_names_its_file_and_line(tmp_path):
    path = write(tmp_path, "bad.py", 'TABLES = (Table("bikes", "bikes.csv", Bikes, ("no_such_column",)),)\n')
    line = len(path.read_text().splitlines())
    with pytest.raises(
        ContractDeclarationError,
        match=rf"(?s)contract for bikes \({path}:{line}\).*'no_such_column' is not a column.*at {path}:{line}\.",
    ):
        load_registry("bad.py", tmp_path)


def test_a_foreign_key_to_an_undeclared_table_names_the_declaration(tmp_path):
    path = write(
        tmp_path,
        "orphan.py",
        'TABLES = (Table("bikes", "bikes.csv", Bikes, ("bike_id",), '
        'foreign_keys=(ForeignKey("station_id", "stations"),)),)\n',
    )
    with pytest.raises(
        ContractDeclarationError,
        match=rf"bikes.station_id \({path}:\d+\) points at 'stations', which is not a declared",
    ):
        load_registry("orphan.py", tmp_path)


def test_an_error_while_importing_names_the_users_line_not_a_traceback(tmp_path):
    path = write(
        tmp_path, "typo.py", "TABLES = (Table(name='bikes', file='bikes.csv', model=Bikez, key=('bike_id',)),)\n"
    )
    with pytest.raises(ContractsNotFound) as raised:
        load_registry("typo.py", tmp_path)
    assert str(raised.value).startswith(
        f"{path}:{len(path.read_text().splitlines())}: NameError: name 'Bikez' is not defined"
    )
    assert "Traceback" not in str(raised.value)
