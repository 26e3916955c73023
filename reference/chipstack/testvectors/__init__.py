"""Generation of every test-vector suite: one module per suite, ``testvectors/<area>/<suite>.py``.

Each suite module holds a thin operations adapter (JSON input -> reference call ->
JSON output) and its cases, and exposes ``SUITE``. This package lists them
explicitly in :data:`SUITES`; the consumer side (checking, coverage, the
external-impl runner, the files) is :mod:`chipstack.vectors`. How to add a
suite: ``testvectors/README.md``.
"""

from __future__ import annotations

from chipstack.testvectors.cashier import book as cashier_book
from chipstack.testvectors.cashier import proofs as cashier_proofs
from chipstack.testvectors.chain import block as chain_block
from chipstack.testvectors.chain import header as chain_header
from chipstack.testvectors.chain import merkle as chain_merkle
from chipstack.testvectors.chain import notary as chain_notary
from chipstack.testvectors.chain import spv as chain_spv
from chipstack.testvectors.chain import tx as chain_tx
from chipstack.testvectors.crypto import ed25519 as crypto_ed25519
from chipstack.testvectors.crypto import hashes as crypto_hashes
from chipstack.testvectors.dealing import primitives as dealing_primitives
from chipstack.testvectors.dealing import protocol as dealing_protocol
from chipstack.testvectors.encoding import compactsize as encoding_compactsize
from chipstack.testvectors.encoding import primitives as encoding_primitives
from chipstack.testvectors.fsm import costs as fsm_costs
from chipstack.testvectors.fsm import definitions as fsm_definitions
from chipstack.testvectors.fsm import equivocation as fsm_equivocation
from chipstack.testvectors.fsm import events as fsm_events
from chipstack.testvectors.fsm import expr as fsm_expr
from chipstack.testvectors.fsm import onchain as fsm_onchain
from chipstack.testvectors.poker import cards as poker_cards
from chipstack.testvectors.poker import evaluator as poker_evaluator
from chipstack.testvectors.poker import holdem as poker_holdem
from chipstack.testvectors.poker import phh as poker_phh
from chipstack.testvectors.sync import addr as sync_addr
from chipstack.testvectors.sync import channel as sync_channel
from chipstack.testvectors.sync import items as sync_items
from chipstack.testvectors.sync import limits as sync_limits
from chipstack.testvectors.sync import negentropy_bound as sync_negentropy_bound
from chipstack.testvectors.sync import negentropy_fingerprint as sync_negentropy_fingerprint
from chipstack.testvectors.sync import negentropy_message as sync_negentropy_message
from chipstack.testvectors.sync import negentropy_transcript as sync_negentropy_transcript
from chipstack.testvectors.sync import negentropy_varint as sync_negentropy_varint
from chipstack.testvectors.sync import wire as sync_wire
from chipstack.testvectors.table import protocol as table_protocol
from chipstack.vectors.model import Suite

#: Every suite, in the order files are generated and reported. Add a suite here.
SUITES: tuple[Suite, ...] = (
    encoding_compactsize.SUITE,
    encoding_primitives.SUITE,
    crypto_hashes.SUITE,
    crypto_ed25519.SUITE,
    chain_header.SUITE,
    chain_merkle.SUITE,
    chain_tx.SUITE,
    chain_notary.SUITE,
    chain_block.SUITE,
    chain_spv.SUITE,
    sync_negentropy_varint.SUITE,
    sync_negentropy_bound.SUITE,
    sync_negentropy_fingerprint.SUITE,
    sync_negentropy_message.SUITE,
    sync_negentropy_transcript.SUITE,
    sync_items.SUITE,
    sync_wire.SUITE,
    sync_channel.SUITE,
    sync_limits.SUITE,
    sync_addr.SUITE,
    fsm_definitions.SUITE,
    fsm_events.SUITE,
    fsm_equivocation.SUITE,
    fsm_onchain.SUITE,
    fsm_expr.SUITE,
    fsm_costs.SUITE,
    poker_cards.SUITE,
    poker_evaluator.SUITE,
    poker_phh.SUITE,
    poker_holdem.SUITE,
    cashier_proofs.SUITE,
    cashier_book.SUITE,
    dealing_primitives.SUITE,
    dealing_protocol.SUITE,
    table_protocol.SUITE,
)


def all_suites() -> list[Suite]:
    """Return every suite, in :data:`SUITES` order; names are unique."""
    names = [s.name for s in SUITES]
    if len(names) != len(set(names)):
        raise ValueError(f"duplicate suite names: {names}")
    return list(SUITES)


def suite_by_name(name: str) -> Suite:
    """Return the suite called ``name`` (``area/stem``) or raise KeyError."""
    for s in SUITES:
        if s.name == name:
            return s
    raise KeyError(name)
