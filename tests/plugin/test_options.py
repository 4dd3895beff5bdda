"""The installed plugin, run by pytester: its options, their pytest.ini fallbacks, one frozen Settings, its markers."""

import hashlib
import shutil
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError

from data import manifest
from loaders.deploy.import_table import IMPORT_THRESHOLD
from loaders.dynamodb.export import EXPORT_THRESHOLD
from tests.pytest_run import ROOT, verdicts_of

PROBE = """
import dataclasses

def test_settings(contracts_settings):
    shown = {k: str(v) for k, v in dataclasses.asdict(contracts_settings).items()
             if k not in ("run_id", "started", "registry")}
    print("SETTINGS", sorted(shown.items()))
    with __import__("pytest").raises(dataclasses.FrozenInstanceError):
        contracts_settings.fix = True
"""
SAMPLE_INI = f"[pytest]\ncontracts = contracts.tables\ndata_dir = {ROOT / 'data' / 'raw'}\n"


@pytest.fixture
def plugin(pytester, monkeypatch):
    """A project of its own that names the sample's contracts, with a probe test; the plugin comes from the entry point."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini(SAMPLE_INI)
    pytester.makepyfile(test_probe=PROBE)
    return pytester


def settings_of(result) -> dict:
    line = next(line for line in result.outlines if "SETTINGS" in line)
    return dict(eval(line.split("SETTINGS", 1)[1]))  # noqa: S307 - the probe's own repr of (str, str) pairs


def test_the_plugin_is_registered_by_its_entry_point(plugin):
    import plugin as the_plugin

    config = plugin.parseconfig()
    assert config.pluginmanager.get_plugin("dynamodb_contracts") is the_plugin


def test_options_become_one_frozen_settings(plugin, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    result = plugin.runpytest(
        "test_probe.py",
        "-s",
        "--no-fix",
        "--table-prefix=staging-",
        "--workers=4",
        "--plan",
        f"--data-dir={ROOT / 'data' / 'raw'}",
    )
    result.assert_outcomes(passed=1)
    shown = settings_of(result)
    assert shown["endpoint_url"] == "http://127.0.0.1:4566"
    assert (shown["fix"], shown["table_prefix"], shown["workers"], shown["plan_only"]) == (
        "False",
        "staging-",
        "4",
        "True",
    )
    assert (shown["data_dir"], shown["load"], shown["aws"], shown["server"]) == (
        str(ROOT / "data" / "raw"),
        "True",
        "False",
        "moto",
    )


def test_a_path_option_with_a_space_that_moves_the_rootdir_stops_at_once_with_the_remedy(plugin, tmp_path_factory):
    export = tmp_path_factory.mktemp("elsewhere") / "export"
    export.mkdir()
    result = plugin.runpytest("--data-dir", str(export))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"*--data-dir {export}: pytest took {export} for a test path*instead of {plugin.path}*"
            f"Write --data-dir={export}*dynamodb-contracts run*"
        ]
    )
    assert "passed" not in result.stdout.str()


def test_the_same_path_with_an_equals_sign_keeps_the_folders_ini(plugin, tmp_path):
    export, out = tmp_path / "export", tmp_path / "out"
    export.mkdir()
    shown = settings_of(plugin.runpytest("test_probe.py", "-s", f"--data-dir={export}", f"--out-dir={out}"))
    assert (shown["data_dir"], shown["out_dir"]) == (str(export), str(out))


def test_pytest_ini_gives_the_defaults_relative_to_the_rootdir(plugin):
    (plugin.path / "exports" / "today").mkdir(parents=True)
    plugin.makeini(
        "[pytest]\ncontracts = contracts.tables\ndata_dir = exports/today\nout_dir = out\ndynamodb_server = dynalite\n"
    )
    shown = settings_of(plugin.runpytest("test_probe.py", "-s"))
    assert shown["data_dir"] == str(plugin.path / "exports" / "today")
    assert shown["out_dir"] == str(plugin.path / "out")
    assert shown["server"] == "dynalite"


def test_the_import_options_and_their_ini_fallbacks(plugin):
    assert {
        k: v for k, v in settings_of(plugin.runpytest("test_probe.py", "-s")).items() if k.startswith("import")
    } == {"import_mode": "auto", "import_threshold": str(IMPORT_THRESHOLD), "import_staging": "None"}
    plugin.makeini(SAMPLE_INI + "import_mode = never\nimport_threshold = 5000\nimport_staging = s3://ini-bucket/x\n")
    from_ini = settings_of(plugin.runpytest("test_probe.py", "-s"))
    assert (from_ini["import_mode"], from_ini["import_threshold"], from_ini["import_staging"]) == (
        "never",
        "5000",
        "s3://ini-bucket/x",
    )
    given = settings_of(
        plugin.runpytest(
            "test_probe.py", "-s", "--import", "always", "--import-threshold=7", "--import-staging=s3://my-bucket/p"
        )
    )
    assert (given["import_mode"], given["import_threshold"], given["import_staging"]) == (
        "always",
        "7",
        "s3://my-bucket/p",
    )


def test_the_export_threshold_and_its_ini_fallback(plugin):
    assert settings_of(plugin.runpytest("test_probe.py", "-s"))["export_threshold"] == str(EXPORT_THRESHOLD)
    plugin.makeini(SAMPLE_INI + "export_threshold = 0\n")
    assert settings_of(plugin.runpytest("test_probe.py", "-s"))["export_threshold"] == "0"
    assert (
        settings_of(plugin.runpytest("test_probe.py", "-s", "--export-threshold=250000"))["export_threshold"]
        == "250000"
    )


def test_the_markers_are_registered_and_pass_strict_markers(plugin):
    result = plugin.runpytest("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.preupload: contract checks on the CSVs*", "@pytest.mark.live:*", "@pytest.mark.performance:*"]
    )
    marked = "".join(
        f"\n@pytest.mark.{name}\ndef test_{name}():\n    pass\n" for name in ("preupload", "live", "performance")
    )
    plugin.makepyfile(test_marked="import pytest\n" + marked)
    assert plugin.runpytest("--strict-markers", "--collect-only", "test_marked.py").ret == pytest.ExitCode.OK


@pytest.mark.parametrize(
    "options, message",
    [
        (["--aws", "--endpoint-url=http://127.0.0.1:4566"], "*--aws goes to AWS itself*"),
        (
            ["--migrate", "--endpoint-url=https://dynamodb.us-east-1.amazonaws.com"],
            "*--migrate: refusing to delete*--allow-destroy*",
        ),
        (["--recreate", "--aws"], "*--recreate: refusing to delete and recreate tables at AWS*"),
        (
            ["--table-prefix=bad name!"],
            "*--table-prefix='bad name!' makes an invalid table name 'bad name!*' contains*",
        ),
        (["--rollback=20261125T150212Z-3f9a"], "*--rollback restores a deployment that outlives the run*"),
        (["--workers=0"], "*--workers=0: at least 1 worker*"),
        (
            ["--import=always", "--aws"],
            "*--import=always stages every new table's items in S3: give --import-staging=s3://BUCKET/PREFIX*",
        ),
        (
            ["--import-staging=my-bucket/imports"],
            "*--import-staging='my-bucket/imports': give it as s3://BUCKET/PREFIX*",
        ),
        (["--import-threshold=0"], "*--import-threshold=0: at least 1 item*"),
        (["--export-threshold=-1"], "*--export-threshold=-1: at least 1 item, or 0 to read every table by Scan*"),
        (["--import-staging=s3://Bad_Bucket/x"], "*S3 refuses the bucket name 'Bad_Bucket'*S3's bucket naming rules*"),
        (["--import=sometimes"], "*argument --import: invalid choice: 'sometimes'*"),
        (["--import=always", "--server=dynalite"], "*--import=always: dynalite has no ImportTable*--import=never*"),
        (
            ["--rollback=../../somewhere/rollback/20261125T150212Z-3f9a", "--endpoint-url=http://127.0.0.1:4566"],
            "ERROR: --rollback=../../somewhere/rollback/20261125T150212Z-3f9a: give a run id alone, such as *",
        ),
        (
            ["--rollback=20261125T150212Z-3f9a", "--endpoint-url=http://127.0.0.1:4566"],
            "ERROR: --rollback=20261125T150212Z-3f9a: */rollback holds no run of that id; it holds no run to roll back*",
        ),
        (["--detailed-exitcode"], "*--detailed-exitcode says whether a plan has changes pending: add --plan*"),
    ],
    ids=[
        "aws and an endpoint",
        "migrate against a remote endpoint",
        "recreate on AWS",
        "a table prefix DynamoDB refuses",
        "rollback of an ephemeral server",
        "no workers",
        "imports on AWS without a staging bucket",
        "a staging location that is not an S3 URI",
        "an import threshold of nothing",
        "an export threshold below nothing",
        "a bucket name S3 refuses",
        "an unknown import mode",
        "imports on dynalite",
        "a rollback given a path",
        "a rollback of a run the out dir does not hold",
        "a detailed exit code without a plan",
    ],
)
def test_options_that_cannot_run_are_a_usage_error_before_anything_runs(plugin, options, message):
    result = plugin.runpytest("test_probe.py", *options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_migrate_against_the_local_server_is_allowed(plugin):
    result = plugin.runpytest("test_probe.py", "--migrate", "--endpoint-url=http://127.0.0.1:4566", "-k", "nothing")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_space_form_works_from_the_repository_root(tmp_path):
    """Installed as a plugin, the options are known before pytest reads the path after them."""
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-m",
            "preupload",
            "-k",
            "test_file_is_declared",
            "--data-dir",
            str(ROOT / "data" / "raw"),
            "--out-dir",
            str(out),
            f"--junitxml={tmp_path / 'junit.xml'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # The selected check ran on every CSV of the export, and nothing else ran.
    assert verdicts_of(tmp_path / "junit.xml") == {
        f"test_file_is_declared[{name}]": None for name in manifest.load().files
    }


def _hashes(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("inside", ["", "out"], ids=["out-dir-is-the-export", "out-dir-inside-the-export"])
def test_a_run_refused_for_an_out_dir_in_the_export_leaves_the_export_byte_for_byte(tmp_path, inside):
    export = tmp_path / "export"
    shutil.copytree(ROOT / "data" / "raw", export)
    before = _hashes(export)
    out = export / inside if inside else export
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            f"--data-dir={export}",
            f"--out-dir={out}",
            "--endpoint-url=http://127.0.0.1:9",
            f"--junitxml={tmp_path / 'junit.xml'}",
            f"--html={tmp_path / 'report.html'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-2000:] + done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert errors == [
        f"ERROR: --out-dir {out} is {'inside ' if inside else ''}--data-dir {export}; "
        "a run never writes into the export: choose an --out-dir outside it"
    ], errors
    assert _hashes(export) == before


CANARY = "CANARY-7f3a9c"


@pytest.mark.parametrize(
    "url",
    [f"http://u:{CANARY}@127.0.0.1:9/", f"http://127.0.0.1:9/?token={CANARY}", f"http://127.0.0.1:9/#{CANARY}"],
    ids=["password", "query", "fragment"],
)
def test_a_secret_in_the_endpoint_url_is_refused_and_shown_nowhere(plugin, url, tmp_path):
    result = plugin.runpytest("test_probe.py", f"--endpoint-url={url}", f"--junitxml={tmp_path / 'junit.xml'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "refusing the endpoint URL" in "\n".join(result.errlines)
    shown = "\n".join(result.outlines + result.errlines)
    assert CANARY not in shown
    assert not (tmp_path / "junit.xml").exists() or CANARY not in (tmp_path / "junit.xml").read_text()


def test_a_url_two_parsers_read_differently_is_refused_for_recreate(plugin):
    result = plugin.runpytest("test_probe.py", "--recreate", "--endpoint-url=http://10.255.255.1:8000\\@127.0.0.1:8000")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*refusing the endpoint URL*backslash*"])


def test_a_second_run_on_the_same_out_dir_is_refused(tmp_path):
    from pipeline.stages import OutDirBusy, lock_out_dir

    first = lock_out_dir(tmp_path)
    with pytest.raises(OutDirBusy, match="another run is using .*give this one its own --out-dir"):
        lock_out_dir(tmp_path)
    first.close()
    lock_out_dir(tmp_path).close()


REFUSED_CHECK = """
import pytest
from botocore.exceptions import ClientError

