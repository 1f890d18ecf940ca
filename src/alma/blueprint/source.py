"""Reading blueprint text (YAML or JSON) into plain data plus the line and column of every value.

Built on libyaml's event stream rather than ``yaml.safe_load`` so that, in one pass and without
recursion, it can: remember where each value came from (diagnostics point at line:column), refuse
alias bombs (each alias counts as the size of what it expands to), refuse deep nesting before the
recursive parts of any library see it, and report duplicate keys that YAML would silently overwrite.
A duplicate key is an error but not a stop: the first value is kept, the document is read to its end,
and validation reports every duplicate together with everything else it finds.

It is long because the event builder has to do, in one pass, what three libraries would do in three.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError
from alma.text_safety import UNSAFE_RAW, describe, first_unsafe

Path = tuple[str | int, ...]
Position = tuple[int, int]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _MergeKey:
    """A plain ``<<`` key: a merge. Quoted ``"<<"`` is an ordinary key, so the two must not compare equal."""

    def __repr__(self) -> str:
        return "<<"


_MERGE = _MergeKey()
_DUPLICATE = _MergeKey()  # a key written twice: its second value is read and dropped


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 16 * 1024 * 1024
    max_nodes: int = 2_000_000
    max_depth: int = 64


class SourceDocument:
    """Parsed data and where each part of it came from.

    Positions are found on demand: a valid blueprint never pays for them, and a blueprint with a
    problem is read a second time, by the event builder, to locate it.
    """

    __slots__ = ("_limits", "_positions", "_written", "data", "filename", "problems", "text")

    def __init__(
        self,
        data: Any,
        text: str,
        filename: str = "<blueprint>",
        limits: Limits | None = None,
        problems: list[Diagnostic] | None = None,
    ) -> None:
        self.data = data
        self.text = text
        self.filename = filename
        # Problems found while reading that did not stop it (duplicate keys): validation reports them first.
        self.problems: list[Diagnostic] = list(problems or [])
        self._limits = limits or Limits()
        self._positions: dict[Path, Position] | None = None
        # Canonical path -> the path as the user wrote it, for data rewritten from aliases (``with_data``).
        self._written: dict[Path, Path] = {}

    def with_data(self, data: Any, written: dict[Path, Path]) -> SourceDocument:
        """The same source holding ``data``, a rewrite of this document's data: ``written`` maps a path in
        ``data`` to the path it was written at, so diagnostics still point where the user wrote it."""
        other = SourceDocument(data, self.text, self.filename, self._limits, self.problems)
        other._positions = self._positions
        # Compose: a path of ``data`` -> one of this document's data -> the source.
        other._written = {**self._written, **{path: self.written_path(was) for path, was in written.items()}}
        return other

    def written_path(self, path: Path) -> Path:
        """Where ``path`` of the data was written in the source (itself, unless an alias was rewritten)."""
        if not self._written:
            return path
        for cut in range(len(path), 0, -1):
            moved = self._written.get(path[:cut])
            if moved is not None:
                return (*moved, *path[cut:])
        return path

    @property
    def positions(self) -> dict[Path, Position]:
        if self._positions is None:
            self._positions = {}
            try:
                _build(self.text, self._limits, self._positions, [])
            except (yaml.YAMLError, BlueprintInvalidError):
                # Text that only the JSON reader accepts: diagnostics go without line numbers.
                self._positions = {}
        return self._positions

    def position_of(self, path: Path) -> Position | None:
        """The position of ``path``, or of its nearest ancestor that has one."""
        positions = self.positions
        probe = self.written_path(path)
        while True:
            found = positions.get(probe)
            if found is not None or not probe:
                return found
            probe = probe[:-1]

    def read_as_text_hint(self, path: Path, value: Any) -> str:
        """When ``value`` at ``path`` was meant as text but YAML read it as something else (``no`` as false,
        ``22.10`` as 22.1, ``null``), how to write it; else "". The plain message ('got 22.1') shows a value
        the user never wrote."""
        if isinstance(value, str | dict | list):
            return ""
        written = self._written_scalar(path)
        if not written or written[0] in "\"'" or written in (str(value), json.dumps(value)):
            return ""  # quoted, or written as what it was read as (JSON's false): nothing surprising
        if isinstance(value, bool):
            read = "true" if value else "false"
        elif value is None:
            read = "nothing (null)"
        else:
            read = f"the number {value}"
        return f'; YAML reads {written} as {read}: quote it to mean the text ({path[-1]}: "{written}")'

    def _written_scalar(self, path: Path) -> str | None:
        """The scalar as written after its key (``name: no`` -> ``no``), when it is on the key's line."""
        position = self.positions.get(self.written_path(path))
        if position is None or not path or not isinstance(path[-1], str):
            return None
        lines = self.text.splitlines()
        if not 0 < position[0] <= len(lines):
            return None
        rest = lines[position[0] - 1][position[1] - 1 :]
        key, colon, after = rest.partition(":")
        if not colon or key.strip().strip("\"'") != path[-1]:
            return None
        token = re.split(r"[,}\]#]", after, maxsplit=1)[0].strip()
        return token or None

    def diagnostic(self, message: str, path: Path, severity: str = "error") -> Diagnostic:
        position = self.position_of(path)
        line, column = position if position else (None, None)
        where = render_path(self.written_path(path))
        return Diagnostic(message, where, line, column, "warning" if severity == "warning" else "error")


