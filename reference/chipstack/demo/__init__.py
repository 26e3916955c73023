"""The end-to-end demo behind ``chipstack demo`` and ``make demo``: one short section per area."""
