"""Expiry in a plan: which items are already past it, and whether the table's TTL must be turned on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from contracts.table import Table
from loaders.dynamodb.items import Item
from loaders.dynamodb.protection import time_to_live, ttl_enabled

if TYPE_CHECKING:
    from loaders.deploy.plan import TablePlan

# What a plan or a sync says of the items already past their expiry: AWS's UpdateTimeToLive reference says
# "DynamoDB typically deletes expired items within two days of expiration"; until then reads still return them.
EXPIRED_NOTE = "already expired (DynamoDB will delete them within days)"


def expired_items(table: Table, items: Iterable[Item], now: float) -> int:
    """How many items carry an expiry (epoch seconds) before `now`."""
    if table.expiry is None:
        return 0
    attribute = table.expiry.attribute
    return sum(1 for item in items if attribute in item and int(item[attribute]["N"]) < now)


def plan_ttl(client, plan: TablePlan, *, new: bool) -> None:
    """Plan TTL on for the declared attribute when the table (new, or live) does not have it on."""
    expiry = plan.table.expiry
    if expiry is None:
        return
    if not new:
        try:
            if ttl_enabled(time_to_live(client, plan.name), expiry.attribute):
                return
        except ClientError as error:
            # A server without the API (its answer would be UnknownOperationException): the sync asks, and says.
            if error.response["Error"]["Code"] != "UnknownOperationException":
                raise
    plan.enable_ttl = expiry.attribute
    plan.actions.append(f"enable TTL on {expiry.attribute}")
