"""The on-chain form: definitions, instances and events as CC-style transactions (FSM-40 .. FSM-47).

Every FSM transaction's last output is an OP_RETURN whose data is
``0xe7`` (``EVAL_FSM``), a funcid byte and the fields:

=======  =========================================================================
funcid   fields (after ``0xe7 funcid``)
=======  =========================================================================
``D``    ``var_bytes`` definition encoding
``C``    ``var_bytes`` instance encoding
``E``    ``var_bytes`` previous state encoding, ``var_bytes`` event encoding
``T``    as ``E``, for an event accepted through its state's timeout
=======  =========================================================================

An instance's current state sits in one unspent *marker* output, a CC output
(eval code ``0xe7``) whose data is ``"M" || instance id || state hash``. A
``C`` transaction creates the first marker as its output 0; every ``E``/``T``
transaction spends the current marker as its input 0 and creates the next as
its output 0, so an instance's history is a chain of spends and cannot fork.
:class:`FsmIndex` is the validator: it keeps the definitions, instances and
current markers it has accepted, and checks each transaction against them and
against a UTXO view. :meth:`FsmIndex.cc_validator` plugs it into the chain's
CC dispatch so that a ledger refuses a bad spend of a marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.conditions import EVAL_FSM, CCCondition, OpReturn
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.chain.utxo import CCSpend, CCValidator, Utxo, UtxoView
from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Reader, Writer
from chipstack.errors import Reason, require
from chipstack.fsm import definition as d
from chipstack.fsm.codec import decode_definition, definition_id, encode_definition
from chipstack.fsm.engine import apply_event
from chipstack.fsm.event import Event, decode_event, encode_event
from chipstack.fsm.expr import DEFAULT_LIBRARY, Library
from chipstack.fsm.instance import Instance, decode_instance, initial_state
from chipstack.fsm.state import State, decode_state
from chipstack.fsm.validity import check_definition

FUNC_DEFINE = ord("D")
FUNC_CREATE = ord("C")
FUNC_EVENT = ord("E")
FUNC_TIMEOUT = ord("T")
#: The first byte of a marker's CC data.
MARKER_PREFIX = b"M"
#: Largest field inside an FSM payload, in bytes.
MAX_FIELD = 90_000


@dataclass(frozen=True)
class Payload:
    """A decoded FSM OP_RETURN payload: the funcid and its raw fields ([FSM-40])."""

    funcid: int
    fields: tuple[bytes, ...]

    def encode(self) -> bytes:
        """Return ``0xe7 || funcid || var_bytes(field)*``."""
        w = Writer().u8(EVAL_FSM).u8(self.funcid)
        for f in self.fields:
            w.var_bytes(f, MAX_FIELD)
        return w.getvalue()


_FIELD_COUNT = {FUNC_DEFINE: 1, FUNC_CREATE: 1, FUNC_EVENT: 2, FUNC_TIMEOUT: 2}


def decode_payload(data: bytes) -> Payload:
    """Decode an OP_RETURN payload strictly ([FSM-40]); refuse anything not an FSM payload."""
    r = Reader(data)
    require(r.remaining >= 1 and r.u8() == EVAL_FSM, Reason.FSM_ONCHAIN_NOT_FSM, "eval code")
    funcid = r.u8()
    n = _FIELD_COUNT.get(funcid)
    require(n is not None, Reason.FSM_ONCHAIN_BAD_FUNCID, f"funcid 0x{funcid:02x}")
    assert n is not None
    fields = tuple(r.var_bytes(MAX_FIELD) for _ in range(n))
    r.finish()
    return Payload(funcid, fields)


def tx_payload(tx: Tx) -> Payload:
    """Return the FSM payload in ``tx``'s last output ([FSM-40])."""
    require(len(tx.outputs) > 0, Reason.FSM_ONCHAIN_NOT_FSM, "no outputs")
    last = tx.outputs[-1].condition
    require(isinstance(last, OpReturn), Reason.FSM_ONCHAIN_NOT_FSM, "last output not OP_RETURN")
    assert isinstance(last, OpReturn)
    return decode_payload(last.data)


def marker_condition(instance_id: bytes, state_hash: bytes) -> CCCondition:
    """Return the marker condition of an instance in a state ([FSM-41])."""
    return CCCondition(EVAL_FSM, MARKER_PREFIX + instance_id + state_hash)


def marker_output(instance_id: bytes, state_hash: bytes) -> TxOut:
    """Return the marker output (amount 0) of an instance in a state ([FSM-41])."""
    return TxOut(0, marker_condition(instance_id, state_hash))


