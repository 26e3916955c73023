"""The names an expression may use, and their types and values (spec/03-fsm.md FSM-15).

Guards and effects see: variables as ``vars.<name>``; event arguments as
``args.<name>``; instance parameters as ``params.<name>``; role keys as
``roles.<name>`` (``bytes``, or ``list[bytes]`` for a list role); ``signer``
(the event's signing key), ``now`` (the event's time), ``seq`` (the event's
sequence number) and ``created`` (the instance's creation time). Initial
values see only ``params.*``, ``roles.*`` and ``created``.
"""

from __future__ import annotations

from collections.abc import Mapping

from chipstack.fsm import definition as d
from chipstack.fsm.expr import BYTES, INT, ListType, Type, Value

#: Type of a list role's keys in expressions.
ROLE_LIST_TYPE = ListType(BYTES)


def role_type(role: d.Role) -> Type:
    """Return ``bytes`` for a single role, ``list[bytes]`` for a list role."""
    return BYTES if role.size is None else ROLE_LIST_TYPE


def init_env_types(defn: d.Definition) -> dict[str, Type]:
    """Types of the names visible to initial-value expressions ([FSM-15])."""
    env: dict[str, Type] = {"created": INT}
    for p in defn.params:
        env[f"params.{p.name}"] = p.type
    for r in defn.roles:
        env[f"roles.{r.name}"] = role_type(r)
    return env


def transition_env_types(defn: d.Definition, event: d.EventDecl) -> dict[str, Type]:
    """Types of the names visible to a guard or effect of a transition on ``event`` ([FSM-15])."""
    env = init_env_types(defn)
    env.update({"signer": BYTES, "now": INT, "seq": INT})
    for v in defn.variables:
        env[f"vars.{v.name}"] = v.type
    for a in event.params:
        env[f"args.{a.name}"] = a.type
    return env


def base_env(
    params: Mapping[str, Value],
    roles: Mapping[str, tuple[bytes, ...]],
    defn: d.Definition,
    created: int,
) -> dict[str, Value]:
    """Values of ``params.*``, ``roles.*`` and ``created`` for one instance ([FSM-15])."""
    env: dict[str, Value] = {"created": created}
    for name, value in params.items():
        env[f"params.{name}"] = value
    for r in defn.roles:
        keys = roles[r.name]
        env[f"roles.{r.name}"] = keys[0] if r.size is None else keys
    return env
