"""conftest.py as a plugin, run by pytester: its options become one frozen Settings."""
import pytest

from tests.pytest_run import ROOT

pytest_plugins = ["pytester"]

PROBE = """
import dataclasses

def test_settings(settings):
    print("SETTINGS", sorted((k, str(v)) for k, v in dataclasses.asdict(settings).items()))
    with __import__("pytest").raises(dataclasses.FrozenInstanceError):
        settings.fix = True
"""


@pytest.fixture
def plugin(pytester):
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_probe=PROBE)
    return pytester


def settings_of(result) -> str:
    return next(line for line in result.outlines if "SETTINGS" in line)


def test_options_become_settings(plugin, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    result = plugin.runpytest("-s", "--no-fix", "--table-prefix=staging-", "--workers=4", f"--data-dir={ROOT / 'data' / 'raw'}")
    result.assert_outcomes(passed=1)
    shown = settings_of(result)
    for pair in (("endpoint_url", "http://127.0.0.1:4566"), ("fix", "False"), ("table_prefix", "staging-"), ("workers", "4"),
                 ("data_dir", str(ROOT / "data" / "raw")), ("load", "True"), ("aws", "False")):
        assert str(pair) in shown


def test_aws_and_an_endpoint_together_are_a_usage_error(plugin):
    result = plugin.runpytest("--aws", "--endpoint-url=http://127.0.0.1:4566")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--aws goes to AWS itself*"])


def test_recreate_against_a_remote_endpoint_is_a_usage_error(plugin):
    result = plugin.runpytest("--recreate", "--endpoint-url=https://dynamodb.us-east-1.amazonaws.com")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--allow-destroy*"])


def test_recreate_against_the_local_server_is_allowed(plugin):
    result = plugin.runpytest("--recreate", "--endpoint-url=http://127.0.0.1:4566", "-k", "nothing")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
