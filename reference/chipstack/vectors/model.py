"""The shape of a vector file and of the cases in it (spec/05-vectors.md section 1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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

    def to_json(self, case_id: int) -> JSONObject:
        """Return the case as it is stored, with its 1-based ``id``."""
        out: JSONObject = {
            "id": case_id,
            "operation": self.operation,
            "comment": self.comment,
            "flags": list(self.flags),
            "covers": list(self.covers),
            "input": self.input,
            "result": self.result,
        }
        if self.result == "valid":
            out["expected"] = self.expected
        else:
            out["reason"] = self.reason
        return out


#: An operation runner: takes a case's input, returns its outputs or raises Rejected.
Operation = Callable[[JSONObject], JSONObject]


@dataclass(frozen=True)
class Suite:
    """A vector file: where it lives, how to regenerate it, how to run its operations.

    ``name`` is ``"<area>/<file stem>"``; the file is ``vectors/<name>.json`` and
    its schema ``vectors/schema/<area>-<stem>.schema.json``.
    """

    name: str
    description: str
    notes: Mapping[str, str]
    operations: Mapping[str, Operation]
    build_cases: Callable[[], list[Case]]
    version: int = 1
    extra_header: Mapping[str, JSON] = field(default_factory=dict)

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

    def document(self) -> JSONObject:
        """Build the whole file as a JSON object, generating every case afresh."""
        cases = self.build_cases()
        flags_used = sorted({f for c in cases for f in c.flags})
        missing = [f for f in flags_used if f not in self.notes]
        if missing:
            raise ValueError(f"{self.name}: flags without a note: {missing}")
        for c in cases:
            _check_case_shape(self.name, c)
        doc: JSONObject = {
            "schema": self.schema_path,
            "area": self.area,
            "suite": self.stem,
            "version": self.version,
            "description": self.description,
            "notes": dict(self.notes),
        }
        doc.update(self.extra_header)
        doc["cases"] = [c.to_json(i + 1) for i, c in enumerate(cases)]
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
