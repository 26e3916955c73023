"""Test-suite settings and fixtures shared by every area.

Hypothesis runs without per-example deadlines (CI machines are small and
shared; timing is for benchmarks, not tests). Under CI (``CI=true``) it is
also derandomized, so a run is reproducible from the commit alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, settings
from referencing import Registry, Resource

from chipstack.crypto import PrivateKey
from chipstack.poker.phh import shared_phh_dir
from chipstack.sync.node import Node, Send, sign_challenge
from chipstack.sync.wire import Auth, Hello, decode_message, encode_message
from chipstack.vectors.model import Suite

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: ``handshake(node, pid, now)``: complete a handshake with ``node`` as peer ``pid``.
Handshake = Callable[[Node, str, int], None]


def complete_handshake(node: Node, pid: str, now: int) -> None:
    """Complete a handshake with ``node`` by hand, as peer ``pid`` holding the key of ``pid``."""
    key = PrivateKey.from_label(pid)
    hello = node.connect(now, pid)[0]
    assert isinstance(hello, Send)
    challenge = decode_message(hello.data)
    assert isinstance(challenge, Hello)
    net = node.params.network_id
    node.receive(now, pid, encode_message(Hello(1, net, key.public_key.raw, bytes(32))))
    node.receive(now, pid, encode_message(Auth(sign_challenge(key, net, challenge.challenge))))
    assert pid in node.ready_peers()


@pytest.fixture
def handshake() -> Handshake:
    """The hand-driven handshake helper, for tests that play a peer themselves."""
    return complete_handshake


#: ``vector_schema(suite)``: a validator for ``suite``'s files, its envelope ``$ref`` resolved.
SchemaValidator = Callable[[Suite], jsonschema.Draft202012Validator]

_SCHEMAS = Path(__file__).resolve().parents[1] / "vectors" / "schema"


@pytest.fixture(scope="session")
def vector_schema() -> SchemaValidator:
    """Build validators of the committed suite schemas; each refers to envelope.schema.json."""
    envelope = json.loads((_SCHEMAS / "envelope.schema.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        envelope["$id"], Resource.from_contents(envelope)
    )

    def build(suite: Suite) -> jsonschema.Draft202012Validator:
        schema = json.loads((_SCHEMAS.parent / suite.schema_path).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema, registry=registry)

    return build

# The real-browser tests (tests/browser/) need Voila, Playwright and Chromium: they
# run under `make test-browser` (CHIPSTACK_BROWSER=1) and are not collected otherwise.
collect_ignore_glob = [] if os.environ.get("CHIPSTACK_BROWSER") == "1" else ["browser/*"]


@pytest.fixture(scope="session")
def phh_data() -> Path:
    """The shared PHH hands (``../shared/data/phh`` beside the repository, SOURCE.md there).

    ``$CHIPSTACK_PHH_DATA`` names another copy. Missing data fails the test, never skips it.
    """
    env = os.environ.get("CHIPSTACK_PHH_DATA")
    candidates = [Path(env)] if env else []
    found = shared_phh_dir(Path(__file__).resolve().parents[1])
    if found is not None:
        candidates.append(found)
    for candidate in candidates:
        if (candidate / "MANIFEST.tsv").is_file():
            return candidate
    pytest.fail(f"the shared PHH data is missing (../shared/data/phh); looked in "
                f"{[str(c) for c in candidates]}")
