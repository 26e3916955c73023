"""A table over the network: one OS process per node, talking only through sync over TCP.

:mod:`~chipstack.table.net.runner` starts and watches the processes,
:mod:`~chipstack.table.net.child` is what each runs (a sync node with a persistent
store driving one engine), :mod:`~chipstack.table.net.links` injects link faults
outside the protocol code, :mod:`~chipstack.table.net.figures` measures how well the
nodes kept in sync, and :mod:`~chipstack.table.net.lockstep` is a minimal engine for
checking the runner on its own.
"""
