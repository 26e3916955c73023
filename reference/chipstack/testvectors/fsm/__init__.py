"""The fsm vector suites (one module per suite; see ../README.md)."""
