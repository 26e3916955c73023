"""YAML machine definitions -> a checked :class:`~chipstack.fsm.definition.Definition`.

:func:`load_definition` parses YAML text (a safe loader that also refuses
duplicate keys and reads only ``true``/``false`` as booleans, so that the key
``on`` stays a string), builds the typed model, and runs
:func:`~chipstack.fsm.validity.check_definition`: the same checks a validator
runs on a definition decoded from bytes. Every failure is a
:class:`~chipstack.errors.Rejected` whose reason is one of the ``fsm.def_*``
codes. :func:`check_yaml` instead reports *every* problem it finds, each with
the file, line and column of the YAML node it concerns, and the warnings of
a valid definition apart ([FSM-14]).

Nesting is refused past :data:`MAX_YAML_DEPTH` levels on the composed node
tree, before anything is constructed from it; the parser is libyaml's when
PyYAML has it (it refuses nesting past 1000 itself, in C), and without it the
pure-Python composer refuses nesting past :data:`MAX_YAML_DEPTH` as it goes,
so loading and checking stay linear in the size of the text.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml

from chipstack.errors import Reason, Rejected
from chipstack.fsm import definition as d
from chipstack.fsm.expr import DEFAULT_LIBRARY, BoolLit, Expr, Library, Type, parse, parse_type
from chipstack.fsm.validity import (
    Path,
    Problem,
    check_definition,
    definition_problems,
    definition_warnings,
    path_text,
)

__all__ = [
    "MAX_YAML_DEPTH",
    "MAX_YAML_LEN",
    "Finding",
    "Report",
    "check_definition",
    "check_yaml",
    "definition_from_yaml",
    "load_definition",
]

_K = TypeVar("_K")
_T = TypeVar("_T")
_LIST_ROLE = re.compile(r"([a-z][a-z0-9_]{0,31})\[0\.\.([0-9]{1,3})\]")
_DURATION = re.compile(r"([0-9]{1,10})(s|m|h|d)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Longest YAML text the loader accepts, in characters.
MAX_YAML_LEN = 1 << 20
#: Deepest nesting of YAML collections the loader accepts (the top mapping is level 1).
MAX_YAML_DEPTH = 32



class _NodeRejected(Rejected):
    """A rejection raised while constructing a YAML node, with the node's position."""

    def __init__(self, reason: Reason, detail: str, mark: Any) -> None:
        super().__init__(reason, detail)
        self.mark = mark


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | float | None):
            raise _NodeRejected(
                Reason.FSM_DEF_MALFORMED,
                f"mapping key of type {type(key).__name__}",
                key_node.start_mark,
            )
        if key in out:
            raise _NodeRejected(
                Reason.FSM_DEF_DUPLICATE_NAME, f"duplicate YAML key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _strict_loader(base: Any) -> Any:
    """Return a safe loader class on ``base`` with YAML 1.2 booleans and no duplicate keys.

    ``base`` is libyaml's ``CSafeLoader`` when PyYAML has it (its composer, in
    C, refuses nesting past 1000 levels itself), else the pure-Python
    ``SafeLoader``, whose composer recurses once per level: there the depth
    is counted as each collection starts and nesting past
    :data:`MAX_YAML_DEPTH` is refused at once ([FSM-14]), so that neither a
    ``RecursionError`` nor deep work comes before the refusal.
    """

    class _Strict(base):  # type: ignore[misc]
        """Safe loader with YAML 1.2 booleans, no duplicate keys, bounded nesting."""

        _depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:  # pure-Python composer only
            start = self.peek_event()
            if not isinstance(start, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                return super().compose_node(parent, index)
            if self._depth >= MAX_YAML_DEPTH:  # [FSM-14]: refused before going deeper
                raise _NodeRejected(
                    Reason.FSM_DEF_MALFORMED,
                    f"YAML nesting deeper than {MAX_YAML_DEPTH}",
                    start.start_mark,
                )
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    _Strict.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _Strict.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
    )
    _Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return _Strict


_StrictLoader: Any = _strict_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


#: Bounded ``repr`` for error details: a YAML alias chain can expand a short text
#: into a structure of billions of items, which a plain ``repr`` would print.
_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 80
_SHORT.maxother = 80


# ------------------------------------------------------------------ the YAML document


#: Line and column (both from 1) of a node, by its path in the document.
Marks = dict[Path, tuple[int, int]]


def _walk(root: yaml.Node) -> Marks:
    """Record where every node sits; refuse nesting past :data:`MAX_YAML_DEPTH`.

    Iterative, and each node (an alias shares its anchor's node) is visited
    once, so an alias chain that would expand exponentially costs its size.
    """
    marks: Marks = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Path, int]] = [(root, (), 1)]
    while stack:
        node, path, depth = stack.pop()
        marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in seen:
            continue
        seen.add(id(node))
        # [FSM-14]: nesting is refused on the node tree, before anything is constructed
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and depth > MAX_YAML_DEPTH:
            raise _NodeRejected(
                Reason.FSM_DEF_MALFORMED,
                f"YAML nesting deeper than {MAX_YAML_DEPTH}",
                node.start_mark,
            )
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((value_node, (*path, key), depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i in reversed(range(len(node.value))):
                stack.append((node.value[i], (*path, i), depth + 1))
    _check_height(root)
    return marks


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_height(root: yaml.Node) -> None:
    """Refuse a node graph whose collections nest past :data:`MAX_YAML_DEPTH` through aliases.

    :func:`_walk` sees each node once, on its first path; an alias used deeper
    down (a chain of anchors, each nesting the previous one a few levels
    deeper) or a collection used as a mapping key nests further than that
    path shows, and an alias inside its own anchor nests without end. This
    pass computes each node's height once (iteratively, so its cost is the
    graph's size) and refuses the first collection taller than the limit,
    or a cycle ([FSM-14]).
    """
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            h = 1 + max((height[id(c)] for c in _children(node)), default=0)
            if h > MAX_YAML_DEPTH:
                raise _NodeRejected(
                    Reason.FSM_DEF_MALFORMED,
                    f"YAML nesting deeper than {MAX_YAML_DEPTH} (through an alias or a key)",
                    node.start_mark,
                )
            height[key] = h
        elif key not in height:
            if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
                height[key] = 0
                continue
            if key in open_:
                raise _NodeRejected(
                    Reason.FSM_DEF_MALFORMED, "YAML alias inside its own anchor", node.start_mark
                )
            open_.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node))


