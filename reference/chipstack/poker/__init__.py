"""Poker: cards, the hand evaluator, PHH hand histories, and no-limit hold'em (spec/06-poker.md).

Submodules (imported on demand; this package itself imports nothing heavy):

- :mod:`chipstack.poker.cards`: a card is an ``int`` in 0..51
  (``rank_index * 4 + suit_index``, ranks ``23456789TJQKA``, suits ``cdhs``),
  with :func:`~chipstack.poker.cards.parse_cards` / ``format_cards`` for the
  two-character text form (``"AcKd"``).
- :mod:`chipstack.poker.evaluator`: :func:`~chipstack.poker.evaluator.hand_value`
  ranks 5, 6 or 7 cards (the best five); values 1..7462, higher is better,
  equal values tie; ``category`` and ``describe`` name a value.
- :mod:`chipstack.poker.phh`: read and write the PHH hand-history format
  (TOML) with exact decimal amounts (``read_phh``, ``load_phh``, ``write_phh``).

The hold'em rules live in the machine definition ``machines/holdem.yaml``, run
by the generic engine :mod:`chipstack.fsm` with the built-in library
``core/1+poker/1`` (:mod:`chipstack.poker.builtins`);
:class:`chipstack.poker.hand.Hand` plays one hand through that machine,
:class:`chipstack.poker.table.Table` plays consecutive hands at one table and
:mod:`chipstack.poker.replay` replays PHH records through it.
:mod:`chipstack.poker.cashier_rules` lets a cashier table dispute hold'em hands
(the [CASH-30] mapping and the [CASH-38] hand binding).
:mod:`chipstack.poker.widgets` (ipywidgets) shows a hand to people: it renders a
:class:`chipstack.poker.tablemodel.TableModel`, which steps through the frames of
a :class:`chipstack.poker.timeline.HandTimeline`.
"""
