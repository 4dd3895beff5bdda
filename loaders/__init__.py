"""The loaders: put the fixed CSVs into DynamoDB as the contracts declare them, and nothing AWS would refuse.

Everything about a table (name, key schema, GSIs, attribute types) comes from
its `contracts.Table`; this package only knows how DynamoDB wants it.

- `items`: rows to items (client format) and items back to typed rows;
- `tables`: create what is missing, add GSIs one per UpdateTable, refuse
  a key schema that differs, delete only for --recreate;
- `batch`: BatchWriteItem from several workers, retries with backoff, `LoadReport`;
- `load`: all of it for a list of tables; `progress`: a bar or quiet lines;
- `import_table`: a big new table through ImportTable, its items staged in S3;
- `server`: a local moto or dynalite server in its own process; `client`:
  boto3 clients for it, another endpoint, or AWS;
- `guard` (with `definitions`, `attribute_values`, `expressions`): refuse, on
  every request of a client and before it is sent, what AWS would refuse;
- `errors`: the errors, named after the fault; `backoff`: exponential backoff with full jitter.
"""
