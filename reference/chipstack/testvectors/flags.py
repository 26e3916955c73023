"""Every flag a vector case may carry, with its note; and the flag of a flagless invalid case.

One namespace for all suites (a flag means the same in every file). A file
carries the notes of the flags its cases use (spec/05-vectors.md section 1,
"Flags"). A case that names no flag gets ``normal`` if it is valid, or the
flag of its reason code from :data:`REASON_FLAGS` if it is invalid.
"""

from __future__ import annotations

from chipstack.vectors.model import Note

_SPLIT = "an implementation that gets it wrong disagrees with the others on which data is valid"
_FORGE = "an implementation that accepts it can be fooled into accepting forged data"
_MALLEABLE = (
    "an implementation that accepts it lets one object travel under two encodings, "
    "so ids and hashes of the same object differ between nodes"
)
_DOS = "an implementation that does not refuse it early can be made to use unbounded memory or CPU"

#: Flag name -> note. Add new flags here (alphabetical order is not required).
FLAGS: dict[str, Note] = {
    # -- ordinary behaviour -------------------------------------------------------------
    "normal": Note(
        "basic",
        "An ordinary input every implementation must handle.",
        "an implementation that fails it cannot interoperate at all",
    ),
    "real_bitcoin": Note(
        "known_answer",
        "Data of a real Bitcoin mainnet block, cited in spec/02-chain.md section 2.4.",
        "an implementation that fails it does not compute what Bitcoin computes",
    ),
    "rfc8032": Note(
        "known_answer",
        "Restates RFC 8032 section 7.1 TEST 1-3 (an independent source).",
        "an implementation that fails it is not Ed25519",
    ),
    "registry": Note(
        "basic",
        "One case per registered tag: the hash of the single byte 0x00.",
        "an implementation with a misspelt tag hashes into another domain than every other node",
    ),
    "multisig": Note(
        "basic",
        "An M-of-N condition.",
        "an implementation that fails it cannot spend or check multisig outputs",
    ),
    "cc": Note(
        "basic",
        "A CC (eval code) condition or an OP_RETURN payload.",
        "an implementation that fails it mis-encodes contract outputs and their txids",
    ),
    "signature": Note(
        "basic",
        "A signature or witness check.",
        "an implementation that fails it refuses valid spends or accepts invalid ones",
    ),
    "reorg": Note(
        "basic",
        "A competing chain: side chain, reorganization, or fork below a notarization.",
        "an implementation that fails it follows another best chain than the others",
    ),
    "version": Note(
        "basic",
        "Protocol version negotiation.",
        "an implementation that fails it cannot talk to peers of another version",
    ),
    "small": Note(
        "basic",
        "Sets small enough to check by hand.",
        "an implementation that fails it does not reconcile even the simplest sets",
    ),
    "medium": Note(
        "basic",
        "Sets large enough to split ranges (generated items).",
        "an implementation that fails it reconciles small sets only",
    ),
    # -- edges -------------------------------------------------------------------------
    "boundary": Note(
        "edge_case",
        "A value exactly at the edge of an encoding form, a limit or a threshold: checks "
        "that the boundary is inclusive or exclusive as stated.",
        "an off-by-one implementation accepts what the others refuse, or the reverse: "
        + _SPLIT,
    ),
    "out_of_range": Note(
        "edge_case",
        "A value its type cannot hold; the encoder must refuse it.",
        "an implementation that wraps or truncates it encodes another value than asked",
    ),
    "odd": Note(
        "edge_case",
        "A Merkle level with an odd number of nodes duplicates its last node.",
        "an implementation that pairs differently computes other roots than Bitcoin",
    ),
    "bits": Note(
        "edge_case",
        "Compact-target edge cases (sign bit, overflow, zero).",
        "an implementation that decodes them differently accepts other proof of work: " + _SPLIT,
    ),
    "timing": Note(
        "edge_case",
        "An object at the wrong time: expired, from the future, a timeout before its "
        "deadline or an event after it, an expiry out of bounds.",
        "an implementation with another clock rule keeps or acts on what others drop: " + _SPLIT,
    ),
    # -- malformed input ---------------------------------------------------------------
    "truncated": Note(
        "malformed",
        "The input ends before the value (or a field of it) is complete.",
        "an implementation that reads past the end crashes or invents the missing bytes",
    ),
    "trailing": Note(
        "malformed",
        "Bytes left over after the object.",
        _MALLEABLE,
    ),
    "bad_hex": Note(
        "malformed",
        "The vector input itself is not hex.",
        "an implementation that guesses at bad hex reads bytes nobody wrote",
    ),
    "upper_case_hex": Note(
        "edge_case",
        "Hex input written with upper-case digits, which every reader accepts (ENC-13).",
        "an implementation that refuses it rejects input a conforming writer may send",
    ),
    "bad_flag": Note(
        "malformed",
        "A boolean or presence byte other than 0x00 and 0x01.",
        _MALLEABLE,
    ),
    "bad_utf8": Note(
        "malformed",
        "A string whose bytes are not well-formed UTF-8.",
        "an implementation that repairs or keeps it compares strings other nodes refuse",
    ),
    "unknown_version": Note(
        "malformed",
        "A version byte the reader does not support.",
        "an implementation that reads it anyway parses a format it does not know",
    ),
    "encoding": Note(
        "malformed",
        "A malformed or non-canonical encoding of a chain object.",
        _MALLEABLE,
    ),
    "malformed": Note(
        "malformed",
        "An object of the wrong shape: unknown node or type, a bad value encoding, a "
        "definition document that is not the stated structure.",
        "an implementation that accepts it interprets bytes the others refuse: " + _SPLIT,
    ),
    "syntax": Note(
        "malformed",
        "Expression text that does not parse.",
        "an implementation with a laxer parser accepts contracts the others refuse",
    ),
    "bad_name": Note(
        "malformed",
        "A name that is malformed, too long, or declared twice.",
        "an implementation that accepts it resolves names differently from the others",
    ),
    "bad_item": Note(
        "malformed",
        "An item or id of the wrong shape.",
        "an implementation that accepts it stores or fingerprints something others cannot",
    ),
    "bad_key": Note(
        "malformed",
        "32 bytes that do not decode to a curve point.",
        "an implementation that accepts it verifies against a key that does not exist",
    ),
    "bad_length": Note(
        "malformed",
        "A key, seed or signature of the wrong length.",
        "an implementation that pads or truncates it verifies something else than was signed",
    ),
    "bad_prefix": Note(
        "malformed",
        "A bound id prefix longer than 32 bytes.",
        "an implementation that accepts it compares ids past their end",
    ),
    "mode": Note(
        "malformed",
        "An unknown range mode.",
        "an implementation that skips it silently drops part of a reconciliation",
    ),
    "unknown_type": Note(
        "malformed",
        "A message or object type outside the spec.",
        "an implementation that guesses at it acts on messages nobody defined",
    ),
    "unknown_tag": Note(
        "malformed",
        "A hash tag outside the registry.",
        "an implementation that hashes under any tag lets objects of one kind pass for another",
    ),
    "bad_arguments": Note(
        "malformed",
        "Event arguments, role bindings or instance parameters of the wrong names or types.",
        "an implementation that accepts them evaluates guards over values of the wrong type",
    ),
    # -- non-canonical forms -----------------------------------------------------------
    "non_minimal": Note(
        "non_canonical",
        "A number (CompactSize or varint) in a longer form than its value needs.",
        _MALLEABLE,
    ),
    "order": Note(
        "non_canonical",
        "Items or bounds not in the strictly ascending order the encoding requires.",
        _MALLEABLE,
    ),
    "malleable": Note(
        "non_canonical",
        "A signature with S >= L; RFC 8032 5.1.7 requires rejecting it.",
        "an implementation that accepts it lets anyone make a second valid signature, and a "
        "second id for the signed object",
    ),
    "non_canonical": Note(
        "non_canonical",
        "Evidence or an object whose parts are not in their one canonical form or order.",
        _MALLEABLE,
    ),
    # -- checks a lax implementation skips ---------------------------------------------
    "structure": Note(
        "missing_check",
        "A block, transaction, proof or notary set whose parts break a structural rule: "
        "coinbase placement, duplicate or missing entries, empty lists.",
        "an implementation that skips the check accepts blocks and txs the others refuse: "
        + _SPLIT,
    ),
    "ledger": Note(
        "missing_check",
        "A rule that needs the chain (parent, time, UTXO set, coinbase value).",
        "an implementation that skips it accepts spends of missing or locked outputs",
    ),
    "pow": Note(
        "missing_check",
        "Proof-of-work and fixed-bits checks.",
        "an implementation that skips them accepts headers nobody mined",
    ),
    "signers": Note(
        "missing_check",
        "Signer indices: count, order, repeats, range.",
        "an implementation that skips it counts one notary twice and accepts too few "
        "signatures",
    ),
    "duplicate": Note(
        "missing_check",
        "The same item, input or instance twice.",
        "an implementation that skips it double-counts: " + _SPLIT,
    ),
    "unknown_name": Note(
        "missing_check",
        "A reference to a state, event, role, variable, library, function, definition or "
        "instance nobody declared.",
        "an implementation that skips it resolves the name to something arbitrary",
    ),
    "graph": Note(
        "missing_check",
        "A state graph that breaks a shape rule: unreachable or dead-end states, exits from "
        "final states, two transitions for one event.",
        "an implementation that skips it runs machines that can get stuck or fork",
    ),
    "ill_typed": Note(
        "missing_check",
        "An expression that does not type-check in its context.",
        "an implementation that skips typing fails at run time where others refused up front",
    ),
    "bad_timeout": Note(
        "missing_check",
        "A timeout transition that breaks the timeout rules.",
        "an implementation that accepts it lets a machine wait forever or time out at once",
    ),
    "guard": Note(
        "missing_check",
        "A transition whose guard is false.",
        "an implementation that skips guards applies moves the contract forbids",
    ),
    "no_transition": Note(
        "missing_check",
        "An event the current state has no transition for (unknown event, final instance).",
        "an implementation that skips it changes state on events the machine does not allow",
    ),
    "replay": Note(
        "wrong_context",
        "An event out of order: wrong sequence number, stale state hash, time going back.",
        "an implementation that skips it applies replayed or reordered events",
    ),
    "low_priority": Note(
        "missing_check",
        "An item whose proof of work is below the required priority.",
        "an implementation that skips it relays spam for free",
    ),
    "marker": Note(
        "missing_check",
        "An FSM marker output missing, malformed, or not spent by the next transaction.",
        "an implementation that skips it lets two transactions advance the same instance",
    ),
    "protocol_order": Note(
        "missing_check",
        "A message at a point of the protocol where it is not allowed.",
        "an implementation that skips it can be driven into states the protocol excludes",
    ),
    # -- forgery -----------------------------------------------------------------------
    "bad_signature": Note(
        "forgery",
        "A well-formed signature that does not verify.",
        _FORGE,
    ),
    "tampered": Note(
        "forgery",
        "A valid object with bytes changed after signing or mining.",
        _FORGE,
    ),
    "forged": Note(
        "forgery",
        "An object built to deceive a verifier: wrong branch, unlinked headers, a proof of "
        "another block.",
        _FORGE,
    ),
    "unauthorized": Note(
        "forgery",
        "An event signed by a key not allowed to sign it.",
        "an implementation that skips it lets anyone move a contract",
    ),
    "not_equivocation": Note(
        "forgery",
        "Two events that do not prove equivocation: the same event, other signers or slots.",
        "an implementation that accepts it punishes an honest signer",
    ),
    # -- right object, wrong place -----------------------------------------------------
    "context": Note(
        "wrong_context",
        "A valid object checked in the wrong context: another chain, notary set, height, "
        "block, network, instance or definition.",
        "an implementation that skips it accepts an object replayed from elsewhere",
    ),
    "cross_domain": Note(
        "wrong_context",
        "A signature moved from one tag's domain to another (or to none).",
        "an implementation that skips domain separation accepts a signature made for another "
        "purpose",
    ),
    "wrong_kind": Note(
        "wrong_context",
        "A transaction of another kind than it claims (not FSM, wrong function id).",
        "an implementation that skips it applies contract rules to the wrong transaction",
    ),
    # -- published attacks -------------------------------------------------------------
    "mutated": Note(
        "known_attack",
        "A leaf or transaction list with a duplicated subtree (CVE-2012-2459).",
        "an implementation that accepts it marks a valid block invalid, or the reverse, for "
        "the same Merkle root",
    ),
    "ambiguous_64": Note(
        "known_attack",
        "A 64-byte transaction, which could pass for an inner Merkle node.",
        "an implementation that accepts it lets an SPV proof claim a transaction that was "
        "never in the block",
    ),
    "weak_key": Note(
        "known_attack",
        "A small-order or non-canonical public key, refused before verifying.",
        "an implementation that accepts it verifies signatures anyone can make",
    ),
    "cofactor": Note(
        "known_attack",
        "R or the key has a small-order component: the cofactorless and cofactored "
        "equations of RFC 8032 5.1.7 can disagree; only the cofactorless one counts (SIG-7).",
        "an implementation using the other equation accepts what the others refuse: " + _SPLIT,
    ),
    "small_order_r": Note(
        "known_attack",
        "A signature whose R is a small-order point, refused (SIG-7).",
        "an implementation that accepts it accepts signatures whose nonce is not random",
    ),
    # -- resource limits ---------------------------------------------------------------
    "over_length": Note(
        "resource_limit",
        "A length or count over the limit stated for the field.",
        _DOS,
    ),
    "large": Note(
        "resource_limit",
        "The input holds a value at a length limit (1024 items, 4096 bytes).",
        "an implementation with a smaller limit refuses what the others accept: " + _SPLIT,
    ),
    "limit": Note(
        "resource_limit",
        "An expression or value over a size, depth or length limit.",
        _DOS,
    ),
    "budget": Note(
        "resource_limit",
        "A cost in units counted to the unit (spec/03-fsm.md EXPR-50 .. EXPR-57, FSM-50 .. "
        "FSM-53): an expression's or event's cost, a static bound, a budget met or passed.",
        "an implementation that counts otherwise accepts events others refuse, or the reverse: "
        + _SPLIT,
    ),
    "frame_limit": Note(
        "resource_limit",
        "A frame size limit is in force.",
        "an implementation that ignores it sends frames its peer must drop",
    ),
    # -- arithmetic --------------------------------------------------------------------
    "overflow": Note(
        "arithmetic",
        "A number above its 64-bit range.",
        "an implementation that wraps it computes another value than the others",
    ),
    "wrap": Note(
        "arithmetic",
        "The id sum wraps modulo 2^256.",
        "an implementation that does not wrap computes other fingerprints",
    ),
    "amount": Note(
        "arithmetic",
        "An amount outside 0..MAX_MONEY, or outputs worth more than the inputs.",
        "an implementation that skips it creates money",
    ),
    "runtime_error": Note(
        "arithmetic",
        "Evaluation fails: division by zero, an index out of range, a bad argument value.",
        "an implementation that returns a value instead moves a contract the others refuse",
    ),
    # -- issue 8 pins: the order of checks, malformed operation inputs ------------------
    "hash_length": Note(
        "malformed",
        "A 32-byte hash, id or chain id given with another length (VEC-9).",
        "an implementation that pads, truncates or hashes it anyway computes on a value "
        "nobody sent",
    ),
    "no_such_input": Note(
        "malformed",
        "An input index that names no input of the transaction.",
        "an implementation that reads past the inputs signs or checks a message for an "
        "input that does not exist",
    ),
    "unsigned_output": Note(
        "wrong_context",
        "A signature check asked of a CC or OP_RETURN output, which no signature unlocks.",
        "an implementation that checks a signature anyway lets a key holder release an "
        "output that only its contract may release",
    ),
    # -- poker: cards, evaluation, PHH (spec/06-poker.md) ----------------------------------
    "bad_card": Note(
        "malformed",
        "Text or a value that is not a card (CARD-1, CARD-2).",
        "an implementation that guesses at it deals or ranks a card nobody holds",
    ),
    "hand_category": Note(
        "known_answer",
        "One hand of a category; its value places it among the 7,462 classes.",
        "an implementation that ranks it elsewhere pays pots to the wrong player",
    ),
    "kicker": Note(
        "edge_case",
        "Hands of one category told apart by a lower rank (kicker, second pair, trips "
        "before pair in a full house).",
        "an implementation that compares them wrongly splits pots it should award, or the "
        "reverse",
    ),
    "tie": Note(
        "edge_case",
        "Hands that must tie: equal values, whatever the suits or the unused cards.",
        "an implementation that breaks the tie awards a pot that must be split",
    ),
    "wheel": Note(
        "edge_case",
        "A-2-3-4-5 is the lowest straight (and straight flush); runs never wrap past the ace.",
        "an implementation that ranks the ace high there (or wraps) misranks straights",
    ),
    "best_five": Note(
        "basic",
        "Six or seven cards: the value is that of the best five.",
        "an implementation that picks another five misranks hold'em hands",
    ),
    "bad_hand_size": Note(
        "malformed",
        "Not 5, 6 or 7 cards to evaluate.",
        "an implementation that ranks it anyway compares hands of different sizes",
    ),
    "check_order": Note(
        "edge_case",
        "Two faults at once: the rule's stated order of checks picks the reason.",
        "an implementation that checks in another order reports another reason",
    ),
    "real_record": Note(
        "known_answer",
        "A hand really played and recorded, copied exactly from the PHH dataset.",
        "an implementation that fails it cannot read the published hand histories",
    ),
    "decimal": Note(
        "arithmetic",
        "Amounts with a fraction: exact decimals in the coarsest unit 10^-k that fits.",
        "an implementation that uses binary floats or rounds loses or invents chips",
    ),
    "commentary": Note(
        "basic",
        "Commentary ('# ...') and blank no-op actions, which carry no action.",
        "an implementation that reads them as actions replays another hand",
    ),
    "heads_up": Note(
        "edge_case",
        "Two players: the record's order is kept; the replay posts the blinds reversed.",
        "an implementation that reorders the arrays posts the blinds twice reversed",
    ),
    "bad_record": Note(
        "malformed",
        "A PHH record that is not TOML, lacks a required field or has a field of the wrong "
        "type or length.",
        "an implementation that fills in or guesses replays a hand nobody recorded",
    ),
    "unknown_variant": Note(
        "wrong_context",
        "A PHH record of another poker variant than NT.",
        "an implementation that reads it applies no-limit hold'em rules to another game",
    ),
    "bad_amount": Note(
        "arithmetic",
        "An amount that is negative, zero where it must be positive, not finite, finer than "
        "10^-6 or too large.",
        "an implementation that accepts it creates chips or overflows",
    ),
    "unknown_card": Note(
        "missing_check",
        "A '??' card: a hand with unknown cards cannot be replayed exactly.",
        "an implementation that invents the card replays another hand",
    ),
    "bad_action": Note(
        "malformed",
        "An action string outside the NT grammar (unknown verb, player, amount form).",
        "an implementation with a laxer parser replays actions the others refuse",
    ),
    # -- sync secure channel (spec/01-sync.md section 3.2) -------------------------------
    "relay": Note(
        "wrong_context",
        "A node identity signed over one connection's handshake, presented on another.",
        "an implementation that accepts it lets a peer in the middle pass as another node",
    ),
    # -- poker: the hold'em machine (spec/06-poker.md) -----------------------------------
    "pokerkit": Note(
        "known_attack",
        "The hand of a rule bug reported against PokerKit (issues #25, #40, #45).",
        "an implementation with the same bug lets a player bet what the rules forbid, or "
        "refuses what they allow: " + _SPLIT,
    ),
    "rule96": Note(
        "edge_case",
        "Short all-ins and reopening the betting (WSOP 2023 Rule 96 and 96a).",
        "an implementation that gets it wrong lets a player re-raise after a short all-in, "
        "or refuses a re-raise that several short all-ins reopened: " + _SPLIT,
    ),
    "side_pots": Note(
        "edge_case",
        "All-ins for different amounts, uncalled bets and dead money.",
        "an implementation that layers pots differently pays the wrong player",
    ),
    "split_pot": Note(
        "arithmetic",
        "Tied hands splitting a pot that does not divide evenly.",
        "an implementation that gives the odd chip elsewhere ends with other stacks",
    ),
    "illegal_action": Note(
        "missing_check",
        "A player action the rules forbid now: out of turn, the wrong kind, a bad amount.",
        "an implementation that accepts it lets a player act outside the rules",
    ),
    "bad_deal": Note(
        "missing_check",
        "A dealer step out of turn or with cards that are repeated, already out or too many.",
        "an implementation that accepts it plays with a deck that is not one deck",
    ),
    "bad_table": Note(
        "malformed",
        "A table set up wrongly: one seat, a seat without chips.",
        "an implementation that starts such a hand cannot finish it by the rules",
    ),
    "table_run": Note(
        "basic",
        "A whole table (house and seats) run in one process, with at most one faulty seat.",
        "an implementation that ends elsewhere settles or pays the table differently",
    ),
}