def parse_marker(output: TxOut) -> tuple[bytes, bytes]:
    """Return ``(instance id, state hash)`` of a marker output, or refuse it ([FSM-41]).

    A marker has amount 0, the CC condition of eval code ``0xe7`` and the
    65 bytes of data ``"M" || instance id || state hash``.
    """
    c = output.condition
    ok = (
        output.amount == 0
        and isinstance(c, CCCondition)
        and c.eval_code == EVAL_FSM
        and len(c.data) == 65
        and c.data[:1] == MARKER_PREFIX
    )
    require(ok, Reason.FSM_ONCHAIN_BAD_MARKER, "not an FSM marker output")
    assert isinstance(c, CCCondition)
    return c.data[1:33], c.data[33:65]


# ------------------------------------------------------------------ builders


def _tx(inputs: Sequence[TxIn], outputs: Sequence[TxOut], payload: Payload) -> Tx:
    return Tx(tuple(inputs), (*outputs, TxOut(0, OpReturn(payload.encode()))))


def define_tx(defn: d.Definition, funding: Sequence[TxIn], change: Sequence[TxOut] = ()) -> Tx:
    """Build a ``D`` transaction publishing ``defn`` ([FSM-42])."""
    return _tx(funding, change, Payload(FUNC_DEFINE, (encode_definition(defn),)))


def create_tx(
    defn: d.Definition,
    inst: Instance,
    funding: Sequence[TxIn],
    change: Sequence[TxOut] = (),
    library: Library = DEFAULT_LIBRARY,
) -> Tx:
    """Build a ``C`` transaction creating ``inst``: output 0 is its first marker ([FSM-43])."""
    first = initial_state(defn, inst, library).hash(defn)
    return _tx(
        funding,
        (marker_output(inst.id, first), *change),
        Payload(FUNC_CREATE, (inst.encode(),)),
    )


def event_tx(
    defn: d.Definition,
    prev: State,
    marker: OutPoint,
    event: Event,
    new_state_hash: bytes,
    via_timeout: bool,
    funding: Sequence[TxIn] = (),
    change: Sequence[TxOut] = (),
) -> Tx:
    """Build an ``E`` (or ``T``) transaction: spend ``marker``, create the next one ([FSM-44])."""
    funcid = FUNC_TIMEOUT if via_timeout else FUNC_EVENT
    return _tx(
        (TxIn(marker), *funding),
        (marker_output(prev.instance_id, new_state_hash), *change),
        Payload(funcid, (prev.encode(defn), encode_event(event))),
    )


# ------------------------------------------------------------------ validator


@dataclass(frozen=True)
class TxFacts:
    """What an accepted FSM transaction did: its kind and the ids and hashes involved.

    ``definition`` (``D``) and ``instance`` (``C``) are the objects decoded
    from the payload, so that :meth:`FsmIndex.record` needs no second decoding.
    """

    funcid: int
    definition_id: bytes
    instance_id: bytes = b""
    state_hash: bytes = b""
    state: State | None = None
    definition: d.Definition | None = None
    instance: Instance | None = None


@dataclass
class _Live:
    definition: d.Definition
    instance: Instance
    marker: OutPoint


