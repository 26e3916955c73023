"""The shape of a vector file and of the cases in it (spec/05-vectors.md section 1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from chipstack.errors import Reason, Rejected

#: A JSON value as the vector files hold it.
JSON = Any
#: The inputs or outputs of one case: a JSON object.
JSONObject = dict[str, JSON]

Result = Literal["valid", "invalid"]


@dataclass(frozen=True)
class Case:
    """One vector: an operation applied to an input, and what must come out.

    ``result == "valid"`` cases carry ``expected`` (the exact outputs);
    ``result == "invalid"`` cases carry ``reason`` (a :class:`Reason` code).
    ``covers`` lists the spec rule ids (e.g. ``ENC-3``) the case exercises.
    """

    operation: str
    input: JSONObject
    result: Result
    comment: str
    covers: tuple[str, ...]
    flags: tuple[str, ...] = ()
    expected: JSONObject | None = None
    reason: str | None = None

    def to_json(
        self, case_id: int, flags: tuple[str, ...], own_input: JSONObject
    ) -> JSONObject:
        """Return the case as it is stored in its group: 1-based ``id``, its own input keys.

        The operation and the shared input keys are stored once, in the group.
        """
        out: JSONObject = {
            "id": case_id,
            "comment": self.comment,
            "flags": list(flags),
            "covers": list(self.covers),
            "input": own_input,
            "result": self.result,
        }
        if self.result == "valid":
            out["expected"] = self.expected
        else:
            out["reason"] = self.reason
        return out


#: An operation runner: takes a case's input, returns its outputs or raises Rejected.
Operation = Callable[[JSONObject], JSONObject]


#: The kinds of bug a flag targets (spec/05-vectors.md section 1, "Flags").
BugType = Literal[
    "basic",
    "known_answer",
    "edge_case",
    "malformed",
    "non_canonical",
    "missing_check",
    "forgery",
    "wrong_context",
    "known_attack",
    "resource_limit",
    "arithmetic",
]
#: Every bug type, in the order the spec lists them.
BUG_TYPES: tuple[str, ...] = get_args(BugType)

#: At most this many rule ids in a case's ``covers`` ([VEC-7]).
MAX_COVERS = 3


@dataclass(frozen=True)
class Note:
    """What a flag means: the kind of bug it targets, what it tests, and what goes wrong.

    ``effect`` says what an implementation that gets such a case wrong would do
    (accept forged data, split from the others, run out of memory, ...).
    """

    bug_type: BugType
    description: str
    effect: str

    def to_json(self) -> JSONObject:
        """Return the note as it is stored in a file's ``notes``."""
        return {"bug_type": self.bug_type, "description": self.description, "effect": self.effect}


@dataclass(frozen=True)
class Suite:
    """A vector file: where it lives, how to regenerate it, how to run its operations.

    ``name`` is ``"<area>/<file stem>"``; the file is ``vectors/<name>.json`` and
    its schema ``vectors/schema/<area>-<stem>.schema.json``. ``notes`` may hold
    more flags than the cases use; the file carries the notes of the flags used.
    ``shared`` names, per operation, the input keys its cases share in groups;
    ``reason_flags`` gives the flag of an invalid case that names none (by its
    reason); a valid case that names none gets ``valid_flag``.
    """

    name: str
    description: str
    notes: Mapping[str, Note]
    operations: Mapping[str, Operation]
    build_cases: Callable[[], list[Case]]
    version: int = 1
    extra_header: Mapping[str, JSON] = field(default_factory=dict)
    shared: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reason_flags: Mapping[str, str] = field(default_factory=dict)
    valid_flag: str = "normal"

    @property
    def area(self) -> str:
        """The area part of the name (``encoding``, ``sync``, ...)."""
        return self.name.split("/", 1)[0]

    @property
    def stem(self) -> str:
        """The file part of the name."""
        return self.name.split("/", 1)[1]

    @property
    def path(self) -> str:
        """Path of the vector file relative to the ``vectors/`` folder."""
        return f"{self.name}.json"

    @property
    def schema_path(self) -> str:
        """Path of the JSON Schema relative to the ``vectors/`` folder."""
        return f"schema/{self.area}-{self.stem}.schema.json"

    def run(self, operation: str, case_input: JSONObject) -> JSONObject:
        """Run one operation of this suite; unknown operations are rejected."""
        op = self.operations.get(operation)
        if op is None:
            raise Rejected(Reason.VECTORS_UNKNOWN_OPERATION, f"{self.name}: {operation}")
        try:
            return op(case_input)
        except (KeyError, TypeError, AttributeError) as exc:
            raise Rejected(Reason.VECTORS_BAD_INPUT, f"{type(exc).__name__}: {exc}") from None

    def flags_of(self, c: Case) -> tuple[str, ...]:
        """Return the flags ``c`` is stored with: its own, else the default of its result."""
        if c.flags:
            return c.flags
        if c.result == "valid":
            return (self.valid_flag,)
        flag = self.reason_flags.get(c.reason or "")
        if flag is None:
            raise ValueError(f"{self.name}: no flag for reason {c.reason}: {c.comment}")
        return (flag,)

    def document(self) -> JSONObject:
        """Build the whole file as a JSON object, generating every case afresh.

        Cases are grouped by operation and the values of the operation's
        ``shared`` input keys; groups come in the order of their first case,
        cases keep their order inside a group, and ids count 1, 2, ... in file order.
        """
        cases = self.build_cases()
        for c in cases:
            _check_case_shape(self.name, c)
        flagged = [(c, self.flags_of(c)) for c in cases]
        flags_used = sorted({f for _, fl in flagged for f in fl})
        missing = [f for f in flags_used if f not in self.notes]
        if missing:
            raise ValueError(f"{self.name}: flags without a note: {missing}")
        groups: dict[str, JSONObject] = {}
        for c, flags in flagged:
            keys = self.shared.get(c.operation, ())
            absent = [k for k in keys if k not in c.input]
            if absent:
                raise ValueError(f"{self.name}: case lacks shared input {absent}: {c.comment}")
            shared = {k: c.input[k] for k in keys}
            key = json.dumps([c.operation, shared], sort_keys=True)
            group = groups.setdefault(
                key, {"operation": c.operation, "shared": shared, "cases": []}
            )
            own = {k: v for k, v in c.input.items() if k not in keys}
            group["cases"].append((c, flags, own))
        next_id = 1
        out_groups: list[JSONObject] = []
        for group in groups.values():
            stored = []
            for c, flags, own in group["cases"]:
                stored.append(c.to_json(next_id, flags, own))
                next_id += 1
            out_groups.append({**group, "cases": stored})
        doc: JSONObject = {
            "schema": self.schema_path,
            "area": self.area,
            "suite": self.stem,
            "version": self.version,
            "description": self.description,
            "notes": {f: self.notes[f].to_json() for f in flags_used},
        }
        doc.update(self.extra_header)
        doc["number_of_cases"] = len(cases)
        doc["groups"] = out_groups
        return doc

    def render(self) -> str:
        """Return the file's exact text: deterministic JSON, two-space indent, final newline."""
        return json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n"


