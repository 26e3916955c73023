"""Vector suites of the poker area: cards, hand evaluation, PHH records, hold'em hands
(spec/06-poker.md)."""