def render_path(path: Path) -> str:
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_position", "merges", "nodes", "path", "start")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path, anchor: str | None, start: Position) -> None:
        self.container = container
        self.start = start
        self.path = path
        self.anchor = anchor
        self.key: str | _MergeKey | None = None  # in a mapping: the key whose value comes next
        self.key_position: Position = (0, 0)
        self.merges: list[tuple[Any, Position]] = []
        self.nodes = 1


def _at(mark: Any) -> Position:
    """1-based (line, column) of a libyaml mark; events always carry one."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _fail(message: str, line: int | None = None, column: int | None = None) -> BlueprintInvalidError:
    return BlueprintInvalidError([Diagnostic(message, "", line, column)])


def parse_source(text: str | bytes, filename: str = "<blueprint>", limits: Limits | None = None) -> SourceDocument:
    """Parse YAML (JSON is YAML) into a ``SourceDocument``; raise ``BlueprintInvalidError`` on any problem."""
    limits = limits or Limits()
    try:
        size = len(text.encode() if isinstance(text, str) else text)
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. from a JSON "\udcff" escape
        raise _fail(f"{filename} is not valid UTF-8 text (character {exc.start}); save it as UTF-8") from exc
    if size > limits.max_bytes:
        raise _fail(f"{filename} is {size:,} bytes; blueprints are limited to {limits.max_bytes:,} bytes")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _fail(f"{filename} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from exc
    _refuse_hidden_controls(text)
    data = _fast_json(text, limits) if text.lstrip().startswith("{") else _NOT_JSON
    problems: list[Diagnostic] = []
    try:
        if data is _NOT_JSON:
            data = _build(text, limits, None, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        line, column = _at(mark) if mark else (None, None)
        raise _fail(f"YAML syntax error: {problem}{context}", line, column) from exc
    except yaml.YAMLError as exc:
        raise _fail(f"YAML syntax error: {exc}") from exc
    if data is None:
        raise _fail(f"{filename} is empty: a blueprint needs at least 'version', 'name' and 'resources'")
    return SourceDocument(data, text, filename, limits, problems)


_NOT_JSON: Any = object()

# A JSON "\u001b" (not "\\u001b", an escaped backslash): a control character the raw text does not show.
_JSON_CONTROL_ESCAPE = re.compile(
    r"(?<!\\)(?:\\\\)*\\(?:u(?:00[01][0-8bcdefBCDEF]|001[0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|061[cC]"
    r"|200[eEfF]|202[a-eA-E]|206[6-9])|[bfr])"
)


def _refuse_hidden_controls(text: str) -> None:
    """Refuse direction overrides written as they are, and control characters written as JSON escapes:
    values are shown to reviewers (``alma.text_safety``). YAML's reader refuses raw C0/C1 controls itself,
    and double-quoted YAML escapes are checked where the scalar is read."""
    found = UNSAFE_RAW.search(text)
    escape = _JSON_CONTROL_ESCAPE.search(text) if "\\" in text and text.lstrip().startswith("{") else None
    if found is None and escape is None:
        return
    at = min(m.start() for m in (found, escape) if m is not None)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    if found is not None and found.start() == at:
        char = found.group()
    else:
        assert escape is not None
        code = escape.group().lstrip("\\")
        char = {"b": "\b", "f": "\f", "r": "\r"}.get(code) or chr(int(code[1:], 16))
    raise _fail(_control_message(char), line, column)


def _control_message(char: str) -> str:
    return (
        f"the blueprint holds the control character {describe(char)}: terminal controls and direction "
        "overrides could hide or disguise what a reviewer reads; remove it"
    )


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN/Infinity: let the YAML reader treat them as text


def _fast_json(text: str, limits: Limits) -> Any:
    """JSON through the C scanner, checked for depth and size without recursion; anything unusual
    (syntax errors, duplicate keys) goes to the YAML builder, which says exactly where it is."""
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return _NOT_JSON
    nodes = 1
    containers: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while containers:
        value, depth = containers.pop()
        if depth > limits.max_depth:
            return _NOT_JSON  # the YAML builder refuses it with a position
        if type(value) is dict:
            nodes += 2 * len(value)  # keys count as values, as the YAML reader counts them
            children: Any = value.values()
        else:
            nodes += len(value)
            children = value
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                containers.append((child, depth + 1))
    if nodes > limits.max_nodes:
        raise _fail(f"blueprint has more than {limits.max_nodes:,} values; refused")
    return data


_PLAIN_FIRST = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k)


def _scalar(event: yaml.ScalarEvent, plain_cache: dict[str, Any]) -> Any:
    tag = event.tag
    value = event.value
    if event.style == '"' and (unsafe := first_unsafe(value, multiline=True)) is not None:
        # "\e[2A" in a double-quoted scalar: an escape made a control character the raw text did not hold
        raise _fail(_control_message(unsafe[1]), *_at(event.start_mark))
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value  # quoted: always text
        if value and value[0] not in _PLAIN_FIRST:
            return value  # no implicit type starts with this character
        if value in plain_cache:
            return plain_cache[value]
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag == _MERGE_TAG:
        return _MERGE
    if tag == _TIMESTAMP:
        resolved: Any = value  # dates stay text: blueprints are JSON-shaped
    elif tag not in _SCALAR_TAGS:
        mark = event.start_mark
        raise _fail(f"unsupported YAML tag {tag!r}; blueprints hold only plain data", *_at(mark))
    else:
        try:
            resolved = _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, value))
        except ValueError as exc:  # e.g. an integer longer than Python converts
            raise _fail(f"cannot read the value {value[:40]!r}: {exc}", *_at(event.start_mark)) from exc
    if event.tag is None and len(plain_cache) < 10_000:
        plain_cache[value] = resolved
    return resolved


def _build(text: str, limits: Limits, positions: dict[Path, Position] | None, problems: list[Diagnostic]) -> Any:
    """Build the data from libyaml's events; record positions when given a dict to fill, and problems
    that need not stop the reading (duplicate keys) in ``problems``."""
    plain_cache: dict[str, Any] = {}
    result: list[Any] = [None]
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    total = 0
    documents = 0

    def attach(value: Any, nodes: int, position: Position, anchor: str | None) -> None:
        nonlocal total
        total += nodes
        if total > limits.max_nodes:
            raise _fail(
                f"blueprint expands to more than {limits.max_nodes:,} values (a YAML alias bomb?); refused",
                position[0],
                position[1],
            )
        if anchor is not None:
            anchors[anchor] = (value, nodes)
        if not stack:
            result[0] = value
            if positions is not None:
                positions[()] = position
            return
        parent = stack[-1]
        parent.nodes += nodes
        container = parent.container
        if isinstance(container, list):
            if positions is not None:
                positions[(*parent.path, len(container))] = position
            container.append(value)
            return
        if parent.key is None:  # this value is a key
            if value is _MERGE:
                parent.key, parent.key_position = _MERGE, position
                return
            if not isinstance(value, str | int | float | bool) or value is None:
                raise _fail("mapping keys must be plain text", position[0], position[1])
            key = str(value)
            if key in container:
                problems.append(
                    Diagnostic(
                        f"duplicate key '{key}' (YAML would silently keep only the last)",
                        render_path((*parent.path, key)),
                        position[0],
                        position[1],
                    )
                )
                parent.key, parent.key_position = _DUPLICATE, position
                return
            parent.key, parent.key_position = key, position
            return
        pending, parent.key = parent.key, None
        if pending is _DUPLICATE:
            return  # the first value stays: the problem is reported, the rest of the file is still read
        if not isinstance(pending, str):  # the merge key
            parent.merges.append((value, parent.key_position))
            return
        key = pending
        if positions is not None:
            positions[(*parent.path, key)] = parent.key_position
        container[key] = value

    def child_path() -> Path:
        if not stack:
            return ()
        parent = stack[-1]
        if isinstance(parent.container, list):
            return (*parent.path, len(parent.container))
        return (*parent.path, parent.key if isinstance(parent.key, str) else "<<")

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.ScalarEvent):
            mark = event.start_mark
            parent = stack[-1] if stack else None
            if parent is not None and parent.key is None and isinstance(parent.container, dict) and event.tag is None:
                # A key stays exactly as written ("on", "1.0"), except the merge key.
                key = _MERGE if event.value == "<<" and event.implicit[0] else event.value
                attach(key, 1, _at(mark), event.anchor)
            else:
                attach(_scalar(event, plain_cache), 1, _at(mark), event.anchor)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            mark = event.start_mark
            if len(stack) >= limits.max_depth:
                raise _fail(
                    f"blueprint nests deeper than {limits.max_depth} levels; refused",
                    *_at(mark),
                )
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _fail(f"unsupported YAML tag {event.tag!r}", *_at(mark))
            container: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
            start = _at(mark)
            path = child_path()  # also without positions: a duplicate key's diagnostic names its path
            stack.append(_Frame(container, path, event.anchor, start))
            if positions is not None:
                positions.setdefault(path, start)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if isinstance(frame.container, dict):
                _apply_merges(frame)
            total -= frame.nodes - 1  # children were already counted as they arrived
            attach(frame.container, frame.nodes, frame.start, frame.anchor)
        elif isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            if event.anchor not in anchors:
                raise _fail(f"unknown alias *{event.anchor}", *_at(mark))
            value, nodes = anchors[event.anchor]
            attach(value, nodes, _at(mark), None)
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _fail("a blueprint file holds one YAML document; found a second", *_at(mark))
    return result[0]


def _apply_merges(frame: _Frame) -> None:
    """YAML merge keys (``<<: *base``): explicit keys win over merged ones."""
    container = frame.container
    assert isinstance(container, dict)
    for value, position in frame.merges:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise _fail("'<<' merges only mappings", position[0], position[1])
            for key, item in source.items():
                container.setdefault(key, item)
