"""Changing a deployment: what a run will change, and changing it.

- `plan`: what a sync will change, item by item, read before anything is written;
- `sync`: carry out a plan, saving what it changes for rollback; `progress`: what it reports to;
- `batch`: BatchWriteItem puts and deletes from several workers, `LoadReport`;
- `import_table`: a big new table through ImportTable, its items staged in S3;
- `iam`: least-privilege policies of a run's roles, from the contracts.
"""
