"""Poker: no-limit hold'em as an FSM definition, a Table/Hand API for people, PHH replay.

Spec: ``spec/06-poker.md``. The hold'em rules live in the machine definition
``machines/holdem.yaml``, run by the generic engine :mod:`chipstack.fsm`
with the built-in library ``core/1+poker/1`` (:mod:`chipstack.poker.builtins`).
:class:`chipstack.poker.hand.Hand` plays one hand through that machine;
:class:`chipstack.poker.table.Table` plays consecutive hands at one table;
:mod:`chipstack.poker.replay` replays PHH records through it.
"""
