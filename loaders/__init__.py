"""The loaders: put the fixed CSVs into DynamoDB as the contracts declare them, and nothing AWS would refuse.

Everything about a table (name, key schema, GSIs, attribute types) comes from
its `contracts.Table`; this package only knows how DynamoDB wants it.

- `dynamodb/`: talking to DynamoDB (client, endpoint, tables, items, read-back, capacity, waiters);
- `rules/`: AWS's rules, checked on every request before it is sent (the guard);
- `deploy/`: changing a deployment (plan, sync, batches, ImportTable, IAM policies);
- `errors`: the errors, named after the fault.

`rules/` uses `dynamodb/`, `deploy/` uses both; none imports one above it
(`tests/test_layers.py`). The local servers are `plugin.servers`, the
terminal's progress `reporting.progress`.
"""
