"""The deployment the seed's old upload script left behind, built on a server for the sync self-tests.

Sixteen tables (the seed's list), every one without GSIs and without
deletion protection or point-in-time recovery (encrypted with the AWS managed
key, as the seed says); MaintenanceWorkOrders keyed on `work_order_id`, which
the export calls `workorder_id`; every attribute but the key stored as a
string, numbers included; CrewRoster from the roster before enrichment and
MaintenanceStaff from the shift roster (the wrong file); the export's rows as
they are, orphans included. Written with a plain client: the guard would
refuse none of it, and the old script had none.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.pytest_run import ROOT
from tests.sample import TABLES_BY_NAME

OLD_TABLES = (
    "flights",
    "bookings",
    "CrewMembers",
    "CrewRoster",
    "AircraftAvailability",
    "MaintenanceWorkOrders",
    "MaintenanceStaff",
    "CargoFlightAssignments",
    "CargoShipments",
    "Baggage",
    "Weather",
    "disruption_events",
    "recovery_scenarios",
    "recovery_actions",
    "business_impact_assessment",
    "safety_constraints",
)
OLD_FILES = {"CrewRoster": "crew_roster.csv", "MaintenanceStaff": "maintenance_roster.csv"}
OLD_KEY = {"MaintenanceWorkOrders": ("work_order_id", "workorder_id")}  # the old key, and the column it came from
ENCODINGS = {"crew_members.csv": "windows-1252"}


def _rows(file: str) -> list[dict]:
    with (ROOT / "data" / "raw" / file).open(encoding=ENCODINGS.get(file, "utf-8"), newline="") as handle:
        return list(csv.DictReader(handle))


def old_items(name: str) -> tuple[str, str, list[dict]]:
    """(key attribute, its type, the items the old script wrote): the last row of a key wins, as its puts did."""
    table = TABLES_BY_NAME[name]
    key, source = OLD_KEY.get(name, (table.key[0], table.key[0]))
    kind = table.attribute_type(table.key[0])
    items = {}
    for row in _rows(OLD_FILES.get(name, table.file)):
        item = {column: {"S": value} for column, value in row.items() if value != "" and column != source}
        item[key] = {kind: row[source]}
        for other in table.key[1:]:
            item[other] = {table.attribute_type(other): row[other]}
        items[tuple(next(iter(item[k].values())) for k in (key, *table.key[1:]))] = item
    return key, kind, list(items.values())


def build(client, prefix: str) -> dict[str, set]:
    """Create the old tables under `prefix` and write their items; returns each table's keys as written."""
    written = {}
    for name in OLD_TABLES:
        table = TABLES_BY_NAME[name]
        key, kind, items = old_items(name)
        names = (key, *table.key[1:])
        client.create_table(
            TableName=prefix + name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": n, "KeyType": k} for n, k in zip(names, ("HASH", "RANGE"))],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": kind}]
            + [{"AttributeName": n, "AttributeType": table.attribute_type(n)} for n in table.key[1:]],
            SSESpecification={"Enabled": True, "SSEType": "KMS"},
        )
        for start in range(0, len(items), 25):
            client.batch_write_item(
                RequestItems={prefix + name: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
            )
        written[name] = {tuple(next(iter(i[n].values())) for n in names) for i in items}
    return written


def fixed_keys(out_dir: Path, name: str) -> set[tuple]:
    """The keys of a table's fixed file, read with the csv module (not the project's reader)."""
    table = TABLES_BY_NAME[name]
    with (out_dir / "fixed" / table.file).open(encoding="utf-8", newline="") as handle:
        return {tuple(row[k] for k in table.key) for row in csv.DictReader(handle)}