class FsmIndex:
    """The FSM validator's view of a chain: known definitions, instances and their markers.

    :meth:`check` validates one transaction against this index and a UTXO
    view without changing anything; :meth:`accept` validates it and then
    records it (call it for each FSM transaction of each connected block, in
    order; or :meth:`check` before and :meth:`record` after the block is
    applied). Reorganisations are not handled: follow the notarized chain.
    """

    def __init__(self, library: Library = DEFAULT_LIBRARY) -> None:
        self.library = library
        self.definitions: dict[bytes, d.Definition] = {}
        self._live: dict[bytes, _Live] = {}

    def marker_of(self, instance_id: bytes) -> OutPoint | None:
        """Return the current marker outpoint of an instance, or ``None``."""
        live = self._live.get(instance_id)
        return live.marker if live else None

    def check(self, tx: Tx, view: UtxoView) -> TxFacts:
        """Validate ``tx`` ([FSM-42] .. [FSM-47]); return its facts or refuse it."""
        payload = tx_payload(tx)
        if payload.funcid == FUNC_DEFINE:
            encoded = payload.fields[0]
            known = self.definitions.get(tagged_hash(Tag.FSM_DEFINITION, encoded))
            if known is not None:  # published before: it passed FSM-1 then ([FSM-42])
                return TxFacts(FUNC_DEFINE, definition_id(known), definition=known)
            defn = decode_definition(encoded)
            check_definition(defn, self.library)
            return TxFacts(FUNC_DEFINE, definition_id(defn), definition=defn)
        if payload.funcid == FUNC_CREATE:
            return self._check_create(tx, payload)
        return self._check_event(tx, payload, view)

    def _check_create(self, tx: Tx, payload: Payload) -> TxFacts:
        inst = decode_instance(payload.fields[0])
        defn = self.definitions.get(inst.definition_id)
        require(defn is not None, Reason.FSM_ONCHAIN_UNKNOWN_DEFINITION, "define it first")
        assert defn is not None
        require(inst.id not in self._live, Reason.FSM_ONCHAIN_DUPLICATE_INSTANCE, "exists")
        state = initial_state(defn, inst, self.library)
        require(len(tx.outputs) >= 2, Reason.FSM_ONCHAIN_BAD_MARKER, "no marker output")
        marker = parse_marker(tx.outputs[0])
        require(
            marker == (inst.id, state.hash(defn)),
            Reason.FSM_ONCHAIN_BAD_MARKER,
            "output 0 must be the marker of the initial state",
        )
        return TxFacts(
            FUNC_CREATE, inst.definition_id, inst.id, state.hash(defn), state, instance=inst
        )

    def _check_event(self, tx: Tx, payload: Payload, view: UtxoView) -> TxFacts:
        require(len(tx.inputs) >= 1, Reason.FSM_ONCHAIN_MARKER_NOT_SPENT, "no inputs")
        spent_at = tx.inputs[0].prevout
        utxo = view.lookup(spent_at)
        require(utxo is not None, Reason.FSM_ONCHAIN_MARKER_NOT_SPENT, "input 0 is not unspent")
        assert utxo is not None
        instance_id, state_hash = parse_marker(utxo.output)
        live = self._live.get(instance_id)
        require(live is not None, Reason.FSM_ONCHAIN_UNKNOWN_INSTANCE, instance_id.hex())
        assert live is not None
        require(
            live.marker == spent_at,
            Reason.FSM_ONCHAIN_MARKER_NOT_SPENT,
            "input 0 is not the instance's current marker",
        )
        defn = live.definition
        prev = decode_state(payload.fields[0], defn)
        # [FSM-45]
        require(prev.hash(defn) == state_hash, Reason.FSM_STALE_STATE, "state is not the marker's")
        event = decode_event(payload.fields[1])
        out = apply_event(defn, live.instance, prev, event, self.library)  # [FSM-45]
        want = FUNC_TIMEOUT if out.via_timeout else FUNC_EVENT
        require(  # [FSM-46]
            payload.funcid == want,
            Reason.FSM_ONCHAIN_WRONG_FUNCID,
            f"event accepted via {'timeout' if out.via_timeout else 'signer'}: funcid {chr(want)}",
        )
        require(len(tx.outputs) >= 2, Reason.FSM_ONCHAIN_BAD_MARKER, "no marker output")
        require(
            parse_marker(tx.outputs[0]) == (instance_id, out.state_hash),
            Reason.FSM_ONCHAIN_BAD_MARKER,
            "output 0 must be the marker of the new state",
        )
        return TxFacts(
            payload.funcid,
            live.instance.definition_id,
            instance_id,
            out.state_hash,
            out.state,
        )

    def accept(self, tx: Tx, view: UtxoView) -> TxFacts:
        """Validate ``tx`` against ``view`` and record its effect on the index ([FSM-47])."""
        facts = self.check(tx, view)
        self.record(tx, facts)
        return facts

    def record(self, tx: Tx, facts: TxFacts) -> None:
        """Record an FSM transaction that :meth:`check` accepted and a block now holds.

        With a ledger whose CC dispatch uses :meth:`cc_validator`, call
        :meth:`check` before the block is applied and :meth:`record` after.
        """
        if facts.funcid == FUNC_DEFINE:
            assert facts.definition is not None
            self.definitions.setdefault(facts.definition_id, facts.definition)
        elif facts.funcid == FUNC_CREATE:
            inst = facts.instance
            assert inst is not None
            defn = self.definitions[inst.definition_id]
            self._live[inst.id] = _Live(defn, inst, OutPoint(tx.txid, 0))
        else:
            self._live[facts.instance_id].marker = OutPoint(tx.txid, 0)

    def cc_validator(self) -> CCValidator:
        """Return a CC validator for ``EVAL_FSM``: only a valid event tx may spend a marker."""

        def validate(spend: CCSpend) -> None:
            require(spend.input_index == 0, Reason.FSM_ONCHAIN_MARKER_NOT_SPENT, "marker input 0")
            facts = self.check(spend.tx, spend.view)
            require(
                facts.funcid in (FUNC_EVENT, FUNC_TIMEOUT),
                Reason.FSM_ONCHAIN_BAD_FUNCID,
                "only E and T transactions spend a marker",
            )

        return validate


class MarkerView:
    """A UTXO view holding only the outputs of the transactions added to it (for vectors)."""

    def __init__(self) -> None:
        self._map: dict[OutPoint, Utxo] = {}

    def lookup(self, outpoint: OutPoint) -> Utxo | None:
        """Return the unspent output at ``outpoint`` or ``None``."""
        return self._map.get(outpoint)

    def add(self, tx: Tx, height: int = 0) -> None:
        """Spend ``tx``'s inputs (those present) and add its non-OP_RETURN outputs."""
        for i in tx.inputs:
            self._map.pop(i.prevout, None)
        for n, out in enumerate(tx.outputs):
            if not isinstance(out.condition, OpReturn):
                self._map[OutPoint(tx.txid, n)] = Utxo(out, height, False)
