"""A first run with one connection in five dropped passes: botocore's standard retries resend what was lost, and a
CreateTable whose answer was lost is recognised as done (its retry is told the table already exists).

Every fifth request of each operation is dropped, the first of them after the server acted (its answer lost), the
next before, and so on: CreateTable's 5th, 15th and 25th tables are created by a try whose answer never arrives.
The small export and the helpers are tests/plugin/test_faults.py's; the run is its own, on a server of this module.
"""

from __future__ import annotations

import pytest

from tests.plugin.fault_proxy import Drop, FaultProxy, Request
from tests.plugin.test_faults import assert_converged, assert_nothing_leaks, export, run  # noqa: F401 (a fixture)

EVERY = 5  # one request in five: 20 %


def one_in_five(request: Request) -> Drop | None:
    if request.nth % EVERY:
        return None
    return Drop(after=(request.nth // EVERY) % 2 == 1)


@pytest.fixture(scope="module")
def dropped(tmp_path_factory, server, export):  # noqa: F811
    folder = tmp_path_factory.mktemp("dropped")
    proxy = FaultProxy(server, one_in_five)
    with proxy as proxy_url:
        done = run(folder, proxy_url, "dropped-", export)
    return done, proxy.faults


def test_a_first_run_with_one_connection_in_five_dropped_passes(dropped, admin):
    done, faults = dropped
    assert done.returncode == pytest.ExitCode.OK, done.stdout[-3000:] + done.stderr[-3000:]
    assert ("CreateTable", Drop(after=True)) in faults, "a CreateTable's answer was lost"
    assert len(faults) >= 100, len(faults)
    assert_converged(done, admin, "dropped-")


def test_a_create_table_whose_answer_was_lost_is_described_in_the_record(dropped):
    done, faults = dropped
    lost = {
        name: actions
        for name, actions in done.json("run.json")["actions"].items()
        if any("CreateTable's answer was lost" in action for action in actions)
    }
    assert len(lost) == sum(fault == ("CreateTable", Drop(after=True)) for fault in faults), lost
    assert all("table created" in actions for actions in lost.values())


def test_nothing_leaks_with_dropped_connections(dropped):
    assert_nothing_leaks(dropped[0])
