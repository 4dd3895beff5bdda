"""--rollback RUN_ID: say what it will do, ask (unless --yes), restore, and record that it was done.

It is not a test run: the plugin collects nothing when it is given. Every
refusal is one line naming the cause and what to do, made when pytest starts,
before anything is sent.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from contracts.errors import ContractError
from loaders.cloudwatch.alarms import alarm_rollback_steps
from loaders.deploy.rollback import RolledBack, dropping, rollback_steps, rolled_back
from loaders.dynamodb.endpoint import check_destroy_allowed
from pipeline import stages
from pipeline.settings import Settings


def rollback_problems(config: pytest.Config, settings: Settings) -> list[str]:
    """Why the rollback cannot go ahead, found before anything is sent: a run id the out dir holds nothing for
    (naming the ones it holds), tables to delete off this machine without --allow-destroy, no terminal to
    ask on and no --yes."""
    folder = stages.rollback_folder(settings, settings.rollback)
    if not stages.saved_changes(folder):
        runs = stages.restorable_runs(settings)
        known = f"the runs it can roll back are {', '.join(runs)}" if runs else "it holds no run to roll back"
        return [
            f"--rollback={settings.rollback}: {folder.parent} holds no run of that id; {known} "
            "(give the --out-dir of the run to undo)"
        ]
    if rolled_back(folder) is not None:
        return []
    steps = rollback_steps(folder)
    try:
        check_destroy_allowed(
            None if settings.aws else settings.endpoint_url,
            any(s.dropped for s in steps),
            settings.allow_destroy,
            dropping(steps),
        )
    except ContractError as refused:
        return [f"--rollback={settings.rollback}: {refused}"]
    if not settings.yes:
        with _terminal_input(config):
            interactive = sys.stdin.isatty()
        if not interactive:
            return [
                f"--rollback={settings.rollback}: there is no terminal to confirm on: add --yes to roll back without being asked"
            ]
    return []


def _will(step: RolledBack) -> str:
    if step.backup is not None:
        return f"{step.name}: migrated by the run, left as it is: restore it from backup {step.backup} (RestoreTableFromBackup)"
    if step.dropped:
        return f"{step.name}: delete the table, which the run created ({step.removed:,} items)"
    return f"{step.name}: put back {step.restored:,} items as they were, delete {step.removed:,} items the run created"


def _did(step: RolledBack) -> str:
    if step.backup is not None:
        return f"{step.name}: migrated; restore it from backup {step.backup} (RestoreTableFromBackup)"
    if step.dropped:
        return f"{step.name}: table deleted, which the run created ({step.removed:,} items)"
    return f"{step.name}: {step.restored:,} items put back, {step.removed:,} created items deleted"


@contextmanager
def _terminal_input(config: pytest.Config):
    """The real stdin and stdout, past pytest's capture, for a question asked before any test."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        yield
        return
    capture.suspend_global_capture(in_=True)
    try:
        yield
    finally:
        capture.resume_global_capture()


def _confirmed(
    config: pytest.Config, settings: Settings, target: str, steps: list[RolledBack], alarms: tuple[list[str], list[str]]
) -> bool:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    with _terminal_input(config):
        reporter.write_line(f"rolling back run {settings.rollback} at {target} will:")
        for step in steps:
            reporter.write_line("  " + _will(step))
        created, changed = alarms
        if created or changed:
            reporter.write_line(f"  alarms: delete {len(created)} the run created, put back {len(changed)} it changed")
        reporter.write("Roll back? [y/N] ", flush=True)
        # A closed terminal reads as an empty line: no.
        answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def run_rollback(config: pytest.Config, settings: Settings, target: str) -> pytest.ExitCode:
    """Roll back run `settings.rollback` once; the exit status of the pytest run."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    folder = stages.rollback_folder(settings, settings.rollback)
    done = rolled_back(folder)
    if done is not None:
        reporter.write_line(
            f"run {settings.rollback} was already rolled back at {done['rolled_back']}: nothing was changed"
        )
        return pytest.ExitCode.OK
    if not settings.yes and not _confirmed(
        config, settings, target, rollback_steps(folder), alarm_rollback_steps(folder)
    ):
        reporter.write_line(f"run {settings.rollback} was not rolled back: nothing was changed")
        return pytest.ExitCode.TESTS_FAILED
    try:
        client = stages.connect(settings, settings.endpoint_url)
        restored = stages.roll_back(client, settings, settings.rollback)
    except (OSError, ContractError, BotoCoreError, ClientError) as error:
        raise pytest.UsageError(f"--rollback={settings.rollback}: {error}") from None
    reporter.write_line(f"rolled back run {settings.rollback} at {target}:")
    for step in restored.tables:
        reporter.write_line("  " + _did(step))
    if restored.alarms_deleted or restored.alarms_restored:
        reporter.write_line(
            f"  alarms: {len(restored.alarms_deleted)} deleted, which the run created; "
            f"{len(restored.alarms_restored)} put back as they were"
        )
    return pytest.ExitCode.OK
