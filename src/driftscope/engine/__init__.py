"""The batch drift engine: plan each column, run its method, assemble the report."""
