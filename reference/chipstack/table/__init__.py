"""A whole table: players, the house (chain, notaries, cashier set), hands dealt fairly.

Spec: ``spec/08-table.md``. Every node is a sans-IO :class:`~chipstack.table.engine.Engine`
fed signed sync items; :func:`chipstack.table.local.run_local` runs them all in one
process on a simulated clock, ``chipstack.table.net`` as OS processes over TCP.
"""
