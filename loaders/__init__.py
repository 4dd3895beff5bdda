"""The loaders: put the fixed CSVs into DynamoDB as the contracts declare them, and nothing AWS would refuse.

Everything about a table (name, key schema, GSIs, attribute types) comes from
its `contracts.Table`; this package only knows how DynamoDB wants it.

- `items`: rows to items (client format) and items back to typed rows;
- `tables`: create what is missing, add or replace GSIs one per UpdateTable,
  compare key schemas, protect, back up, delete only for --migrate/--recreate;
- `plan`: what a sync will change, item by item, read before anything is written;
- `sync`: carry out a plan, saving what it changes for `rollback`;
- `batch`: BatchWriteItem puts and deletes from several workers, `LoadReport`;
- `readback`: counts, scans and GSI queries; `capacity`: units by DynamoDB's rules;
- `progress`: a bar per table on a terminal, quiet lines in CI;
- `import_table`: a big new table through ImportTable, its items staged in S3;
- `endpoint`: an endpoint URL parsed once as botocore connects, shown without secrets;
- `iam`: least-privilege policies of a run's roles, from the contracts;
- `server`: a local moto or dynalite server in its own process; `client`:
  boto3 clients for it, another endpoint, or AWS;
- `guard` (with `definitions`, `attribute_values`, `expressions`): refuse, on
  every request of a client and before it is sent, what AWS would refuse;
- `errors`: the errors, named after the fault; `backoff`: exponential backoff with full jitter.
"""