#: Reason code -> flag of an invalid case that names no flag of its own.
REASON_FLAGS: dict[str, str] = {
    # encoding and crypto
    "encoding.truncated": "truncated",
    "encoding.trailing_bytes": "trailing",
    "encoding.over_length": "over_length",
    "encoding.non_minimal_compactsize": "non_minimal",
    "encoding.bad_flag": "bad_flag",
    "encoding.bad_utf8": "bad_utf8",
    "encoding.unknown_version": "unknown_version",
    "crypto.bad_signature": "bad_signature",
    # sync channel and limits
    "sync.handshake_failed": "tampered",
    "sync.record_failed": "tampered",
    "sync.too_many_ranges": "limit",
    # chain
    "chain.no_coinbase": "structure",
    "chain.extra_coinbase": "structure",
    "chain.duplicate_tx": "structure",
    "chain.merkle_empty": "structure",
    "chain.proof_empty": "structure",
    "chain.bad_notary_set": "structure",
    "chain.tx_no_outputs": "structure",
    "chain.tx_no_inputs": "structure",
    "chain.tx_duplicate_input": "duplicate",
    "chain.wrong_bits": "pow",
    "chain.headers_not_linked": "forged",
    "chain.branch_bad_index": "forged",
    "chain.branch_too_deep": "over_length",
    "chain.notary_bad_mom": "tampered",
    "chain.notary_wrong_set": "context",
    "chain.bad_amount": "amount",
    "chain.value_out_exceeds_in": "amount",
    "chain.tx_64_bytes": "ambiguous_64",
    "chain.missing_input": "ledger",
    "chain.tx_locktime": "ledger",
    # fsm definitions
    "fsm.def_unknown_state": "unknown_name",
    "fsm.def_unknown_event": "unknown_name",
    "fsm.def_unknown_role": "unknown_name",
    "fsm.def_unknown_variable": "unknown_name",
    "fsm.def_unknown_library": "unknown_name",
    "fsm.def_final_has_exit": "graph",
    "fsm.def_unreachable_state": "graph",
    "fsm.def_dead_end": "graph",
    "fsm.def_nondeterministic": "graph",
    "fsm.def_ill_typed": "ill_typed",
    "fsm.def_bad_expression": "syntax",
    "fsm.def_bad_timeout": "bad_timeout",
    "fsm.def_duplicate_name": "bad_name",
    "fsm.def_bad_name": "bad_name",
    "fsm.def_malformed": "malformed",
    # fsm events and evidence
    "fsm.equivocation_not_canonical": "non_canonical",
    "fsm.equivocation_same_event": "not_equivocation",
    "fsm.equivocation_different_signer": "not_equivocation",
    "fsm.equivocation_different_slot": "not_equivocation",
    "fsm.bad_signature": "bad_signature",
    "fsm.eval_failed": "runtime_error",
    "fsm.unauthorized_signer": "unauthorized",
    "fsm.wrong_seq": "replay",
    "fsm.stale_state": "replay",
    "fsm.time_regressed": "replay",
    "fsm.wrong_instance": "context",
    "fsm.wrong_definition": "context",
    "fsm.timeout_not_due": "timing",
    "fsm.deadline_passed": "timing",
    "fsm.unknown_event": "no_transition",
    "fsm.no_transition": "no_transition",
    "fsm.instance_final": "no_transition",
    "fsm.bad_arguments": "bad_arguments",
    "fsm.bad_binding": "bad_arguments",
    "fsm.bad_params": "bad_arguments",
    "fsm.guard_false": "guard",
    # fsm expressions
    "fsm.expr_syntax": "syntax",
    "fsm.expr_overflow": "overflow",
    "fsm.expr_division_by_zero": "runtime_error",
    "fsm.expr_index_out_of_range": "runtime_error",
    "fsm.expr_bad_argument": "runtime_error",
    "fsm.expr_bad_value": "malformed",
    "fsm.expr_unknown_type": "malformed",
    "fsm.expr_unknown_node": "malformed",
    "fsm.expr_malformed": "malformed",
    "fsm.expr_bad_name": "bad_name",
    "fsm.expr_limit": "limit",
    "fsm.expr_type_error": "ill_typed",
    "fsm.expr_unknown_name": "unknown_name",
    "fsm.expr_unknown_builtin": "unknown_name",
    # fsm on chain
    "fsm.onchain_unknown_definition": "unknown_name",
    "fsm.onchain_unknown_instance": "unknown_name",
    "fsm.onchain_duplicate_instance": "duplicate",
    "fsm.onchain_bad_marker": "marker",
    "fsm.onchain_marker_not_spent": "marker",
    "fsm.onchain_not_fsm": "wrong_kind",
    "fsm.onchain_bad_funcid": "wrong_kind",
    "fsm.onchain_wrong_funcid": "wrong_kind",
    # fsm cost model
    "fsm.over_budget": "budget",
    "fsm.def_over_budget": "budget",
    # sync
    "sync.tag_too_long": "over_length",
    "sync.payload_too_large": "over_length",
    "sync.bad_expiry": "timing",
    "sync.future_timestamp": "timing",
    "sync.expired": "timing",
    "sync.low_priority": "low_priority",
    "sync.unknown_message": "unknown_type",
    "sync.wrong_network": "context",
    "sync.unexpected_message": "protocol_order",
    # issue 8 pins
    "vectors.bad_length": "hash_length",
    "chain.bad_input_index": "no_such_input",
    "chain.not_signature_condition": "unsigned_output",
    # poker (spec/06-poker.md)
    "poker.bad_card": "bad_card",
    "poker.duplicate_card": "duplicate",
    "poker.bad_hand_size": "bad_hand_size",
    "poker.bad_hand_value": "out_of_range",
    "phh.too_large": "over_length",
    "phh.bad_toml": "bad_record",
    "phh.missing_field": "bad_record",
    "phh.bad_field": "bad_record",
    "phh.unknown_variant": "unknown_variant",
    "phh.bad_amount": "bad_amount",
    "phh.bad_action": "bad_action",
    "phh.unknown_card": "unknown_card",
    # poker: the hold'em machine (spec/06-poker.md)
    "poker.hand_over": "illegal_action",
    "poker.not_your_turn": "illegal_action",
    "poker.illegal_action": "illegal_action",
    "poker.bad_amount": "illegal_action",
    "poker.not_reopened": "rule96",
    "poker.bad_deal": "bad_deal",
    # table (spec/08-table.md)
    "table.bad_message": "malformed",
    "poker.bad_table": "bad_table",
    # cashier
    "cashier.bad_cashier_set": "structure",
    "cashier.bad_table_params": "out_of_range",
    "cashier.proof_too_large": "over_length",
    "cashier.not_a_deposit": "wrong_kind",
    "cashier.wrong_output": "forged",
    "cashier.wrong_table": "context",
    "cashier.wrong_player": "context",
    "cashier.bad_amount": "amount",
    "cashier.replayed_nonce": "replay",
    "cashier.wrong_chips": "amount",
    "cashier.unknown_signer": "signers",
    "cashier.duplicate_signer": "signers",
    "cashier.unsorted_signers": "order",
    "cashier.too_few_signatures": "signers",
    "cashier.double_issue": "duplicate",
    "cashier.stale_request": "replay",
    "cashier.duplicate_player": "duplicate",
    "cashier.missing_signature": "signers",
    "cashier.stale_settlement": "replay",
    "cashier.balances_not_summing": "amount",
    "cashier.unknown_deposit": "unknown_name",
    "cashier.dropped_deposit": "structure",
    "cashier.unfunded_player": "amount",
    "cashier.table_closed": "protocol_order",
    "cashier.table_not_closed": "protocol_order",
    "cashier.dispute_too_early": "timing",
    "cashier.dispute_bad_game": "context",
    "cashier.dispute_unfinished": "structure",
    "cashier.dispute_mismatch": "forged",
    "cashier.bad_evidence": "not_equivocation",
    "cashier.already_redeemed": "duplicate",
    "cashier.payout_mismatch": "forged",
    "cashier.bad_price": "context",
    "cashier.table_full": "limit",
}
