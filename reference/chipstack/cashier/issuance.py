"""Issuance: a cashier threshold certifies that one deposit outpoint buys chips for one player.

Spec: ``spec/04-cashier.md`` section 3 (rules ``[CASH-10]`` .. ``[CASH-14]``).
An :class:`IssueRequest` names (table, deposit outpoint, player, chips,
join sequence); a :class:`Certificate` is that request with at least M
cashier signatures, checkable by anyone with the table parameters. A
:class:`CashierNode` is one honest cashier: it signs a request only after
checking the deposit proof itself, and never signs one outpoint twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chipstack.cashier.deposit import DepositProof, verify_deposit
from chipstack.cashier.params import TableParams
from chipstack.cashier.peg import PriceAttestation
from chipstack.cashier.signers import Signature, check_threshold, read_signatures, write_signatures
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import OutPoint
from chipstack.crypto import PUBLIC_KEY_LEN, PrivateKey, Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: The only issue-request encoding version ([CASH-10]).
ISSUE_VERSION = 1


@dataclass(frozen=True)
class IssueRequest:
    """``chips`` for ``player`` at ``table_id``, backed by ``outpoint``, from sequence ``join_seq``.

    ``join_seq`` is the settlement sequence at which the chips enter the
    table: every settlement from that sequence on must count them ([CASH-22]).
    """

    table_id: bytes
    outpoint: OutPoint
    player: bytes
    chips: int
    join_seq: int

    def encode(self) -> bytes:
        """``u8 version || table_id || outpoint || player || u64 chips || u64 join_seq``."""
        return (
            Writer()
            .u8(ISSUE_VERSION)
            .fixed(self.table_id, 32)
            .raw(self.outpoint.encode())
            .fixed(self.player, PUBLIC_KEY_LEN)
            .u64(self.chips)
            .u64(self.join_seq)
            .getvalue()
        )

    @staticmethod
    def read(r: Reader) -> IssueRequest:
        """Read a request."""
        r.version(frozenset({ISSUE_VERSION}))
        return IssueRequest(
            r.fixed(32), OutPoint.read(r), r.fixed(PUBLIC_KEY_LEN), r.u64(), r.u64()
        )

    @property
    def id(self) -> bytes:
        """``tagged_hash("chipstack/cashier/issue", encoding)``: what each cashier signs."""
        return tagged_hash(Tag.CASHIER_ISSUE, self.encode())


@dataclass(frozen=True)
class Certificate:
    """An issue request and the cashier signatures over it ([CASH-10])."""

    request: IssueRequest
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        """``request || count (key[32] || sig[64])*`` in cashier-set order."""
        w = Writer().raw(self.request.encode())
        write_signatures(w, self.signatures)
        return w.getvalue()

    @staticmethod
    def decode(data: bytes) -> Certificate:
        """Decode a certificate spanning all of ``data`` (then :func:`verify_certificate`)."""
        return decode_exact(data, lambda r: Certificate(IssueRequest.read(r), read_signatures(r)))


def verify_certificate(cert: Certificate, table: TableParams) -> tuple[int, ...]:
    """Check a certificate for ``table``; return the signing cashiers' positions ([CASH-11]).

    Order: the table id (``cashier.wrong_table``), chips within the buy-in
    limits (``cashier.wrong_chips``), then the threshold list of [CASH-11].
    """
    req = cert.request
    require(req.table_id == table.table_id, Reason.CASHIER_WRONG_TABLE, "another table")
    require(
        table.min_buyin <= req.chips <= table.max_buyin,
        Reason.CASHIER_WRONG_CHIPS,
        f"{req.chips} chips outside the buy-in limits",
    )
    cs = table.cashiers
    return check_threshold(cert.signatures, cs.keys, cs.threshold, Tag.CASHIER_ISSUE, req.encode())


def assemble_certificate(
    request: IssueRequest, table: TableParams, sigs: Sequence[Signature]
) -> Certificate:
    """Return the certificate made of ``sigs`` (one per cashier, any order), in set order."""
    order = {k.raw: i for i, k in enumerate(table.cashiers.keys)}
    return Certificate(request, tuple(sorted(sigs, key=lambda s: order.get(s[0], 99))))


@dataclass
class CashierNode:
    """One honest cashier: checks every deposit itself and signs each outpoint once ([CASH-12]).

    ``signed`` maps an outpoint to the request id it signed; ``online`` false
    models a cashier that does not answer.
    """

    key: PrivateKey
    table: TableParams
    notaries: NotarySet
    online: bool = True
    signed: dict[OutPoint, bytes] = field(default_factory=dict)
    #: The request behind each id in ``signed``, when known ([CASH-12] re-joining).
    requests: dict[OutPoint, IssueRequest] = field(default_factory=dict)

    def _rejoins(self, request: IssueRequest, settled_seq: int) -> bool:
        """[CASH-12]: the earlier request for this outpoint can no longer be issued (its
        join sequence is settled) and ``request`` differs from it in ``join_seq`` only."""
        before = self.requests.get(request.outpoint)
        return (
            before is not None
            and before.id == self.signed.get(request.outpoint)
            and before.join_seq <= settled_seq
            and rejoin_only(before, request)
        )

    def sign(
        self,
        request: IssueRequest,
        proof: DepositProof,
        settled_seq: int,
        closed: bool = False,
        price: PriceAttestation | None = None,
    ) -> Signature | None:
        """Check ``request`` against its deposit proof and the table's state; sign or reject.

        ``settled_seq`` is the table's authoritative settlement sequence and
        ``closed`` whether the table is closed: a request joining at or before
        a settlement that already exists is stale. Returns None when offline.
        """
        if not self.online:
            return None
        require(not closed, Reason.CASHIER_TABLE_CLOSED, "the table is closed")
        require(request.table_id == self.table.table_id, Reason.CASHIER_WRONG_TABLE, "table")
        facts = verify_deposit(proof, self.table, self.notaries, request.player, price)
        require(facts.outpoint == request.outpoint, Reason.CASHIER_WRONG_OUTPUT, "outpoint")
        require(facts.chips == request.chips, Reason.CASHIER_WRONG_CHIPS, f"{facts.chips} chips")
        earlier = self.signed.get(request.outpoint)
        require(
            earlier is None or earlier == request.id or self._rejoins(request, settled_seq),
            Reason.CASHIER_DOUBLE_ISSUE,
            "this outpoint was certified for another request",
        )
        require(
            request.join_seq > settled_seq,
            Reason.CASHIER_STALE_REQUEST,
            f"join at {request.join_seq}, table settled at {settled_seq}",
        )
        self.signed[request.outpoint] = request.id
        self.requests[request.outpoint] = request
        return (self.key.public_key.raw, self.key.sign_tagged(Tag.CASHIER_ISSUE, request.encode()))


def rejoin_only(a: IssueRequest, b: IssueRequest) -> bool:
    """Whether two requests differ in their join sequence alone ([CASH-12], [CASH-14])."""
    return replace(a, join_seq=b.join_seq) == b


def double_signers(a: Certificate, b: Certificate) -> set[bytes]:
    """Keys that signed two different requests for one outpoint: proof they misbehaved ([CASH-14]).

    Both certificates must be valid for their tables (the caller checked); the
    result is empty when the outpoints differ or the requests are equal.
    """
    if a.request.outpoint != b.request.outpoint or rejoin_only(a.request, b.request):
        return set()
    return {k for k, _ in a.signatures} & {k for k, _ in b.signatures}
