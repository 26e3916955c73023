"""Vector suites of fair dealing (spec/07-dealing.md)."""
