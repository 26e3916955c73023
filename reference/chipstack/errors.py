"""The rejection vocabulary: one reason code for every way an input can be refused.

Spec: ``spec/00-encoding.md`` section 5 and the "Reason codes" table of every
later area. Implementations report these codes verbatim; vectors name them.
Code never matches on exception text, only on :attr:`Rejected.reason`.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """A reason code: ``<area>.<what_went_wrong>``, stable across versions.

    Each area appends its codes in its own block below; the spec tables list
    the same codes (a test checks that spec and enum agree).
    """

    # --- encoding (spec/00-encoding.md) ---
    ENCODING_TRUNCATED = "encoding.truncated"
    ENCODING_TRAILING_BYTES = "encoding.trailing_bytes"
    ENCODING_NON_MINIMAL_COMPACTSIZE = "encoding.non_minimal_compactsize"
    ENCODING_OVER_LENGTH = "encoding.over_length"
    ENCODING_UNKNOWN_VERSION = "encoding.unknown_version"
    ENCODING_BAD_UTF8 = "encoding.bad_utf8"
    ENCODING_BAD_FLAG = "encoding.bad_flag"
    ENCODING_OUT_OF_RANGE = "encoding.out_of_range"
    ENCODING_BAD_HEX = "encoding.bad_hex"

    # --- crypto (spec/00-encoding.md) ---
    CRYPTO_BAD_KEY_LENGTH = "crypto.bad_key_length"
    CRYPTO_BAD_SEED_LENGTH = "crypto.bad_seed_length"
    CRYPTO_BAD_SIGNATURE_LENGTH = "crypto.bad_signature_length"
    CRYPTO_BAD_SIGNATURE = "crypto.bad_signature"
    CRYPTO_UNKNOWN_TAG = "crypto.unknown_tag"
    CRYPTO_WEAK_PUBLIC_KEY = "crypto.weak_public_key"

    # --- vectors (spec/05-vectors.md) ---
    VECTORS_UNKNOWN_OPERATION = "vectors.unknown_operation"
    VECTORS_BAD_INPUT = "vectors.bad_input"

    # --- sync (spec/01-sync.md) ---
    # negentropy reconciliation (spec/01-sync.md, NEG rules)
    SYNC_NEGENTROPY_TRUNCATED = "sync.negentropy_truncated"
    SYNC_NEGENTROPY_NON_MINIMAL_VARINT = "sync.negentropy_non_minimal_varint"
    SYNC_NEGENTROPY_VARINT_OVERFLOW = "sync.negentropy_varint_overflow"
    SYNC_NEGENTROPY_BAD_VERSION = "sync.negentropy_bad_version"
    SYNC_NEGENTROPY_UNSUPPORTED_VERSION = "sync.negentropy_unsupported_version"
    SYNC_NEGENTROPY_TIMESTAMP_OVERFLOW = "sync.negentropy_timestamp_overflow"
    SYNC_NEGENTROPY_BAD_ID_PREFIX = "sync.negentropy_bad_id_prefix"
    SYNC_NEGENTROPY_RANGE_ORDER = "sync.negentropy_range_order"
    SYNC_NEGENTROPY_BAD_MODE = "sync.negentropy_bad_mode"
    SYNC_NEGENTROPY_BAD_ITEM = "sync.negentropy_bad_item"
    SYNC_NEGENTROPY_DUPLICATE_ITEM = "sync.negentropy_duplicate_item"
    SYNC_NEGENTROPY_WRONG_ROLE = "sync.negentropy_wrong_role"
    SYNC_NEGENTROPY_HARNESS_BAD_LINE = "sync.negentropy_harness_bad_line"
    SYNC_FRAME_LIMIT_TOO_SMALL = "sync.frame_limit_too_small"
    # sync core: items, store, node protocol (spec/01-sync.md, SYNC rules)
    SYNC_TAG_TOO_LONG = "sync.tag_too_long"
    SYNC_PAYLOAD_TOO_LARGE = "sync.payload_too_large"
    SYNC_BAD_EXPIRY = "sync.bad_expiry"
    SYNC_EXPIRED = "sync.expired"
    SYNC_FUTURE_TIMESTAMP = "sync.future_timestamp"
    SYNC_LOW_PRIORITY = "sync.low_priority"
    SYNC_STORE_FULL = "sync.store_full"
    SYNC_UNKNOWN_MESSAGE = "sync.unknown_message"
    SYNC_WRONG_NETWORK = "sync.wrong_network"
    SYNC_UNEXPECTED_MESSAGE = "sync.unexpected_message"
    SYNC_RATE_LIMITED = "sync.rate_limited"
    SYNC_BAD_RECONCILIATION = "sync.bad_reconciliation"
    SYNC_TIMEOUT = "sync.timeout"
    SYNC_MISBEHAVING = "sync.misbehaving"
    # sync secure channel and connection limits (spec/01-sync.md, SYNC-40 ..)
    SYNC_HANDSHAKE_FAILED = "sync.handshake_failed"
    SYNC_RECORD_FAILED = "sync.record_failed"
    SYNC_TOO_MANY_RANGES = "sync.too_many_ranges"
    SYNC_BAD_STORE = "sync.bad_store"

    # --- chain (spec/02-chain.md) ---
    CHAIN_BAD_BITS = "chain.bad_bits"
    CHAIN_WRONG_BITS = "chain.wrong_bits"
    CHAIN_POW_FAILED = "chain.pow_failed"
    CHAIN_TIME_TOO_OLD = "chain.time_too_old"
    CHAIN_TIME_TOO_NEW = "chain.time_too_new"
    CHAIN_MERKLE_EMPTY = "chain.merkle_empty"
    CHAIN_MERKLE_MUTATED = "chain.merkle_mutated"
    CHAIN_MERKLE_MISMATCH = "chain.merkle_mismatch"
    CHAIN_BRANCH_TOO_DEEP = "chain.branch_too_deep"
    CHAIN_BRANCH_BAD_INDEX = "chain.branch_bad_index"
    CHAIN_UNKNOWN_CONDITION = "chain.unknown_condition"
    CHAIN_BAD_MULTISIG = "chain.bad_multisig"
    CHAIN_BAD_AMOUNT = "chain.bad_amount"
    CHAIN_TX_NO_INPUTS = "chain.tx_no_inputs"
    CHAIN_TX_NO_OUTPUTS = "chain.tx_no_outputs"
    CHAIN_TX_DUPLICATE_INPUT = "chain.tx_duplicate_input"
    CHAIN_TX_64_BYTES = "chain.tx_64_bytes"
    CHAIN_TX_LOCKTIME = "chain.tx_locktime"
    CHAIN_MISSING_INPUT = "chain.missing_input"
    CHAIN_VALUE_OUT_EXCEEDS_IN = "chain.value_out_exceeds_in"
    CHAIN_BAD_WITNESS = "chain.bad_witness"
    CHAIN_UNKNOWN_EVAL_CODE = "chain.unknown_eval_code"
    CHAIN_NO_COINBASE = "chain.no_coinbase"
    CHAIN_EXTRA_COINBASE = "chain.extra_coinbase"
    CHAIN_COINBASE_HEIGHT = "chain.coinbase_height"
    CHAIN_COINBASE_TOO_LARGE = "chain.coinbase_too_large"
    CHAIN_DUPLICATE_TX = "chain.duplicate_tx"
    CHAIN_UNKNOWN_PARENT = "chain.unknown_parent"
    CHAIN_DUPLICATE_BLOCK = "chain.duplicate_block"
    CHAIN_BAD_GENESIS = "chain.bad_genesis"
    CHAIN_REORG_BELOW_NOTARIZATION = "chain.reorg_below_notarization"
    CHAIN_UNKNOWN_TX = "chain.unknown_tx"
    CHAIN_BAD_NOTARY_SET = "chain.bad_notary_set"
    CHAIN_NOTARY_TOO_FEW_SIGNATURES = "chain.notary_too_few_signatures"
    CHAIN_NOTARY_DUPLICATE_SIGNER = "chain.notary_duplicate_signer"
    CHAIN_NOTARY_UNSORTED_SIGNERS = "chain.notary_unsorted_signers"
    CHAIN_NOTARY_UNKNOWN_SIGNER = "chain.notary_unknown_signer"
    CHAIN_NOTARY_WRONG_SET = "chain.notary_wrong_set"
    CHAIN_NOTARY_WRONG_CHAIN = "chain.notary_wrong_chain"
    CHAIN_NOTARY_WRONG_HEIGHT = "chain.notary_wrong_height"
    CHAIN_NOTARY_WRONG_BLOCK = "chain.notary_wrong_block"
    CHAIN_NOTARY_BAD_MOM = "chain.notary_bad_mom"
    CHAIN_NOTARY_STALE = "chain.notary_stale"
    CHAIN_HEADERS_NOT_LINKED = "chain.headers_not_linked"
    CHAIN_PROOF_EMPTY = "chain.proof_empty"
    CHAIN_PROOF_HEADER_MISMATCH = "chain.proof_header_mismatch"

    # --- fsm (spec/03-fsm.md) ---
    # fsm engine (spec/03-fsm.md)
    FSM_DEF_MALFORMED = "fsm.def_malformed"
    FSM_DEF_BAD_NAME = "fsm.def_bad_name"
    FSM_DEF_DUPLICATE_NAME = "fsm.def_duplicate_name"
    FSM_DEF_BAD_EXPRESSION = "fsm.def_bad_expression"
    FSM_DEF_UNKNOWN_LIBRARY = "fsm.def_unknown_library"
    FSM_DEF_UNKNOWN_STATE = "fsm.def_unknown_state"
    FSM_DEF_UNKNOWN_EVENT = "fsm.def_unknown_event"
    FSM_DEF_UNKNOWN_ROLE = "fsm.def_unknown_role"
    FSM_DEF_UNKNOWN_VARIABLE = "fsm.def_unknown_variable"
    FSM_DEF_FINAL_HAS_EXIT = "fsm.def_final_has_exit"
    FSM_DEF_BAD_TIMEOUT = "fsm.def_bad_timeout"
    FSM_DEF_ILL_TYPED = "fsm.def_ill_typed"
    FSM_DEF_UNREACHABLE_STATE = "fsm.def_unreachable_state"
    FSM_DEF_DEAD_END = "fsm.def_dead_end"
    FSM_DEF_NONDETERMINISTIC = "fsm.def_nondeterministic"
    FSM_BAD_BINDING = "fsm.bad_binding"
    FSM_BAD_PARAMS = "fsm.bad_params"
    FSM_WRONG_DEFINITION = "fsm.wrong_definition"
    FSM_WRONG_INSTANCE = "fsm.wrong_instance"
    FSM_WRONG_SEQ = "fsm.wrong_seq"
    FSM_STALE_STATE = "fsm.stale_state"
    FSM_TIME_REGRESSED = "fsm.time_regressed"
    FSM_INSTANCE_FINAL = "fsm.instance_final"
    FSM_UNKNOWN_EVENT = "fsm.unknown_event"
    FSM_BAD_ARGUMENTS = "fsm.bad_arguments"
    FSM_NO_TRANSITION = "fsm.no_transition"
    FSM_UNAUTHORIZED_SIGNER = "fsm.unauthorized_signer"
    FSM_BAD_SIGNATURE = "fsm.bad_signature"
    FSM_TIMEOUT_NOT_DUE = "fsm.timeout_not_due"
    FSM_DEADLINE_PASSED = "fsm.deadline_passed"
    FSM_GUARD_FALSE = "fsm.guard_false"
    FSM_EVAL_FAILED = "fsm.eval_failed"
    FSM_EQUIVOCATION_DIFFERENT_SLOT = "fsm.equivocation_different_slot"
    FSM_EQUIVOCATION_DIFFERENT_SIGNER = "fsm.equivocation_different_signer"
    FSM_EQUIVOCATION_SAME_EVENT = "fsm.equivocation_same_event"
    FSM_EQUIVOCATION_NOT_CANONICAL = "fsm.equivocation_not_canonical"
    FSM_ONCHAIN_NOT_FSM = "fsm.onchain_not_fsm"
    FSM_ONCHAIN_BAD_FUNCID = "fsm.onchain_bad_funcid"
    FSM_ONCHAIN_UNKNOWN_DEFINITION = "fsm.onchain_unknown_definition"
    FSM_ONCHAIN_UNKNOWN_INSTANCE = "fsm.onchain_unknown_instance"
    FSM_ONCHAIN_DUPLICATE_INSTANCE = "fsm.onchain_duplicate_instance"
    FSM_ONCHAIN_MARKER_NOT_SPENT = "fsm.onchain_marker_not_spent"
    FSM_ONCHAIN_BAD_MARKER = "fsm.onchain_bad_marker"
    FSM_ONCHAIN_WRONG_FUNCID = "fsm.onchain_wrong_funcid"
    # fsm cost model (spec/03-fsm.md, EXPR-50.., FSM-50..)
    FSM_OVER_BUDGET = "fsm.over_budget"
    FSM_DEF_OVER_BUDGET = "fsm.def_over_budget"
    # fsm.expr (spec/03-fsm.md)
    FSM_EXPR_SYNTAX = "fsm.expr_syntax"
    FSM_EXPR_LIMIT = "fsm.expr_limit"
    FSM_EXPR_TYPE_ERROR = "fsm.expr_type_error"
    FSM_EXPR_UNKNOWN_NAME = "fsm.expr_unknown_name"
    FSM_EXPR_UNKNOWN_BUILTIN = "fsm.expr_unknown_builtin"
    FSM_EXPR_OVERFLOW = "fsm.expr_overflow"
    FSM_EXPR_DIVISION_BY_ZERO = "fsm.expr_division_by_zero"
    FSM_EXPR_INDEX_OUT_OF_RANGE = "fsm.expr_index_out_of_range"
    FSM_EXPR_BAD_ARGUMENT = "fsm.expr_bad_argument"
    FSM_EXPR_UNKNOWN_NODE = "fsm.expr_unknown_node"
    FSM_EXPR_UNKNOWN_TYPE = "fsm.expr_unknown_type"
    FSM_EXPR_BAD_NAME = "fsm.expr_bad_name"
    FSM_EXPR_MALFORMED = "fsm.expr_malformed"
    FSM_EXPR_BAD_VALUE = "fsm.expr_bad_value"

    # --- cashier (spec/04-cashier.md) ---
    CASHIER_BAD_CASHIER_SET = "cashier.bad_cashier_set"
    CASHIER_BAD_TABLE_PARAMS = "cashier.bad_table_params"
    CASHIER_PROOF_TOO_LARGE = "cashier.proof_too_large"
    CASHIER_NOT_A_DEPOSIT = "cashier.not_a_deposit"
    CASHIER_WRONG_OUTPUT = "cashier.wrong_output"
    CASHIER_WRONG_TABLE = "cashier.wrong_table"
    CASHIER_WRONG_PLAYER = "cashier.wrong_player"
    CASHIER_BAD_AMOUNT = "cashier.bad_amount"
    CASHIER_REPLAYED_NONCE = "cashier.replayed_nonce"
    CASHIER_WRONG_CHIPS = "cashier.wrong_chips"
    CASHIER_UNKNOWN_SIGNER = "cashier.unknown_signer"
    CASHIER_DUPLICATE_SIGNER = "cashier.duplicate_signer"
    CASHIER_UNSORTED_SIGNERS = "cashier.unsorted_signers"
    CASHIER_TOO_FEW_SIGNATURES = "cashier.too_few_signatures"
    CASHIER_DOUBLE_ISSUE = "cashier.double_issue"
    CASHIER_STALE_REQUEST = "cashier.stale_request"
    CASHIER_DUPLICATE_PLAYER = "cashier.duplicate_player"
    CASHIER_MISSING_SIGNATURE = "cashier.missing_signature"
    CASHIER_STALE_SETTLEMENT = "cashier.stale_settlement"
    CASHIER_BALANCES_NOT_SUMMING = "cashier.balances_not_summing"
    CASHIER_UNKNOWN_DEPOSIT = "cashier.unknown_deposit"
    CASHIER_DROPPED_DEPOSIT = "cashier.dropped_deposit"
    CASHIER_UNFUNDED_PLAYER = "cashier.unfunded_player"
    CASHIER_TABLE_CLOSED = "cashier.table_closed"
    CASHIER_TABLE_NOT_CLOSED = "cashier.table_not_closed"
    CASHIER_DISPUTE_TOO_EARLY = "cashier.dispute_too_early"
    CASHIER_DISPUTE_BAD_GAME = "cashier.dispute_bad_game"
    CASHIER_DISPUTE_UNFINISHED = "cashier.dispute_unfinished"
    CASHIER_DISPUTE_MISMATCH = "cashier.dispute_mismatch"
    CASHIER_BAD_EVIDENCE = "cashier.bad_evidence"
    CASHIER_ALREADY_REDEEMED = "cashier.already_redeemed"
    CASHIER_PAYOUT_MISMATCH = "cashier.payout_mismatch"
    CASHIER_BAD_PRICE = "cashier.bad_price"
    CASHIER_TABLE_FULL = "cashier.table_full"

    # --- poker: cards and evaluation (spec/06-poker.md, CARD and EVAL rules) ---
    POKER_BAD_CARD = "poker.bad_card"
    POKER_DUPLICATE_CARD = "poker.duplicate_card"
    POKER_BAD_HAND_SIZE = "poker.bad_hand_size"
    POKER_BAD_HAND_VALUE = "poker.bad_hand_value"

    # --- phh: hand-history files (spec/06-poker.md, PHH rules) ---
    PHH_TOO_LARGE = "phh.too_large"
    PHH_BAD_TOML = "phh.bad_toml"
    PHH_MISSING_FIELD = "phh.missing_field"
    PHH_BAD_FIELD = "phh.bad_field"
    PHH_UNKNOWN_VARIANT = "phh.unknown_variant"
    PHH_BAD_AMOUNT = "phh.bad_amount"
    PHH_BAD_ACTION = "phh.bad_action"
    PHH_UNKNOWN_CARD = "phh.unknown_card"

    # --- issue 8 pins: refusals of malformed operation inputs (spec/02-chain.md, 05-vectors.md) ---
    CHAIN_BAD_INPUT_INDEX = "chain.bad_input_index"
    CHAIN_NOT_SIGNATURE_CONDITION = "chain.not_signature_condition"
    VECTORS_BAD_LENGTH = "vectors.bad_length"

    # --- poker: hold'em machine, Hand/Table API, PHH replay (spec/06-poker.md) ---
    POKER_HAND_OVER = "poker.hand_over"
    POKER_NOT_YOUR_TURN = "poker.not_your_turn"
    POKER_ILLEGAL_ACTION = "poker.illegal_action"
    POKER_NOT_REOPENED = "poker.not_reopened"
    POKER_BAD_AMOUNT = "poker.bad_amount"
    POKER_BAD_DEAL = "poker.bad_deal"
    POKER_BAD_TABLE = "poker.bad_table"

    # --- dealing: fair dealing with no trusted dealer (spec/07-dealing.md, DEAL rules) ---
    DEALING_BAD_POINT = "dealing.bad_point"
    DEALING_BAD_SCALAR = "dealing.bad_scalar"
    DEALING_BAD_MESSAGE = "dealing.bad_message"
    DEALING_BAD_DECK_SIZE = "dealing.bad_deck_size"
    DEALING_BAD_POSITIONS = "dealing.bad_positions"
    DEALING_BAD_KEY_PROOF = "dealing.bad_key_proof"
    DEALING_BAD_SHUFFLE_PROOF = "dealing.bad_shuffle_proof"
    DEALING_BAD_SHARE_PROOF = "dealing.bad_share_proof"
    DEALING_UNKNOWN_CARD = "dealing.unknown_card"
    DEALING_DUPLICATE_CARD = "dealing.duplicate_card"
    DEALING_WRONG_HAND = "dealing.wrong_hand"
    DEALING_WRONG_SENDER = "dealing.wrong_sender"
    DEALING_DUPLICATE_MESSAGE = "dealing.duplicate_message"
    DEALING_EQUIVOCATION = "dealing.equivocation"
    DEALING_OUT_OF_TURN = "dealing.out_of_turn"
    DEALING_TIMEOUT = "dealing.timeout"
    DEALING_HAND_OVER = "dealing.hand_over"

    # --- table (spec/08-table.md) ---
    TABLE_WRONG_TABLE = "table.wrong_table"
    TABLE_UNKNOWN_AUTHOR = "table.unknown_author"
    TABLE_BAD_MESSAGE = "table.bad_message"
    TABLE_DUPLICATE = "table.duplicate"
    TABLE_NOT_DUE = "table.not_due"
    TABLE_STALE = "table.stale"
    TABLE_BAD_SETTLEMENT = "table.bad_settlement"
    TABLE_CLOSED = "table.closed"


class Rejected(Exception):
    """Raised when an input is refused; carries the :class:`Reason` and a human detail.

    The ``detail`` text is for people reading logs; programs use ``reason``.
    """

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


def require(condition: bool, reason: Reason, detail: str = "") -> None:
    """Raise :class:`Rejected` with ``reason`` unless ``condition`` holds."""
    if not condition:
        raise Rejected(reason, detail)
