"""The chain vector schemas pin operations and per-operation input/output keys."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from chipstack.testvectors import SUITES as ALL_SUITES
from chipstack.vectors.model import Suite

SUITES = [s for s in ALL_SUITES if s.area == "chain"]
SchemaValidator = Callable[[Suite], jsonschema.Draft202012Validator]


def errors(validator: jsonschema.Draft202012Validator, doc: dict[str, Any]) -> list[str]:
    return [e.message for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_fresh_generation_validates(suite: Suite, vector_schema: SchemaValidator) -> None:
    doc = json.loads(suite.render())
    assert errors(vector_schema(suite), doc) == []


@pytest.mark.parametrize("suite", SUITES, ids=[s.name for s in SUITES])
def test_schema_refuses_unknown_operation_extra_key_and_missing_key(
    suite: Suite, vector_schema: SchemaValidator
) -> None:
    validator = vector_schema(suite)
    doc = json.loads(suite.render())
    gi = next(i for i, g in enumerate(doc["groups"]) if g["cases"][0]["result"] == "valid")
    for mutate in (
        "operation", "extra_input", "missing_input", "extra_expected", "reason", "no_flags",
        "extra_shared", "many_covers", "top_key",
    ):
        bad = copy.deepcopy(doc)
        g = bad["groups"][gi]
        case = g["cases"][0]
        if mutate == "operation":
            g["operation"] = "no_such_operation"
        elif mutate == "extra_input":
            case["input"]["surprise"] = 1
        elif mutate == "missing_input":
            case["input"].pop(sorted(case["input"])[0])
        elif mutate == "extra_expected":
            case["expected"]["surprise"] = 1
        elif mutate == "reason":
            case["reason"] = "chain.bad_bits"
        elif mutate == "no_flags":
            case["flags"] = []
        elif mutate == "extra_shared":
            g["shared"]["surprise"] = 1
        elif mutate == "many_covers":
            case["covers"] = ["TX-1", "TX-2", "TX-3", "TX-4"]
        else:
            bad["surprise"] = 1
        assert errors(validator, bad), f"{suite.name}: schema accepted {mutate}"
