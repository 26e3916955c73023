"""The ``fsm/onchain`` vector suite: FSM transactions and their validation (FSM-40 .. FSM-47).

One operation, ``validate_txs``: the ``setup`` transactions (ordinary chain
transactions) are added to a UTXO view, then the ``txs`` are validated in
order by a fresh :class:`~chipstack.fsm.onchain.FsmIndex` over that view, each
added to it once accepted. Funding inputs are the chain's business, not the
FSM validator's, and point at a made-up transaction.
"""

from __future__ import annotations

from dataclasses import replace

from chipstack.chain.conditions import EVAL_FSM, OpReturn
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import sha256
from chipstack.encoding import from_hex
from chipstack.fsm.codec import encode_definition
from chipstack.fsm.engine import Applied
from chipstack.fsm.event import Event
from chipstack.fsm.machines import load_machine
from chipstack.fsm.onchain import (
    FUNC_EVENT,
    FsmIndex,
    MarkerView,
    Payload,
    create_tx,
    define_tx,
    event_tx,
    marker_output,
)
from chipstack.fsm.scenario import Script, make_instance
from chipstack.fsm.state import State
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm.common import KEYS_NOTE
from chipstack.vectors.model import Case, JSONObject, Result, Suite, make_case


def op_validate_txs(case_input: JSONObject) -> JSONObject:
    """Add the ``setup`` txs to the view, then validate ``txs`` in order; report or reject."""
    index = FsmIndex()
    view = MarkerView()
    for h in case_input["setup"]:
        view.add(Tx.decode(from_hex(h)))
    steps: list[JSONObject] = []
    for h in case_input["txs"]:
        tx = Tx.decode(from_hex(h))
        facts = index.accept(tx, view)
        view.add(tx)
        steps.append(
            {
                "txid": tx.txid.hex(),
                "funcid": chr(facts.funcid),
                "definition_id": facts.definition_id.hex(),
                "instance_id": facts.instance_id.hex(),
                "state_hash": facts.state_hash.hex(),
            }
        )
    return {"steps": steps}


def _funding(n: int) -> TxIn:
    return TxIn(OutPoint(sha256(b"chipstack/fsm/vectors/funding"), n))


class _Chain:
    """Builds a turnstile instance's transactions: D, C, then E/T per event."""

    def __init__(self) -> None:
        self.defn = load_machine("turnstile")
        inst = make_instance(
            self.defn, {"fare": 25}, {"operator": ["operator"], "riders": ["rider0"]}, 1_000
        )
        self.script = Script(self.defn, inst)
        self.txs: list[Tx] = [
            define_tx(self.defn, [_funding(0)]),
            create_tx(self.defn, inst, [_funding(1)]),
        ]

    @property
    def marker(self) -> OutPoint:
        return OutPoint(self.txs[-1].txid, 0)

    def step(self, name: str, args: dict[str, int], signer: str, dt: int = 1) -> Tx:
        prev = self.script.machine.state
        marker = self.marker
        out = self.script.step(name, args, signer, dt)
        tx = self.event(prev, marker, self.script.events[-1], out)
        self.txs.append(tx)
        return tx

    def event(self, prev: State, marker: OutPoint, ev: Event, out: Applied, **kw: object) -> Tx:
        return event_tx(
            self.defn,
            prev,
            marker,
            ev,
            kw.get("hash", out.state_hash),  # type: ignore[arg-type]
            bool(kw.get("via_timeout", out.via_timeout)),
        )


def _hexes(txs: list[Tx]) -> list[str]:
    return [t.encode().hex() for t in txs]


