"""A protection requested in an earlier run and still missing is reported as such by the plan, not planned again.

On moto: its UpdateTable accepts SSESpecification for a table it did not create and ignores it, as a server that
takes a change and never applies it does.
"""

import json

from loaders.deploy.plan import plan_tables
from loaders.deploy.requested import deployment_of, read_requested, remember
from loaders.deploy.sync import apply_plan
from loaders.dynamodb.client import endpoint_client
from loaders.dynamodb.items import row_to_item
from loaders.dynamodb.protection import declared_protection
from loaders.dynamodb.schema import key_schema
from loaders.rules.guard import install_guard
from tests.loaders.conftest import reading_rows


def test_encryption_the_server_accepted_and_never_applied_is_reported_with_the_run_that_asked(
    client, admin, prefix, readings_table, tmp_path, fast_backoff, fast_wait
):
    name, memory = f"{prefix}readings", tmp_path / "requested.json"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    expected = {readings_table.name: [row_to_item(r, readings_table) for r in reading_rows(3)]}

    def run(run_id: str):
        plan = plan_tables(
            client, [readings_table], expected, prefix, requested=read_requested(memory, deployment_of(client))
        )
        done = apply_plan(
            client, plan, run_id=run_id, rollback_dir=tmp_path / "rollback", backoff=fast_backoff, wait=fast_wait
        )
        remember(memory, deployment_of(client), plan, done.tables, run_id)
        return plan.tables[0]

    first = run("run-1")
    assert "encrypt with the AWS managed KMS key" in first.actions and not first.unapplied
    second, third = run("run-2"), run("run-3")
    for later in (second, third):
        assert later.unapplied == {"encryption": "run-1"}
        assert later.protect == () and later.actions == []
        assert later.summary()["unapplied"] == [
            "encryption requested in run run-1, still not applied by the server (not requested again)"
        ]
    assert json.loads(memory.read_text()) == {
        "deployment": deployment_of(client),
        "tables": {name: {"encryption": "run-1"}},
    }
    other = plan_tables(
        client, [readings_table], expected, prefix, requested=read_requested(memory, "another deployment")
    )
    assert other.tables[0].protect == ("encryption",) and not other.tables[0].unapplied, "another deployment's memory"


def test_a_protection_the_server_applied_is_forgotten(client, admin, prefix, readings_table, tmp_path):
    name, memory = f"{prefix}readings", tmp_path / "requested.json"
    here = deployment_of(client)
    memory.write_text(
        json.dumps(
            {
                "deployment": here,
                "tables": {name: {"deletion protection": "run-0"}, "other-table": {"encryption": "run-0"}},
            }
        )
    )
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
        DeletionProtectionEnabled=True,
    )
    plan = plan_tables(
        client, [readings_table], {readings_table.name: []}, prefix, requested=read_requested(memory, here)
    )
    assert plan.tables[0].unapplied == {}
    remember(memory, here, plan, {}, "run-1")
    assert read_requested(memory, here) == {"other-table": {"encryption": "run-0"}}


def test_protections_a_created_table_was_declared_with_are_not_asked_again_where_the_server_never_shows_them(
    dynalite_endpoint, readings_table, tmp_path, fast_backoff, fast_wait
):
    """dynalite takes CreateTable's DeletionProtectionEnabled and SSESpecification and shows neither; an UpdateTable
    asking for them again would be refused (ValidationException), failing every rerun."""
    client = endpoint_client(dynalite_endpoint)
    install_guard(client)
    memory, expected = tmp_path / "requested.json", {readings_table.name: []}

    def run(run_id: str):
        plan = plan_tables(client, [readings_table], expected, requested=read_requested(memory, deployment_of(client)))
        done = apply_plan(
            client, plan, run_id=run_id, rollback_dir=tmp_path / "rollback", backoff=fast_backoff, wait=fast_wait
        )
        remember(memory, deployment_of(client), plan, done.tables, run_id)
        return plan.tables[0], done.tables[readings_table.name]

    created, _ = run("run-1")
    assert created.actions[0].startswith("create table")
    again, done = run("run-2")
    given = {kind for kind in ("deletion protection", "encryption") if kind in declared_protection(readings_table)}
    assert given and again.unapplied == dict.fromkeys(given, "run-1")
    assert not given & set(again.protect) and not given & set(done.unprotected), done.unprotected


def test_the_sync_tells_what_it_did_to_the_tables_before_it_writes_an_item(
    client, prefix, readings_table, tmp_path, scan
):
    """So that the protections a CreateTable declared are remembered even when the sync is stopped while writing."""
    expected = {readings_table.name: [row_to_item(r, readings_table) for r in reading_rows(3)]}
    plan = plan_tables(client, [readings_table], expected, prefix)
    seen = []

    def set_up(result) -> None:
        seen.append((result.tables[readings_table.name].created_table, len(scan(f"{prefix}readings"))))

    apply_plan(client, plan, run_id="run-1", rollback_dir=tmp_path / "rollback", on_tables_set_up=set_up)
    assert seen == [(True, 0)] and len(scan(f"{prefix}readings")) == 3