def _read_yaml(text: str) -> tuple[Any, Marks]:
    """Parse and construct the YAML document; return it with its node positions."""
    if not isinstance(text, str) or len(text) > MAX_YAML_LEN:
        raise Rejected(Reason.FSM_DEF_MALFORMED, "definition text must be a string of <= 1 MiB")
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        marks = _walk(root)
        return loader.construct_document(root), marks
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise _NodeRejected(Reason.FSM_DEF_MALFORMED, f"YAML: {problem}", mark) from None
    except yaml.YAMLError as exc:
        raise Rejected(Reason.FSM_DEF_MALFORMED, f"YAML: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. "!!int abc"
        raise Rejected(Reason.FSM_DEF_MALFORMED, f"YAML value: {type(exc).__name__}") from None
    finally:
        loader.dispose()


# ------------------------------------------------------------------ the model


class _Bad(Exception):
    """One problem in the shape of the document: the item it concerns is left out."""

    def __init__(self, reason: Reason, detail: str, path: Path) -> None:
        super().__init__(detail)
        self.problem = Problem(reason, detail, path)


def _malformed(detail: str, path: Path) -> _Bad:
    return _Bad(Reason.FSM_DEF_MALFORMED, detail, path)


def _mapping(v: object, path: Path) -> Mapping[str, Any]:
    if not isinstance(v, dict) or not all(isinstance(k, str) for k in v):
        raise _malformed("expected a mapping with string keys", path)
    return v


def _keys(m: Mapping[str, Any], path: Path, required: set[str], optional: set[str]) -> None:
    missing = required - set(m)
    extra = set(m) - required - optional
    if missing or extra:
        raise _malformed(f"missing {sorted(missing)}, unknown {sorted(extra)}", path)


def _list(v: object, path: Path) -> list[Any]:
    if v is None:
        return []
    if not isinstance(v, list):
        raise _malformed("expected a list", path)
    return v


def _str(v: object, path: Path) -> str:
    if not isinstance(v, str):
        raise _malformed(f"expected a string, got {_SHORT.repr(v)}", path)
    return v


def _int(v: object, path: Path) -> int:
    if type(v) is not int:
        raise _malformed(f"expected an integer, got {_SHORT.repr(v)}", path)
    return v


def _type(v: object, path: Path) -> Type:
    try:
        return parse_type(_str(v, path))
    except Rejected as exc:
        raise _Bad(Reason.FSM_DEF_BAD_EXPRESSION, str(exc), path) from None


def _duration(v: object, path: Path) -> int:
    """Parse a duration: an integer of seconds or ``<n>s|m|h|d`` ([FSM-7])."""
    if type(v) is int:
        return v
    m = _DURATION.fullmatch(_str(v, path))
    if m is None:
        raise _malformed(f"bad duration {_SHORT.repr(v)}", path)
    return int(m.group(1)) * _UNITS[m.group(2)]


@dataclass
class _Builder:
    """Builds the model from the document, collecting every problem instead of stopping.

    An expression that does not parse is recorded and replaced by ``true``
    (its path goes to :attr:`broken`, so that nothing checks it further); any
    other shape problem leaves its item out.
    """

    problems: list[Problem] = field(default_factory=list)
    broken: set[Path] = field(default_factory=set)

    def expr(self, v: object, path: Path) -> Expr:
        if type(v) is bool:
            text = "true" if v else "false"
        elif type(v) is int:
            text = str(v)
        else:
            text = _str(v, path)
        try:
            return parse(text)
        except Rejected as exc:
            self.problems.append(Problem(Reason.FSM_DEF_BAD_EXPRESSION, str(exc), path))
            self.broken.add(path)
            return BoolLit(True)

    def each(
        self, build: Callable[[_K, Any], _T], items: Iterable[tuple[_K, Any]]
    ) -> tuple[_T, ...]:
        """Build every item, recording the problem of each one that fails."""
        out: list[_T] = []
        for key, value in items:
            try:
                out.append(build(key, value))
            except _Bad as bad:
                self.problems.append(bad.problem)
        return tuple(out)

    def role(self, i: int, v: object) -> d.Role:
        text = _str(v, ("roles", i))
        m = _LIST_ROLE.fullmatch(text)
        if m is not None:
            return d.Role(m.group(1), int(m.group(2)) + 1)
        return d.Role(text, None)

    def params(self, v: object, path: Path) -> tuple[d.Param, ...]:
        if v is None:
            return ()
        m = _mapping(v, path)
        return tuple(d.Param(_str(k, path), _type(t, (*path, k))) for k, t in m.items())

    def variable(self, name: str, v: object) -> d.Variable:
        path: Path = ("variables", name)
        m = _mapping(v, path)
        _keys(m, path, {"type"}, {"init"})
        t = _type(m["type"], (*path, "type"))
        init = m.get("init")
        if init is None:
            raise _malformed("missing init", path)
        return d.Variable(name, t, self.expr(init, (*path, "init")))

    def event(self, name: str, v: object) -> d.EventDecl:
        path: Path = ("events", name)
        m = _mapping(v if v is not None else {}, path)
        _keys(m, path, set(), {"params", "signers"})
        signers = tuple(
            _str(s, (*path, "signers", i))
            for i, s in enumerate(_list(m.get("signers"), (*path, "signers")))
        )
        return d.EventDecl(name, self.params(m.get("params"), (*path, "params")), signers)

    def effect(self, v: object, path: Path) -> d.Effect:
        m = _mapping(v, path)
        _keys(m, path, {"set", "to"}, set())
        return d.Effect(_str(m["set"], (*path, "set")), self.expr(m["to"], (*path, "to")))

    def transition(self, i: int, v: object) -> d.Transition:
        path: Path = ("transitions", i)
        m = _mapping(v, path)
        _keys(m, path, {"from", "on", "to"}, {"guard", "effects"})
        guard = self.expr(m["guard"], (*path, "guard")) if "guard" in m else None
        effects = tuple(
            self.effect(e, (*path, "effects", j))
            for j, e in enumerate(_list(m.get("effects"), (*path, "effects")))
        )
        return d.Transition(
            _str(m["from"], (*path, "from")),
            _str(m["on"], (*path, "on")),
            _str(m["to"], (*path, "to")),
            guard,
            effects,
        )

    def timeout(self, i: int, v: object) -> d.Timeout:
        path: Path = ("timeouts", i)
        m = _mapping(v, path)
        _keys(m, path, {"in", "after", "fire"}, set())
        return d.Timeout(
            _str(m["in"], (*path, "in")),
            _duration(m["after"], (*path, "after")),
            _str(m["fire"], (*path, "fire")),
        )

    def definition(self, doc: object) -> d.Definition | None:
        """Build the model in the order of the YAML keys of [FSM-14]; ``None`` if it cannot be."""
        try:
            return self._definition(doc)
        except _Bad as bad:
            self.problems.append(bad.problem)
            return None

    def _definition(self, doc: object) -> d.Definition:
        top = _mapping(doc, ())
        _keys(
            top,
            (),
            {"name", "version", "states", "initial", "events", "transitions"},
            {"roles", "params", "variables", "finals", "timeouts", "description", "library",
             "budget"},
        )
        if "description" in top:
            _str(top["description"], ("description",))
        variables = _mapping(top.get("variables") or {}, ("variables",))
        events = _mapping(top["events"], ("events",))
        name = _str(top["name"], ("name",))
        version = _int(top["version"], ("version",))
        roles = self.each(self.role, enumerate(_list(top.get("roles"), ("roles",))))
        params = self.params(top.get("params"), ("params",))
        var_items = self.each(self.variable, variables.items())
        states = tuple(
            _str(s, ("states", i)) for i, s in enumerate(_list(top["states"], ("states",)))
        )
        initial = _str(top["initial"], ("initial",))
        finals = tuple(
            _str(s, ("finals", i)) for i, s in enumerate(_list(top.get("finals"), ("finals",)))
        )
        event_items = self.each(self.event, events.items())
        transitions = self.each(
            self.transition, enumerate(_list(top["transitions"], ("transitions",)))
        )
        timeouts = self.each(self.timeout, enumerate(_list(top.get("timeouts"), ("timeouts",))))
        library = _str(top.get("library", d.DEFAULT_LIBRARY_IDENT), ("library",))
        budget = _int(top.get("budget", d.MAX_EVENT_BUDGET), ("budget",))
        return d.Definition(
            name=name,
            version=version,
            roles=roles,
            params=params,
            variables=var_items,
            states=states,
            initial=initial,
            finals=finals,
            events=event_items,
            transitions=transitions,
            timeouts=timeouts,
            library=library,
            budget=budget,
        )


# ------------------------------------------------------------------ front ends


@dataclass(frozen=True)
class Finding:
    """One error or warning about a YAML definition, where it is, in one printable format."""

    file: str
    line: int
    column: int
    severity: str
    code: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.code}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """Everything :func:`check_yaml` found: the definition when valid, errors, warnings."""

    definition: d.Definition | None
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]


