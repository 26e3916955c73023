"""The encoding vector suites (one module per suite; see ../README.md)."""
