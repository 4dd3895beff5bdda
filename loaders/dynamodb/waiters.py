"""Waiting for DynamoDB with botocore's waiters, for as long as a `Wait` allows.

botocore's `table_not_exists` and `import_completed` are used as they are;
botocore has none for an export, so `export_completed` follows DescribeExport.
Its `table_exists` waits for the table alone, but AWS backfills a GSI after its
table is ACTIVE and takes no other change to the table meanwhile: `table_ready`
also waits until every GSI is ACTIVE (and, if asked, one being deleted is gone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from botocore.exceptions import ClientError, WaiterError
from botocore.waiter import WaiterModel, create_waiter_with_client

from loaders.dynamodb.backoff import Backoff

_EVERY_GSI_ACTIVE = "Table.TableStatus == 'ACTIVE' && !(Table.GlobalSecondaryIndexes[?IndexStatus != 'ACTIVE'])"


@dataclass(frozen=True)
class Wait:
    """How long to wait (AWS backfills a GSI for minutes), how often to ask, and how to back off when AWS is busy."""

    timeout: float = 1800.0
    delay: float = 1.0
    busy: Backoff = Backoff(base=1.0, cap=30.0, attempts=10)

    def config(self) -> dict:
        """A waiter's WaiterConfig: ask at once, then every `delay` seconds until `timeout` has passed."""
        return {"Delay": self.delay, "MaxAttempts": math.ceil(self.timeout / self.delay) + 1}


def table_ready(client, without_index: str | None = None):
    """A waiter on DescribeTable until the table and every GSI are ACTIVE, and `without_index` is not among them."""
    ready = _EVERY_GSI_ACTIVE
    if without_index is not None:
        # An index name is only [a-zA-Z0-9_.-] (Naming rules and data types): it cannot end the quoted literal.
        ready += f" && !(Table.GlobalSecondaryIndexes[?IndexName == '{without_index}'])"
    # The format requires a delay and maxAttempts; every wait gives its own (`Wait.config`).
    model = WaiterModel(
        {
            "version": 2,
            "waiters": {
                "TableReady": {
                    "operation": "DescribeTable",
                    "delay": 1,
                    "maxAttempts": 1,
                    "acceptors": [
                        {"state": "success", "matcher": "path", "argument": ready, "expected": True},
                        {"state": "retry", "matcher": "error", "expected": "ResourceNotFoundException"},
                    ],
                }
            },
        }
    )
    return create_waiter_with_client("TableReady", model, client)


def export_completed(client):
    """A waiter on DescribeExport until the export is COMPLETED; FAILED ends it as a failure."""
    status = "ExportDescription.ExportStatus"
    model = WaiterModel(
        {
            "version": 2,
            "waiters": {
                "ExportCompleted": {
                    "operation": "DescribeExport",
                    "delay": 1,
                    "maxAttempts": 1,
                    "acceptors": [
                        {"state": "success", "matcher": "path", "argument": status, "expected": "COMPLETED"},
                        {"state": "failure", "matcher": "path", "argument": status, "expected": "FAILED"},
                    ],
                }
            },
        }
    )
    return create_waiter_with_client("ExportCompleted", model, client)


def run(waiter, wait: Wait, **params) -> dict | None:
    """Run `waiter` within `wait`: None once it succeeds, else the last answer (the wait ran out, or ended in a
    failure state). An error none of its acceptors expects is raised as the ClientError it is, not as a waiter's."""
    try:
        waiter.wait(**params, WaiterConfig=wait.config())
    except WaiterError as error:
        last = error.last_response or {}
        code = last.get("Error", {}).get("Code")
        expected = {a.expected for a in waiter.config.acceptors if a.matcher == "error"}
        if code is not None and code not in expected:
            raise ClientError(last, waiter.config.operation) from None
        return last
    return None