def _locate(marks: Marks, path: Path) -> tuple[int, int]:
    for n in range(len(path), -1, -1):
        if path[:n] in marks:
            return marks[path[:n]]
    return (1, 1)


def _mark_position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def check_yaml(
    text: str, filename: str = "<text>", library: Library = DEFAULT_LIBRARY
) -> Report:
    """Read and check a YAML definition, reporting every problem found in one pass.

    YAML syntax errors and nesting past :data:`MAX_YAML_DEPTH` stop the
    reading (one error at their position). Otherwise every shape problem and
    every expression that does not parse is reported; when the shape is
    sound, every semantic problem of [FSM-1] follows (expressions that did not
    parse are left out of those checks). A valid definition is returned with
    its warnings. The first error is always the reason
    :func:`load_definition` refuses with.
    """

    def finding(sev: str, code: str, detail: str, pos: tuple[int, int]) -> Finding:
        return Finding(filename, pos[0], pos[1], sev, code, detail)

    try:
        doc, marks = _read_yaml(text)
    except _NodeRejected as exc:
        pos = _mark_position(exc.mark)
        return Report(None, (finding("error", exc.reason.value, exc.detail, pos),), ())
    except Rejected as exc:
        return Report(None, (finding("error", exc.reason.value, exc.detail, (1, 1)),), ())
    b = _Builder()
    defn = b.definition(doc)
    problems = list(b.problems)
    shape_ok = defn is not None and all(
        p.reason is Reason.FSM_DEF_BAD_EXPRESSION for p in problems
    )
    if defn is not None and shape_ok:
        problems += definition_problems(defn, library, frozenset(b.broken))
    errors = tuple(
        finding("error", p.reason.value, _with_path(p), _locate(marks, p.path)) for p in problems
    )
    if errors or defn is None:
        return Report(None, errors, ())
    warnings = tuple(
        finding("warning", c.code, _with_path(c), _locate(marks, c.path))
        for c in definition_warnings(defn, library)
    )
    return Report(defn, (), warnings)


def _with_path(p: Any) -> str:
    where = path_text(p.path)
    return f"{where}: {p.detail}" if where else str(p.detail)


def definition_from_yaml(text: str) -> d.Definition:
    """Parse YAML text into the typed model without the semantic checks; refuse the first
    problem of its shape ([FSM-14])."""
    doc, _ = _read_yaml(text)
    b = _Builder()
    defn = b.definition(doc)
    if b.problems:
        raise b.problems[0].rejection()
    assert defn is not None
    return defn


def load_definition(text: str, library: Library = DEFAULT_LIBRARY) -> d.Definition:
    """Load and check a YAML definition ([FSM-1]); reject it with a ``fsm.def_*`` reason."""
    defn = definition_from_yaml(text)
    check_definition(defn, library)
    return defn
