"""Why a check does not run: the table it checks was blocked by an earlier one, which says why, once."""

from __future__ import annotations

import pytest

from plugin.fixtures import PLAN_ONLY


def short(reason: str) -> str:
    """The first line of a reason, without the colon that introduced what followed it."""
    return next((line.strip().rstrip(":") for line in reason.splitlines() if line.strip()), reason)


def loaded(contracts_deployment, contracts_run_record, table, root: bool = False):
    """Skip the check, with the cause, when the table was not loaded: the pre-upload checks or the plan say why,
    once. A failed import fails one check (`root`, the table's first), and the table's other checks skip."""
    __tracebackhide__ = True
    if table.name not in contracts_deployment.loaded:
        pytest.skip(blocked_reason(contracts_deployment, contracts_run_record, table))
    synced = contracts_run_record.synced.get(table.name)
    if synced is not None and synced.import_failure:
        if root:
            pytest.fail(synced.import_failure, pytrace=False)
        pytest.skip(f"blocked: {table.name} was not imported: {short(synced.import_failure)}")
    if contracts_deployment.plan_only:
        pytest.skip(PLAN_ONLY)


def blocked_reason(contracts_deployment, contracts_run_record, table) -> str:
    reasons = contracts_run_record.blocked.get(table.name) or ["not loaded"]
    planned = contracts_deployment.plan.by_table().get(table.name) if contracts_deployment.plan else None
    why = "is blocked by the plan" if planned is not None and planned.blocked else "failed its pre-upload checks"
    return f"blocked: {table.name} {why}: {short(reasons[0])}"
