"""``alma fmt``: a blueprint file rewritten to canonical form, keeping everything else as it was written.

YAML goes through ruamel.yaml's round-trip mode, so comments, key order, quoting and flow or block style
survive; only what a ``Rewrite`` names changes (a renamed key keeps its place and its comment). The
indentation is the file's own: the settings that reproduce the unchanged file exactly are found first.
A file that needs no rewrite is returned as it is, byte for byte. JSON has no comments: it is rewritten
from its data, indented by two spaces.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from alma.blueprint.aliases import Rewrite, apply_rewrites
from alma.blueprint.source import Path
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError

# (mapping, sequence, offset): the usual ``- `` indented under its key first, then the other common ones.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4), (2, 3, 1))
_BOM = "\ufeff"


def format_text(text: str, rewrites: Sequence[Rewrite]) -> str:
    """``text`` with ``rewrites`` applied (``text`` itself when there are none). A byte-order mark and
    Windows line endings are the file's own and are written back as they were: the YAML and JSON writers
    know neither, and a rewrite of one key must not show as every line of the file changed."""
    if not rewrites:
        return text
    mark = _BOM if text.startswith(_BOM) else ""
    body = text[len(mark) :]
    crlf = body.count("\r\n")
    body = body.replace("\r\n", "\n") if crlf else body
    formatted = _formatted(body, rewrites)
    if crlf and crlf * 2 >= body.count("\n"):  # mostly CRLF: the file is a Windows file
        formatted = formatted.replace("\n", "\r\n")
    return mark + formatted


def _formatted(text: str, rewrites: Sequence[Rewrite]) -> str:
    if text.lstrip().startswith("{"):
        data, _ = apply_rewrites(json.loads(text), rewrites)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    loader, document = _round_trip(text)
    for rewrite in rewrites:
        _apply(document, rewrite)
    out = io.StringIO()
    loader.dump(document, out)
    return out.getvalue()


def _yaml(indent: tuple[int, int, int]) -> YAML:
    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    loader.width = 4096  # never re-wrap a long line
    mapping, sequence, offset = indent
    loader.indent(mapping=mapping, sequence=sequence, offset=offset)
    return loader


def _round_trip(text: str) -> tuple[YAML, Any]:
    """The loader whose indentation reproduces ``text`` unchanged (else the first), and the document."""
    first: tuple[YAML, Any] | None = None
    for indent in _INDENTS:
        loader = _yaml(indent)
        try:
            document = loader.load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
            raise BlueprintInvalidError([Diagnostic(f"YAML syntax error: {exc}", "", line, column)]) from exc
        out = io.StringIO()
        loader.dump(document, out)
        if out.getvalue() == text:
            return loader, document
        first = first or (loader, document)
    assert first is not None
    return first


def _node(document: Any, path: Path) -> Any:
    node = document
    for step in path:
        inside_map = isinstance(node, dict) and step in node
        inside_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (inside_map or inside_list):
            return None
        node = node[step]
    return node


def _owner(mapping: CommentedMap, key: str) -> CommentedMap | None:
    """The mapping that writes ``key`` itself: ``mapping``, or the anchored one it merges (``<<: *base``)
    — renaming the key where it is written keeps one spelling, not an explicit key beside a merged one.
    None when no mapping writes it any more (a merged copy of a key renamed at its source)."""
    if any(own == key for own, _ in mapping.non_merged_items()):
        return mapping
    for source in getattr(mapping, "merge", []):
        if isinstance(source, CommentedMap) and key in source:
            return _owner(source, key)
    return None


def _delete(mapping: CommentedMap, key: str) -> None:
    """``del mapping[key]``. When other mappings merge this one (``<<: *it``), ruamel.yaml 0.19 then tells
    each of them and fails doing so (a KeyError from its ``update_key_value``): by then the key is gone from
    this mapping, which is all a rewrite needs (a merging mapping is written as ``<<: *it``, its merged
    copies are never written)."""
    try:
        del mapping[key]
    except KeyError:
        if any(own == key for own, _ in mapping.non_merged_items()):
            raise


def _apply(document: Any, rewrite: Rewrite) -> None:
    parent = _node(document, rewrite.path[:-1])
    key = rewrite.path[-1]
    if not isinstance(parent, CommentedMap) or not isinstance(key, str):
        return
    if rewrite.kind in ("rename", "remove") and key in parent:
        owner = _owner(parent, key)
        if owner is None:
            return  # merged from a mapping that an earlier rewrite renamed it in already
        parent = owner
    if rewrite.kind == "rename" and key in parent:
        value = _styled(rewrite.value) if rewrite.replace else parent[key]
        position = [own for own, _ in parent.non_merged_items()].index(key)
        merge = getattr(parent, "merge", None)
        merge_at = getattr(merge, "merge_pos", None)  # where `<<:` is written among the keys
        comment = parent.ca.items.pop(key, None)
        _delete(parent, key)
        parent.insert(position, rewrite.key, value)
        if merge is not None and merge_at is not None:
            merge.merge_pos = merge_at  # insert() moves it; a rename leaves it where it was written
        if comment is not None:
            parent.ca.items[rewrite.key] = comment
    elif rewrite.kind == "set":
        parent[key] = _quoted_if_needed(parent.get(key), rewrite.value)
    elif rewrite.kind == "remove" and key in parent:
        keys = list(parent)
        comment = parent.ca.items.pop(key, None)
        _delete(parent, key)
        before = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
        if comment is not None and before is not None and before not in parent.ca.items:
            parent.ca.items[before] = comment  # the comments written after it stay, after what preceded it
    elif rewrite.kind == "extend":
        current = parent.get(key)
        if isinstance(current, list):
            current.extend(v for v in rewrite.value if v not in current)
        else:
            keys = list(parent)
            after = keys.index("specs") + 1 if "specs" in keys else len(keys)
            parent.insert(after, key, _styled(list(rewrite.value)))


def _styled(value: Any) -> Any:
    """A new list is written in flow style (``[a, b]``), as blueprints usually write short lists."""
    if isinstance(value, list):
        sequence = CommentedSeq(value)
        sequence.fa.set_flow_style()
        return sequence
    return value


def _quoted_if_needed(old: Any, new: Any) -> Any:
    """A text that plain YAML would read as something else (``1.0``, ``yes``) is written quoted."""
    if isinstance(new, str) and yaml.safe_load(f"v: {new}").get("v") != new:
        return DoubleQuotedScalarString(new)
    return new
