"""The ``cashier/proofs`` vector suite (spec/04-cashier.md): tables, deposits, certificates,
settlements, prices, peg conversion and built-in costs, each valid and invalid."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chipstack.cashier.deposit import DepositMemo, DepositProof, verify_deposit
from chipstack.cashier.games import DeclaredBalances, GameRules
from chipstack.cashier.issuance import (
    CashierNode,
    Certificate,
    IssueRequest,
    assemble_certificate,
    verify_certificate,
)
from chipstack.cashier.machine import builtin_cost
from chipstack.cashier.params import CashierSet, PegParams, TableParams
from chipstack.cashier.peg import (
    PriceAttestation,
    attest_price,
    coins_to_chips,
    pegged_payouts,
    verify_price,
)
from chipstack.cashier.scenario import CHIP_UNIT, START, World, cheap_oddeven, key
from chipstack.cashier.settlement import SignedSettlement, check_signed
from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.devnet import mine_block
from chipstack.chain.merkle import MerkleBranch
from chipstack.chain.notary import NotarySet
from chipstack.chain.proofs import SpvProof
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey, Tag
from chipstack.encoding import decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import decode_definition, definition_id, encode_definition
from chipstack.testvectors.cashier.common import opt_hex, outpoint_json, typed_args, world
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import as_int, fixed_hex_field, hex_field, int_field
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

# ------------------------------------------------------------------ operations


def op_table_id(case_input: JSONObject) -> JSONObject:
    """Decode table parameters ([CASH-1] .. [CASH-3]); return the table id."""
    t = TableParams.decode(hex_field(case_input, "table"))
    return {"table_id": t.table_id.hex(), "cashier_output": t.cashiers.condition().encode().hex()}


def op_verify_deposit(case_input: JSONObject) -> JSONObject:
    """Decode and verify a deposit proof for a table ([CASH-5] .. [CASH-7])."""
    table = TableParams.decode(hex_field(case_input, "table"))
    notaries = NotarySet.decode(hex_field(case_input, "notary_set"))
    proof = DepositProof.decode(hex_field(case_input, "proof"))
    player = opt_hex(case_input, "player") or None
    price = opt_hex(case_input, "price")
    att = PriceAttestation.decode(price) if price else None
    f = verify_deposit(proof, table, notaries, player, att)
    return {
        "outpoint": outpoint_json(f.outpoint), "amount": f.amount, "chips": f.chips,
        "player": f.player.hex(), "nonce": f.nonce.hex(), "height": f.height,
        "block_hash": f.block_hash.hex(),
    }  # fmt: skip


def op_verify_certificate(case_input: JSONObject) -> JSONObject:
    """Decode and verify an issuance certificate for a table ([CASH-10], [CASH-11])."""
    table = TableParams.decode(hex_field(case_input, "table"))
    cert = Certificate.decode(hex_field(case_input, "certificate"))
    signers = verify_certificate(cert, table)
    r = cert.request
    return {
        "signers": list(signers), "request_id": r.id.hex(), "outpoint": outpoint_json(r.outpoint),
        "player": r.player.hex(), "chips": r.chips, "join_seq": r.join_seq,
    }  # fmt: skip


def op_verify_settlement(case_input: JSONObject) -> JSONObject:
    """Decode a signed settlement; check it is fully signed for a table ([CASH-20], [CASH-21])."""
    ss = SignedSettlement.decode(hex_field(case_input, "settlement"))
    s = check_signed(ss, fixed_hex_field(case_input, "table_id"))
    return {
        "seq": s.seq, "time": s.time, "seats": [k.hex() for k in s.seats],
        "balances": list(s.balances), "deposits": [outpoint_json(o) for o in s.deposits],
        "game_hash": s.game_hash.hex(), "closing": s.closing,
    }  # fmt: skip


def op_verify_price(case_input: JSONObject) -> JSONObject:
    """Decode and verify a notary price attestation for a block ([CASH-50], [CASH-51])."""
    att = PriceAttestation.decode(hex_field(case_input, "attestation"))
    notaries = NotarySet.decode(hex_field(case_input, "notary_set"))
    chain_id = fixed_hex_field(case_input, "chain_id")
    price = verify_price(att, notaries, chain_id, fixed_hex_field(case_input, "block_hash"))
    return {"price": price, "height": att.height}


def op_peg_payouts(case_input: JSONObject) -> JSONObject:
    """Convert chips at a price and split coins with the reserve ([CASH-52] .. [CASH-55])."""
    chips = [as_int(c, "chips") for c in case_input["chips"]]
    price, rpc = int_field(case_input, "price"), int_field(case_input, "ref_per_chip")
    out = pegged_payouts(
        chips, price, rpc, int_field(case_input, "deposits"), int_field(case_input, "reserve")
    )
    return {"coins": list(out.coins), "reserve_used": out.reserve_used, "exhausted": out.exhausted}


def op_coins_to_chips(case_input: JSONObject) -> JSONObject:
    """Chips bought by coins at a price, rounded down ([CASH-52])."""
    chips = coins_to_chips(
        int_field(case_input, "amount"),
        int_field(case_input, "price"),
        int_field(case_input, "ref_per_chip"),
    )
    return {"chips": chips}


def op_builtin_cost(case_input: JSONObject) -> JSONObject:
    """The cost units a cashier built-in charges for its arguments ([CASH-72])."""
    _, values = typed_args(case_input, "args")
    data = opt_hex(case_input, "game")
    games: dict[bytes, GameRules] = {}
    if data:
        defn = decode_definition(data)
        games[definition_id(defn)] = DeclaredBalances(defn)
    return {"cost": builtin_cost(values, games)}


def op_cashier_sign(case_input: JSONObject) -> JSONObject:
    """An honest cashier's decision on an issue request ([CASH-12]); return its signature.

    ``cashier`` is the key label; ``signed`` lists ``{outpoint, request_id}`` it signed before,
    with the earlier ``request`` itself when it kept it.
    """
    table = TableParams.decode(hex_field(case_input, "table"))
    notaries = NotarySet.decode(hex_field(case_input, "notary_set"))
    node = CashierNode(PrivateKey.from_label(str(case_input["cashier"])), table, notaries)
    for item in case_input["signed"]:
        txid = fixed_hex_field(item["outpoint"], "txid")
        op = OutPoint(txid, int_field(item["outpoint"], "index"))
        node.signed[op] = fixed_hex_field(item, "request_id")
        if "request" in item:  # the earlier request itself, when the cashier kept it
            node.requests[op] = decode_exact(hex_field(item, "request"), IssueRequest.read)
    request = decode_exact(hex_field(case_input, "request"), IssueRequest.read)
    proof = DepositProof.decode(hex_field(case_input, "proof"))
    closed = case_input["closed"]
    if not isinstance(closed, bool):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "closed is a boolean")
    sig = node.sign(request, proof, int_field(case_input, "settled_seq"), closed)
    assert sig is not None
    return {"key": sig[0].hex(), "signature": sig[1].hex()}


OPS: dict[str, Operation] = {
    "cashier_sign": op_cashier_sign,
    "table_id": op_table_id,
    "verify_deposit": op_verify_deposit,
    "verify_certificate": op_verify_certificate,
    "verify_settlement": op_verify_settlement,
    "verify_price": op_verify_price,
    "peg_payouts": op_peg_payouts,
    "coins_to_chips": op_coins_to_chips,
    "builtin_cost": op_builtin_cost,
}

# ------------------------------------------------------------------------ cases


def _case(
    op: str, inp: JSONObject, comment: str, covers: tuple[str, ...], expect: str,
    flags: tuple[str, ...] = (),
) -> Case:  # fmt: skip
    return make_case(OPS, op, inp, comment, covers, flags, expect=expect)  # type: ignore[arg-type]


def _table_cases(w: World) -> list[Case]:
    t = w.table
    enc = t.encode()
    pegged = replace(t, chip_unit=0, peg=PegParams(1, COIN))
    k = t.cashiers.keys
    minority = enc.replace(bytes([t.cashiers.threshold]) + bytes([len(k)]), bytes([1, len(k)]), 1)
    repeated = CashierSet(2, (k[0], k[1], k[2])).encode()
    rep_bad = repeated[:-32] + k[0].raw
    return [
        _case("table_id", {"table": enc.hex()}, "the scenario table: 2-of-3 cashiers",
              ("CASH-1", "CASH-2", "CASH-3"), "valid"),
        _case("table_id", {"table": pegged.encode().hex()}, "a pegged table (1 cent a chip)",
              ("CASH-2", "CASH-3"), "valid"),
        _case("table_id", {"table": minority.hex()}, "threshold 1 of 3 is not a majority",
              ("CASH-1",), "invalid"),
        _case("table_id", {"table": enc.replace(t.cashiers.encode(), rep_bad).hex()},
              "a cashier key twice", ("CASH-1",), "invalid"),
        _case("table_id", {"table": enc.replace(
            t.chip_unit.to_bytes(8, "little"), bytes(8), 1).hex()},
              "an unpegged table with chip unit 0", ("CASH-3",), "invalid"),
        _case("table_id", {"table": (enc + b"\x00").hex()}, "a trailing byte", ("CASH-2",),
              "invalid"),
    ]  # fmt: skip


def _dep(w: World, proof: DepositProof, player: bytes | None = None, **extra: Any) -> JSONObject:
    out: JSONObject = {
        "table": w.table.encode().hex(),
        "notary_set": w.ledger.params.notaries.encode().hex(),
        "proof": proof.encode().hex(),
        "player": player.hex() if player else "",
        "price": "",
    }
    out.update(extra)
    return out


def _raw_deposit(w: World, outputs: list[TxOut], memo: bytes | None, mine: bool = True) -> Tx:
    p = w.players[0]
    coins = w.wallets[p.public_key.raw]
    op, out = coins.pop(0)
    change = TxOut(out.amount - sum(o.amount for o in outputs), KeyCondition(p.public_key))
    tail = (TxOut(0, OpReturn(memo)),) if memo is not None else ()
    tx = Tx((TxIn(op),), (*outputs, change, *tail))
    tx = sign_input(tx, 0, [out], w.ledger.params.chain_id, [p])
    coins.append((OutPoint(tx.txid, len(outputs)), change))
    if mine:
        w.mine([tx])
    return tx


def _deposit_cases(w: World) -> list[Case]:
    p0, p1 = w.players
    a = p0.public_key.raw
    good = w.deposit(p0, 40)
    cond = w.table.cashiers.condition()
    memo = DepositMemo(w.table.table_id, a, b"v" * 16).encode()
    other = replace(w.table, salt=bytes(32))
    foreign = w.deposit(p0, 40, table=other)
    no_memo = DepositProof(
        w.ledger.spv_proof(_raw_deposit(w, [TxOut(CHIP_UNIT, cond)], None).txid), 0
    )
    odd = DepositProof(
        w.ledger.spv_proof(_raw_deposit(w, [TxOut(CHIP_UNIT + 1, cond)], memo).txid), 0
    )
    # a block mined but not notarized: the headers end at a block the notarization is not of
    pending = _raw_deposit(w, [TxOut(10 * CHIP_UNIT, cond)], memo, mine=False)
    mine_block(w.ledger, [pending])
    loc = w.ledger.find_tx(pending.txid)
    last = w.ledger.last_notarization
    assert last is not None
    unnotarized = DepositProof(
        SpvProof(
            w.ledger.tx_proof(pending.txid),
            w.ledger.header_chain(loc.height, w.ledger.height),
            last,
        ),
        0,
    )
    tp = good.spv.tx_proof
    bad_branch = replace(
        good,
        spv=replace(
            good.spv,
            tx_proof=replace(
                tp, branch=MerkleBranch(tp.branch.index, (bytes(32), *tp.branch.siblings[1:]))
            ),
        ),
    )
    w.mine()
    long_tx = _raw_deposit(w, [TxOut(10 * CHIP_UNIT, cond)], memo, mine=False)
    mine_block(w.ledger, [long_tx])
    for _ in range(64):
        mine_block(w.ledger)
    w.mine()
    too_long = DepositProof(w.ledger.spv_proof(long_tx.txid), 0)
    huge = "01" + "00" * 16_384
    return [
        _case("verify_deposit", _dep(w, good, a), "40 chips for player-0, proved to a light client",
              ("CASH-5", "CASH-6", "CASH-7"), "valid"),
        _case("verify_deposit", _dep(w, good), "no player expected: the memo's player is reported",
              ("CASH-6",), "valid"),
        _case("verify_deposit", _dep(w, replace(good, output=1)), "output 1 is the change",
              ("CASH-6",), "invalid"),
        _case("verify_deposit", _dep(w, replace(good, output=2)), "output 2 is the memo itself",
              ("CASH-6",), "invalid"),
        _case("verify_deposit", _dep(w, good, p1.public_key.raw), "the memo names player-0",
              ("CASH-6",), "invalid"),
        _case("verify_deposit", _dep(w, foreign), "a deposit for another table (salt 0)",
              ("CASH-6",), "invalid"),
        _case("verify_deposit", _dep(w, no_memo), "a payment to the cashier without a memo",
              ("CASH-6",), "invalid"),
        _case("verify_deposit", _dep(w, odd), "one base unit more than a chip", ("CASH-7",),
              "invalid"),
        _case("verify_deposit", _dep(w, unnotarized), "the deposit's block is not notarized",
              ("CASH-6", "PROOF-6"), "invalid", ("forged",)),
        _case("verify_deposit", _dep(w, bad_branch), "a Merkle branch with a wrong sibling",
              ("CASH-6", "MERKLE-5"), "invalid", ("forged",)),
        _case("verify_deposit", _dep(w, too_long), "66 headers to the notarized block (max 64)",
              ("CASH-5",), "invalid"),
        _case("verify_deposit", {**_dep(w, good), "proof": huge}, "16,385 bytes (max 16,384)",
              ("CASH-5",), "invalid"),
        _case("verify_deposit", {**_dep(w, good), "notary_set": NotarySet(
            1, (key("not-a-notary").public_key,)).encode().hex()},
              "a notary set the table does not name", ("CASH-6",), "invalid"),
    ]  # fmt: skip


def _certificate_cases(w: World) -> list[Case]:
    proof = w.deposit(w.players[1], 30)
    req = w.request(proof)
    full = w.certify(req, proof)
    a, b, c = full.signatures
    t = w.table.encode().hex()
    forger = key("not-a-cashier")
    forged = (forger.public_key.raw, forger.sign_tagged(Tag.CASHIER_ISSUE, req.encode()))
    zero = replace(req, chips=0)
    zsigs = [
        (k.public_key.raw, k.sign_tagged(Tag.CASHIER_ISSUE, zero.encode()))
        for k in w.cashier_keys[:2]
    ]

    def cert(sigs: tuple[Any, ...], request: IssueRequest = req) -> JSONObject:
        return {"table": t, "certificate": Certificate(request, sigs).encode().hex()}

    other = {
        "table": replace(w.table, salt=bytes(32)).encode().hex(),
        "certificate": Certificate(req, (a, b)).encode().hex(),
    }
    return [
        _case("verify_certificate", cert((a, b)), "cashiers 0 and 1 of 2-of-3",
              ("CASH-10", "CASH-11"), "valid"),
        _case("verify_certificate", cert((a, b, c)), "all three cashiers", ("CASH-11",), "valid"),
        _case("verify_certificate", cert((b, c)), "cashier 0 offline: 1 and 2 suffice",
              ("CASH-11",), "valid"),
        _case("verify_certificate", cert((a,)), "one signature of a 2-of-3 set", ("CASH-11",),
              "invalid"),
        _case("verify_certificate", cert((a, a)), "cashier 0 twice", ("CASH-11",), "invalid"),
        _case("verify_certificate", cert((b, a)), "signers out of set order", ("CASH-11",),
              "invalid"),
        _case("verify_certificate", cert((a, forged)), "a key outside the cashier set",
              ("CASH-11",), "invalid"),
        _case("verify_certificate", cert((a, (b[0], c[1]))), "cashier 1's key, 2's signature",
              ("CASH-10", "CASH-11"), "invalid"),
        _case("verify_certificate", cert((a, b), replace(req, chips=req.chips + 1)),
              "the signatures are over 30 chips, the request says 31", ("CASH-10",), "invalid"),
        _case("verify_certificate", other, "a certificate of the scenario table shown to another",
              ("CASH-11",), "invalid"),
        _case("verify_certificate", {"table": t, "certificate": assemble_certificate(
            zero, w.table, zsigs).encode().hex()}, "0 chips is below the buy-in", ("CASH-11",),
              "invalid"),
    ]  # fmt: skip


def _sign_cases(w: World) -> list[Case]:
    proof = w.deposit(w.players[0], 25)
    req = w.request(proof)
    label = "chipstack/cashier/cashier-1"

    def inp(
        r: IssueRequest = req,
        seq: int = 0,
        closed: bool = False,
        signed: list[JSONObject] | None = None,
    ) -> JSONObject:
        return {"table": w.table.encode().hex(), "notary_set": w.ledger.params.notaries.encode()
                .hex(), "cashier": label, "request": r.encode().hex(), "proof": proof.encode()
                .hex(), "settled_seq": seq, "closed": closed, "signed": signed or []}  # fmt: skip

    before = [{"outpoint": outpoint_json(req.outpoint), "request_id": replace(
        req, join_seq=5).id.hex()}]  # fmt: skip
    same = [{"outpoint": outpoint_json(req.outpoint), "request_id": req.id.hex()}]
    later = replace(req, join_seq=req.join_seq + 1)
    kept = [{**same[0], "request": req.encode().hex()}]
    return [
        _case("cashier_sign", inp(), "cashier-1 checks the proof and signs", ("CASH-12",),
              "valid"),
        _case("cashier_sign", inp(signed=same), "the same request again: the same signature",
              ("CASH-12",), "valid"),
        _case("cashier_sign", inp(signed=before), "the outpoint was signed for another request",
              ("CASH-12",), "invalid"),
        _case("cashier_sign", inp(seq=1), "joining at 1 when sequence 1 is settled",
              ("CASH-12",), "invalid"),
        _case("cashier_sign", inp(closed=True), "the table is closed", ("CASH-12",), "invalid"),
        _case("cashier_sign", inp(replace(req, chips=26)), "26 chips for a 25-chip deposit",
              ("CASH-12",), "invalid"),
        _case("cashier_sign", inp(replace(req, player=w.players[1].public_key.raw)),
              "the request names player-1, the memo player-0", ("CASH-12",), "invalid"),
        _case("cashier_sign", inp(later, seq=req.join_seq, signed=kept),
              "the earlier request's join sequence is settled: a re-join is signed",
              ("CASH-12", "CASH-14"), "valid"),
        _case("cashier_sign", inp(later, seq=req.join_seq - 1, signed=kept),
              "a re-join while the earlier request can still be issued", ("CASH-12",),
              "invalid"),
    ]  # fmt: skip


def _pegged_deposit_cases() -> list[Case]:
    pw = world(peg=PegParams(1, COIN), price=12_345)
    proof = pw.deposit(pw.players[0], 40)
    att = pw.prices[proof.spv.tx_proof.header.hash()]
    return [
        _case("verify_deposit", _dep(pw, proof, price=att.encode().hex()),
              "a pegged deposit converted at its block's price", ("CASH-7", "CASH-52"), "valid"),
        _case("verify_deposit", _dep(pw, proof), "a pegged deposit without its block's price",
              ("CASH-52",), "invalid"),
    ]  # fmt: skip


def _settlement_cases(w: World) -> list[Case]:
    p0, p1 = w.players
    a, b = p0.public_key.raw, p1.public_key.raw
    s = w.settlement({a: 50, b: 70}, START + 100)
    ss = w.sign(s)
    tid = w.table.table_id.hex()

    def inp(x: SignedSettlement) -> JSONObject:
        return {"table_id": tid, "settlement": x.encode().hex()}

    return [
        _case("verify_settlement", inp(ss), "sequence 1 signed by both seats",
              ("CASH-20", "CASH-21"), "valid"),
        _case("verify_settlement", inp(w.sign(s, [p0])), "player-1 did not sign",
              ("CASH-21",), "invalid"),
        _case("verify_settlement", inp(replace(ss, signatures=ss.signatures[:1])),
              "one signature for two seats", ("CASH-21",), "invalid"),
        _case("verify_settlement", inp(replace(ss, signatures=ss.signatures[::-1])),
              "signatures out of seat order", ("CASH-20", "CASH-21"), "invalid"),
        _case("verify_settlement", inp(w.sign(replace(s, seats=(a, a)))), "player-0 seated twice",
              ("CASH-21",), "invalid"),
        _case("verify_settlement", {"table_id": "00" * 32, "settlement": ss.encode().hex()},
              "another table's id", ("CASH-21",), "invalid"),
    ]  # fmt: skip


def _price_cases() -> list[Case]:
    pw = world(peg=PegParams(1, COIN), price=12_345)
    h = pw.ledger.height
    block = pw.ledger.tip.hash
    att = pw.prices[block]
    n = pw.ledger.params.notaries

    def inp(x: PriceAttestation, blk: bytes = block) -> JSONObject:
        return {"attestation": x.encode().hex(), "notary_set": n.encode().hex(),
                "chain_id": pw.ledger.params.chain_id.hex(), "block_hash": blk.hex()}  # fmt: skip

    zero = attest_price(pw.ledger.params.chain_id, h, block, 0, n, pw.notary_keys[:2])
    return [
        _case("verify_price", inp(att), "12,345 cents a coin, 2-of-3 notaries",
              ("CASH-50", "CASH-51"), "valid"),
        _case("verify_price", inp(att, bytes(32)), "a price of another block", ("CASH-51",),
              "invalid"),
        _case("verify_price", inp(zero), "price 0", ("CASH-51",), "invalid"),
        _case("verify_price", inp(replace(att, signatures=att.signatures[:1])),
              "one notary signature", ("CASH-51",), "invalid"),
        _case("verify_price", inp(replace(att, price=12_346)), "the price changed after signing",
              ("CASH-50", "CASH-51"), "invalid"),
    ]  # fmt: skip


def _peg_cases() -> list[Case]:
    def pay(chips: list[int], price: int, deposits: int, reserve: int) -> JSONObject:
        return {"chips": chips, "price": price, "ref_per_chip": 1, "deposits": deposits,
                "reserve": reserve}  # fmt: skip

    return [
        _case("coins_to_chips", {"amount": COIN // 3, "price": 12_345, "ref_per_chip": 1},
              "33,333,333 units at 12,345 cents a coin is 4114.99 chips: 4114",
              ("CASH-52",), "valid"),
        _case("peg_payouts", pay([100, 100], 200, 2 * COIN, COIN),
              "the coin doubled: half the coins pay, the rest is change", ("CASH-53", "CASH-54"),
              "valid"),
        _case("peg_payouts", pay([100, 100], 50, 2 * COIN, 3 * COIN),
              "the coin halved: the reserve adds 2 coins", ("CASH-53", "CASH-54"), "valid"),
        _case("peg_payouts", pay([100, 300], 50, 2 * COIN, COIN),
              "8 coins owed, 3 available: every seat gets 3/8", ("CASH-55",), "valid"),
        _case("peg_payouts", pay([1_000_000_000_000_000], 1, 0, 0),
              "a payout above MAX_MONEY", ("CASH-53",), "invalid"),
    ]  # fmt: skip


def _cost_cases() -> list[Case]:
    def args(*items: tuple[str, Any]) -> JSONObject:
        return {"args": [{"type": t, "value": v} for t, v in items]}

    cheap = DeclaredBalances(cheap_oddeven())
    cheap_hex = encode_definition(cheap.definition).hex()
    table = world(game=cheap).table.encode().hex()
    head = (("bytes", table), ("bytes", "bb"), ("bytes", "cc"), ("int", 7))
    claim = args(*head, ("list[bytes]", ["aa" * 10, "bb" * 100, "cc" * 70]))
    ten = args(*head, ("list[bytes]", ["dd"] * 10))

    return [
        _case("builtin_cost", args(("bytes", "00" * 63)), "one small argument: 4 + 20 * 1",
              ("CASH-72",), "valid"),
        _case("builtin_cost", args(("bytes", "aa"), ("bytes", "bb"), ("bytes", "cc"),
                                   ("bytes", "00" * 64)),
              "a 64-byte proof argument after table, notaries and book: 4 + 20 * 5 + 1200",
              ("CASH-72",), "valid"),
        _case("builtin_cost", args(("int", 5), ("list[bytes]", ["aa" * 10, "bb" * 10])),
              "an int and a claim of two parts: 4 + 20 * 4 + 2 * 61200", ("CASH-72",), "valid"),
        _case("builtin_cost", args(("bytes", "0")), "odd hex", ("CASH-72",), "invalid",
              ("bad_hex",)),
        _case("builtin_cost", {**claim, "game": cheap_hex},
              "a claim of three parts at a table whose game declares 5,000 units: "
              "4 + 20 * w + 3 * 6200", ("CASH-72",), "valid"),
        _case("builtin_cost", claim,
              "the same claim when the library does not hold the game: 4 + 20 * w + 3 * 61200",
              ("CASH-72",), "valid"),
        _case("builtin_cost", ten,
              "ten parts at the dearest game: the parts are charged the 550,800 of the bound",
              ("CASH-72",), "valid"),
    ]  # fmt: skip


def _cases() -> list[Case]:
    w = world()
    return [
        *_table_cases(w),
        *_deposit_cases(w),
        *_certificate_cases(w),
        *_settlement_cases(w),
        *_price_cases(),
        *_sign_cases(w),
        *_pegged_deposit_cases(),
        *_peg_cases(),
        *_cost_cases(),
    ]


SUITE = Suite(
    name="cashier/proofs",
    description=(
        "Cashier tables, deposit proofs, issuance certificates, settlements, notary prices, "
        "peg conversion and built-in costs (spec/04-cashier.md)"
    ),
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
    shared={
        "verify_deposit": ("table", "notary_set"),
        "verify_certificate": ("table",),
        "cashier_sign": ("table", "notary_set"),
    },
)
