"""Vector suites of the cashier area (spec/04-cashier.md): proofs and table books."""