def _cases() -> list[Case]:
    ops = SUITE.operations
    cases: list[Case] = []

    def add(
        txs: list[Tx],
        comment: str,
        covers: tuple[str, ...],
        expect: Result,
        setup: list[Tx] | None = None,
    ) -> None:
        case_input = {"setup": _hexes(setup or []), "txs": _hexes(txs)}
        cases.append(make_case(ops, "validate_txs", case_input, comment, covers, expect=expect))

    c = _Chain()
    c.step("coin", {"amount": 25}, "rider0", 5)
    c.step("push", {}, "rider0", 5)
    c.step("coin", {"amount": 30}, "rider0", 5)
    c.step("relock", {}, "stranger", 30)
    add(
        c.txs,
        "turnstile on chain: define, create, coin, push, coin, timeout relock (T)",
        ("FSM-42", "FSM-43", "FSM-46"),
        "valid",
    )

    c = _Chain()
    add([c.txs[1]], "create before the definition is on chain", ("FSM-43",), "invalid")
    add([*c.txs, c.txs[1]], "the same instance created twice", ("FSM-43",), "invalid")
    bad_create = replace(
        c.txs[1], outputs=(marker_output(bytes(32), bytes(32)), c.txs[1].outputs[-1])
    )
    add(
        [c.txs[0], bad_create],
        "create whose marker is not the initial state's",
        ("FSM-41", "FSM-43"),
        "invalid",
    )
    no_fsm = Tx((_funding(2),), (TxOut(0, OpReturn(bytes([0x42, ord("D")]))),))
    add([no_fsm], "last output is an OP_RETURN of another eval code", ("FSM-40",), "invalid")
    bad_func = Tx((_funding(2),), (TxOut(0, OpReturn(bytes([EVAL_FSM, ord("X")]))),))
    add([bad_func], "unknown funcid X", ("FSM-40",), "invalid")
    trailing = Tx(
        (_funding(2),),
        (TxOut(0, OpReturn(Payload(ord("D"), (encode_definition(c.defn),)).encode() + b"\x00")),),
    )
    add([trailing], "trailing byte after the payload fields", ("FSM-40",), "invalid")
    dead = replace(c.defn, finals=())
    add(
        [define_tx(dead, [_funding(2)])],
        "D carrying a definition with a dead-end state",
        ("FSM-42",),
        "invalid",
    )

    prev = c.script.machine.state
    marker = c.marker
    low = c.script.draft("coin", {"amount": 3}, "rider0", 5)
    ev = c.script.draft("coin", {"amount": 25}, "rider0", 5)
    out = c.script.machine.apply(ev)
    good = c.event(prev, marker, ev, out)
    add(
        [*c.txs, c.event(prev, marker, ev, out, via_timeout=True)],
        "an ordinary event sent with funcid T",
        ("FSM-46",),
        "invalid",
    )
    add(
        [*c.txs, c.event(prev, marker, ev, out, hash=bytes(32))],
        "event whose new marker does not hold the new state hash",
        ("FSM-41", "FSM-47"),
        "invalid",
    )
    add(
        [*c.txs, good, good],
        "the same event transaction twice: its marker is already spent",
        ("FSM-44",),
        "invalid",
    )
    not_marker = replace(good, inputs=(TxIn(_funding(0).prevout),))
    add(
        [*c.txs, not_marker], "event whose input 0 is not an unspent output", ("FSM-44",), "invalid"
    )
    copy = Tx((_funding(4),), (c.txs[1].outputs[0],))
    add(
        [*c.txs, replace(good, inputs=(TxIn(OutPoint(copy.txid, 0)),))],
        "event spending a look-alike marker made by another transaction",
        ("FSM-44",),
        "invalid",
        setup=[copy],
    )
    orphan = Tx((_funding(5),), (marker_output(bytes(32), prev.hash(c.defn)),))
    add(
        [*c.txs, replace(good, inputs=(TxIn(OutPoint(orphan.txid, 0)),))],
        "event spending a marker of an instance nobody created",
        ("FSM-44",),
        "invalid",
        setup=[orphan],
    )
    stale_payload = Payload(FUNC_EVENT, (replace(prev, seq=7).encode(c.defn), ev.encode()))
    stale = replace(good, outputs=(good.outputs[0], TxOut(0, OpReturn(stale_payload.encode()))))
    add(
        [*c.txs, stale],
        "previous state that is not the one in the spent marker",
        ("FSM-20", "FSM-45"),
        "invalid",
    )
    low_tx = event_tx(c.defn, prev, marker, low, out.state_hash, False)
    add(
        [*c.txs, low_tx],
        "the event itself is refused by the engine (guard false)",
        ("FSM-45",),
        "invalid",
    )
    c = _Chain()
    coined = TxOut(1, c.txs[1].outputs[0].condition)
    add(
        [c.txs[0], replace(c.txs[1], outputs=(coined, *c.txs[1].outputs[1:]))],
        "create whose marker output carries an amount (a marker has amount 0)",
        ("FSM-41", "FSM-43"),
        "invalid",
    )
    return cases


#: The ``fsm/onchain`` suite.
SUITE = Suite(
    name="fsm/onchain",
    description="FSM transactions (EVAL_FSM 0xe7: D, C, E, T) validated against markers. "
    f"{KEYS_NOTE}",
    notes=FLAGS,
    shared={"validate_txs": ("setup",)},
    reason_flags=REASON_FLAGS,
    operations={"validate_txs": op_validate_txs},
    build_cases=lambda: _cases(),
)
