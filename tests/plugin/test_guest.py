"""The installed plugin is a guest in other projects' test suites, and a run on the wrong setup stops at once."""

import pytest

from plugin.cli import run_arguments
from plugin.suites import SUITES
from tests.pytest_run import ROOT

FOREIGN = """
import pytest

@pytest.fixture
def table():
    return "my table"

@pytest.fixture(params=["a", "b"])
def gsi(request):
    return request.param

@pytest.fixture
def pattern():
    return r"\\d+"

def test_uses_its_own_fixtures(table, gsi, pattern):
    assert table == "my table" and gsi in ("a", "b") and pattern == r"\\d+"

@pytest.mark.parametrize("csv_file", ["mine.csv"])
def test_its_own_parameters(csv_file):
    assert csv_file == "mine.csv"
"""


def test_a_foreign_suite_with_fixtures_named_table_gsi_and_pattern_passes_beside_the_plugin(pytester):
    pytester.makepyfile(test_foreign=FOREIGN)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3)
    assert "DEPLOY" not in result.stdout.str(), "the plugin reports nothing for a run that is not its own"


def test_a_foreign_suite_is_left_alone_even_when_the_folder_names_contracts(pytester):
    """The suites are added and parametrised; the folder's own tests keep their fixtures."""
    pytester.makeini(f"[pytest]\ncontracts = contracts.tables\ndata_dir = {ROOT / 'data' / 'raw'}\n")
    pytester.makepyfile(test_foreign=FOREIGN)
    result = pytester.runpytest("-p", "no:randomly", "test_foreign.py")
    result.assert_outcomes(passed=3)


def test_an_export_the_contracts_do_not_know_stops_at_once_naming_the_contracts_and_the_remedy(pytester):
    export = pytester.mkdir("export")
    (export / "orders.csv").write_text("order_id\n1\n")
    pytester.makeini("[pytest]\ndata_dir = export\n")
    result = pytester.runpytest("-m", "preupload")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"*none of the 1 CSV files in {export} is declared by the contracts contracts.tables: name "
            "your contracts module with --contracts (ini: contracts), or draft one with `dynamodb-contracts draft*"
        ]
    )
    assert not (export.parent / "build").exists(), "nothing is written before the run can start"


def test_a_missing_export_folder_stops_at_once(pytester):
    result = pytester.runpytest("--data-dir=nowhere", "-m", "preupload")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--data-dir */nowhere is not a folder: point it at the CSV export*"])


def test_run_uses_the_folders_ini_and_writes_every_path_option_with_an_equals_sign(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\ncontracts = mine.py\n")
    args = run_arguments(["--data-dir", "export", "--contracts", "mine.py", "-x"], tmp_path)
    assert args[0] == str(SUITES)
    assert f"--rootdir={tmp_path}" in args and f"--config-file={tmp_path / 'pytest.ini'}" in args
    assert f"--data-dir={tmp_path / 'export'}" in args and f"--contracts={tmp_path / 'mine.py'}" in args
    assert args[-1] == "-x" and f"--html={tmp_path / 'report.html'}" in args
    assert run_arguments(["--contracts", "my_package.contracts", "--preupload"], tmp_path)[2:4] == ["-m", "preupload"]
    assert "--contracts=my_package.contracts" in run_arguments(["--contracts", "my_package.contracts"], tmp_path)
