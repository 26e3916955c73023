"""Vector suites of the poker area (spec/06-poker.md)."""