@pytest.mark.live
def test_a_check_whose_request_is_refused():
    raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized to perform: dynamodb:Scan"}}, "Scan")

def test_a_self_test_keeps_its_traceback():
    raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "Scan")
"""


def test_a_live_check_refused_by_the_server_fails_in_one_line():
    from plugin.fixtures import explained

    refused = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not authorized to perform: dynamodb:Scan"}}, "Scan"
    )
    with pytest.raises(pytest.fail.Exception) as failed, explained("http://127.0.0.1:9"):
        raise refused
    assert str(failed.value) == (
        "DynamoDB at http://127.0.0.1:9: An error occurred (AccessDeniedException) when calling the Scan "
        "operation: not authorized to perform: dynamodb:Scan. Check --endpoint-url or --aws, the region "
        "and the credentials."
    )


def test_another_projects_live_marked_test_keeps_its_traceback(plugin):
    """The plugin shortens only its own suites' failures: a guest does not rewrite its host's tests."""
    plugin.makepyfile(test_refused=REFUSED_CHECK)
    result = plugin.runpytest("test_refused.py", "--endpoint-url=http://127.0.0.1:9", "--junitxml=junit.xml")
    result.assert_outcomes(failed=2)
    verdicts = verdicts_of(plugin.path / "junit.xml")
    assert all("raise ClientError" in message for message in verdicts.values())


UNFINISHABLE = """
def test_a_stage_ran_and_its_record_cannot_be_finished(contracts_settings, contracts_run_record):
    contracts_run_record.stages["fix"] += 0.1
    contracts_settings.out_dir.mkdir(parents=True, exist_ok=True)
    (contracts_settings.out_dir / "run.json").mkdir()
