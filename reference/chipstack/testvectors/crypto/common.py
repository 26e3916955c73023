"""Input helpers shared by the crypto vector suites."""

from __future__ import annotations

from chipstack.crypto import Tag
from chipstack.errors import Reason, Rejected
from chipstack.vectors.model import JSONObject


def tag_field(case_input: JSONObject) -> Tag:
    """Return the case's ``tag`` as a registered :class:`Tag`, or reject it as unknown."""
    name = case_input["tag"]
    try:
        return Tag(name)
    except ValueError:
        raise Rejected(Reason.CRYPTO_UNKNOWN_TAG, repr(name)) from None
