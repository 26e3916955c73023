"""Vector suites of the poker area: cards, hand evaluation, PHH records (spec/06-poker.md)."""