def _check_case_shape(suite: str, c: Case) -> None:
    if c.result == "valid" and (c.expected is None or c.reason is not None):
        raise ValueError(f"{suite}: valid case needs expected and no reason: {c.comment}")
    if c.result == "invalid":
        if c.reason is None or c.expected is not None:
            raise ValueError(f"{suite}: invalid case needs a reason and no expected: {c.comment}")
        Reason(c.reason)  # must be a known code
    if not c.covers:
        raise ValueError(f"{suite}: case covers no rule: {c.comment}")
    if len(c.covers) > MAX_COVERS:
        raise ValueError(f"{suite}: case claims more than {MAX_COVERS} rules: {c.comment}")


def outcome(op: Operation, case_input: JSONObject) -> tuple[Result, JSONObject | str]:
    """Run ``op`` and fold a rejection into ``("invalid", reason)``."""
    try:
        return "valid", op(case_input)
    except Rejected as exc:
        return "invalid", exc.reason.value


def make_case(
    suite_ops: Mapping[str, Operation],
    operation: str,
    case_input: JSONObject,
    comment: str,
    covers: tuple[str, ...] | list[str],
    flags: tuple[str, ...] | list[str] = (),
    expect: Result | None = None,
) -> Case:
    """Build a case by running the reference, asserting the result kind if ``expect`` is given.

    The reference computes the outputs; ``expect`` guards against a generator
    silently turning a meant-to-fail case into a passing one (or the reverse).
    """
    result, payload = outcome(suite_ops[operation], case_input)
    if expect is not None and result != expect:
        raise ValueError(f"case {comment!r}: expected {expect}, reference gave {result}: {payload}")
    if result == "valid":
        assert isinstance(payload, dict)
        return Case(
            operation, case_input, "valid", comment, tuple(covers), tuple(flags), expected=payload
        )
    assert isinstance(payload, str)
    return Case(
        operation, case_input, "invalid", comment, tuple(covers), tuple(flags), reason=payload
    )


class CaseTable:
    """A suite's case table: one ``valid(...)`` or ``invalid(...)`` line per case, in file order.

    Each line runs the reference (:func:`make_case`) and states the intended
    result, so a reference that silently flips a case fails generation.
    """

    def __init__(self, ops: Mapping[str, Operation]) -> None:
        self.ops = ops
        self.cases: list[Case] = []

    def valid(
        self,
        operation: str,
        case_input: JSONObject,
        comment: str,
        covers: Sequence[str],
        flags: Sequence[str] = (),
    ) -> None:
        """Add a case the reference must accept; its outputs become ``expected``."""
        self.add_case("valid", operation, case_input, comment, covers, flags)

    def invalid(
        self,
        operation: str,
        case_input: JSONObject,
        comment: str,
        covers: Sequence[str],
        flags: Sequence[str] = (),
    ) -> None:
        """Add a case the reference must refuse; its reason becomes ``reason``."""
        self.add_case("invalid", operation, case_input, comment, covers, flags)

    def add_case(
        self,
        expect: Result,
        operation: str,
        case_input: JSONObject,
        comment: str,
        covers: Sequence[str],
        flags: Sequence[str],
    ) -> None:
        """Add a case whose intended result is ``expect``."""
        self.cases.append(
            make_case(self.ops, operation, case_input, comment, list(covers), list(flags), expect)
        )
