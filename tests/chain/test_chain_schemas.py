"""The chain vector schemas pin operations and per-operation input/output keys."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from chipstack.testvectors import SUITES as ALL_SUITES
from chipstack.vectors.model import Suite

SUITES = [s for s in ALL_SUITES if s.area == "chain"]
VECTORS = Path(__file__).resolve().parents[2] / "vectors"


def load(suite: Suite) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = json.loads(suite.render())
    schema = json.loads((VECTORS / suite.schema_path).read_text(encoding="utf-8"))
    return doc, schema


def errors(schema: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_fresh_generation_validates(suite: Suite) -> None:
    doc, schema = load(suite)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert errors(schema, doc) == []


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_schema_refuses_unknown_operation_extra_key_and_missing_key(suite: Suite) -> None:
    doc, schema = load(suite)
    valid_case = next(c for c in doc["cases"] if c["result"] == "valid")
    i = doc["cases"].index(valid_case)
    for mutate in ("operation", "extra_input", "missing_input", "extra_expected", "reason"):
        bad = copy.deepcopy(doc)
        case = bad["cases"][i]
        if mutate == "operation":
            case["operation"] = "no_such_operation"
        elif mutate == "extra_input":
            case["input"]["surprise"] = 1
        elif mutate == "missing_input":
            case["input"].pop(sorted(case["input"])[0])
        elif mutate == "extra_expected":
            case["expected"]["surprise"] = 1
        else:
            case["reason"] = "chain.bad_bits"
        assert errors(schema, bad), f"{suite.name}: schema accepted {mutate}"