"""


def test_a_run_whose_record_cannot_be_finished_fails_in_one_line(plugin):
    plugin.makepyfile(test_unfinishable=UNFINISHABLE)
    result = plugin.runpytest("test_unfinishable.py", f"--out-dir={plugin.path / 'out'}")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, "a run.json left saying 'not finished' must not pass a CI gate"
    result.stdout.fnmatch_lines(
        [f"cannot write {plugin.path / 'out' / 'run.json'}: *. Free space on its disk or make it writable*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_rollback_that_would_delete_tables_off_this_machine_is_refused_before_it_asks(plugin, tmp_path):
    from loaders.deploy.plan import TablePlan
    from loaders.deploy.rollback import RollbackLog
    from tests.sample import TABLES_BY_NAME

    run_id = "20261125T150212Z-3f9a"
    RollbackLog(tmp_path / "out" / "rollback" / run_id).save(
        TablePlan(
            TABLES_BY_NAME["airports"], "staging-airports", exists=False, create=[{"airport_code": {"S": "AUH"}}]
        ),
        None,
    )
    result = plugin.runpytest(
        f"--rollback={run_id}", f"--out-dir={tmp_path / 'out'}", "--endpoint-url=http://dynamodb.staging.internal:8000"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: --rollback={run_id}: refusing to delete the 1 table the run created (staging-airports) "
            "at http://dynamodb.staging.internal:8000*Add --allow-destroy*"
        ]
    )
    assert "Roll back?" not in result.stdout.str()
