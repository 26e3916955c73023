"""Test-suite settings and fixtures shared by every area.

Hypothesis runs without per-example deadlines (CI machines are small and
shared; timing is for benchmarks, not tests). Under CI (``CI=true``) it is
also derandomized, so a run is reproducible from the commit alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

from chipstack.crypto import PrivateKey
from chipstack.sync.node import Node, Send, sign_challenge
from chipstack.sync.wire import Auth, Hello, decode_message, encode_message

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
