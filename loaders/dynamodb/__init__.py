"""Talking to DynamoDB: what each call sends and how its answer is read.

- `client`: boto3 clients for a local server, another endpoint, or AWS; `endpoint`:
  an endpoint URL parsed once as botocore connects, shown without secrets;
- `tables`: table requests from a contract, describe, wait, protect, back up,
  add or replace a GSI, delete only when allowed;
- `items`: rows to items (client format) and items back to typed rows;
- `readback`: counts, scans and GSI queries; `capacity`: units by DynamoDB's rules;
- `waiters`: botocore's waiters, and one for "every GSI ACTIVE"; `backoff`:
  exponential backoff with full jitter while a table or index is busy.
"""
