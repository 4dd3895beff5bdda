"""Fixers: turn an upstream export into files that satisfy the contracts.

Each fixer is a plain function from a frame to an `Outcome`: the new frame, a
record of what changed, and the rows it set aside with their reason. Which
fixers run on a table, and how, is declared in the table's contract;
`fixers.run.fix_export` carries that out for a whole folder and keeps the ledger.
"""
