"""The data contracts: what a table contract is, and the registry that holds an export's contracts.

The vocabulary is in `contracts.table` (`Table`, `Index`, `ForeignKey`, the
duplicate policies and fixes); `contracts.registry` reads a contracts module
into a `Registry` that every stage is given. The sample's airline contracts
are the module `contracts.tables`. Importing this package loads no table.
"""
