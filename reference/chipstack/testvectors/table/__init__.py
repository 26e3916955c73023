"""Vector suites of the table area (spec/08-table.md)."""
