"""Safe YAML in and out, keeping the line and column of every value.

Event files are read with a *safe* loader (libyaml's C loader when present,
PyYAML's pure one otherwise) whose only implicit type is null: every other
plain scalar stays text, so ``NO`` (Norway) is not ``False``, ``2024-06-18`` is
not a ``datetime.date`` and ``1.0`` is not a float. On top of composition we
refuse what an event file never needs and an attacker might use: tags,
anchors and aliases (no "billion laughs"), duplicate keys, non-text keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import yaml

from timeline.errors import YamlProblem

__all__ = ("MAX_DEPTH", "Document", "YamlProblem", "dump", "load", "parse")

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BASE_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

KeyPath = tuple[str | int, ...]

_NO_ALIASES = "anchors and aliases are not allowed in event files"

#: Lists and mappings nest at most this deep. An event file needs 5 (a correction's
#: replacement, its sources, one source, its fields); deeper nesting only makes work
#: (and, some hundreds deep, Python's recursion limit).
MAX_DEPTH = 16
_TOO_DEEP = f"lists and mappings nest more than {MAX_DEPTH} levels deep; an event file needs 5"


#: The plain scalars YAML reads as null (the core schema's null regexp, as a set).
NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _EventLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]  # chosen at import time
    """A safe loader that resolves plain scalars to text or null only."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """The tag of an untagged node: null for a plain null, text for any other scalar.

        PyYAML's resolver tries a regexp per implicit type for every scalar; with
        null the only implicit type, a set look-up says the same thing ten times
        faster (tests/test_yamlio.py checks they agree). Explicit tags never come
        here: the composer keeps them, and :func:`parse` refuses them.
        """
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in NULLS else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


@attrs.frozen
class Document:
    """A parsed file: plain data plus the position of every key and item."""

    data: Any
    positions: dict[KeyPath, tuple[int, int]]

    def locate(self, path: KeyPath) -> tuple[int, int]:
        """The position of ``path``, or of its nearest located ancestor."""
        while path not in self.positions:
            path = path[:-1]
        return self.positions[path]


def parse(text: str) -> Document:
    """Parse one YAML document, locating every key and item; raise :class:`YamlProblem`
    if it is not acceptable."""
    node = _compose(text)
    positions: dict[KeyPath, tuple[int, int]] = {(): (1, 1)}
    data = _build(node, (), positions, set())
    return Document(data, positions)


def _deeper(node: yaml.Node, path: KeyPath) -> None:
    """Refuse ``node`` if it would nest past :data:`MAX_DEPTH` (``path`` is its depth)."""
    if len(path) >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
        raise YamlProblem(*_mark(node), _TOO_DEEP)


def load(text: str) -> Any:
    """The data of one YAML document, as :func:`parse` gives it, without positions.

    Loading a repository needs positions only to report a problem, which is
    rare: this builds the data alone (a third faster), and anything it would
    refuse is parsed again by :func:`parse` for the located message.
    """
    node = _compose(text)
    try:
        return _data(node, set(), 0)
    except _Refused:
        return parse(text).data  # raises the located YamlProblem


def key_position(text: str, key: str) -> tuple[int, int] | None:
    """Where the top-level ``key`` of the document is, as :func:`parse` would locate it,
    without building the rest (a report of 30,000 warnings locates 30,000 keys); None if
    the document has no such key or is not a mapping.

    With libyaml, its parser's events are read up to the key (a third faster than
    composing the document; the parser keeps its stack on the heap, so nesting costs no
    recursion); a document it refuses is composed, to say what is wrong."""
    if _CParser is not None:
        try:
            return _key_from_events(yaml.parse(text, Loader=_CParser), key)
        except yaml.YAMLError:
            pass
    node = _compose(text)
    if type(node) is not yaml.MappingNode:
        return None
    for key_node, _ in node.value:
        if type(key_node) is yaml.ScalarNode and key_node.value == key:
            return _mark(key_node)
    return None


_CParser: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _key_from_events(events: Iterator[yaml.Event], key: str) -> tuple[int, int] | None:
    """The position of the top-level ``key`` in a document's parser ``events``: the keys
    of the root mapping are its 1st, 3rd, ... nodes at depth 1."""
    depth = 0
    nodes = 0  # the nodes completed directly in the root mapping
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
            if depth == 1:
                if nodes % 2 == 0 and isinstance(event, yaml.ScalarEvent) and event.value == key:
                    mark = event.start_mark
                    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                nodes += 1
            elif depth == 0:
                return None  # the document is a scalar
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if depth == 0 and kind is not yaml.MappingStartEvent:
                return None  # the document is a list
            depth += 1
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
            if depth == 1:
                nodes += 1
            elif depth == 0:
                return None  # the root mapping ended without the key
    return None


class _Refused(Exception):
    """Something :func:`_build` refuses with a located message."""


def _data(node: yaml.Node, seen: set[int], depth: int) -> Any:
    """:func:`_build` without positions; raise :class:`_Refused` where it would refuse."""
    if id(node) in seen or (depth >= MAX_DEPTH and type(node) is not yaml.ScalarNode):
        raise _Refused  # an alias, or nested too deep
    seen.add(id(node))
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
    elif kind is yaml.MappingNode and tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                raise _Refused
            key = key_node.value
            if key in mapping:
                raise _Refused
            mapping[key] = _data(value_node, seen, depth + 1)
        return mapping
    elif kind is yaml.SequenceNode and tag == _SEQ:
        return [_data(item, seen, depth + 1) for item in node.value]
    raise _Refused


def _compose(text: str) -> yaml.Node:
    try:
        loader = _EventLoader(text)  # the pure-Python reader checks characters here
        try:
            node: yaml.Node | None = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _malformed(text, exc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "a byte"
        raise YamlProblem(line, column, f"malformed YAML: {exc.reason}: {character}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"malformed YAML: {exc}") from None
    except RecursionError:  # PyYAML's pure-Python composer recurses per level
        raise YamlProblem(1, 1, _TOO_DEEP) from None
    if node is None:
        raise YamlProblem(1, 1, "the file is empty; an event file is a mapping of fields")
    return node


def _malformed(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return YamlProblem(line, column, "malformed YAML: a tab cannot indent YAML; use spaces")
    reason = ", ".join(part for part in (exc.context, exc.problem) if part)
    return YamlProblem(line, column, f"malformed YAML: {reason or 'not YAML'}")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(
    node: yaml.Node, path: KeyPath, positions: dict[KeyPath, tuple[int, int]], seen: set[int]
) -> Any:
    seen.add(id(node))
    _deeper(node, path)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _NULL:
            return None
        if node.tag != _STR:
            raise YamlProblem(
                *_mark(node), f"YAML tags are not allowed in event files ({node.tag})"
            )
        return node.value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise YamlProblem(
                *_mark(node), f"YAML tags are not allowed in event files ({node.tag})"
            )
        items = []
        for index, item in enumerate(node.value):
            if id(item) in seen:  # an alias: the item is a node already built
                raise YamlProblem(*positions[path], _NO_ALIASES)
            positions[(*path, index)] = _mark(item)
            items.append(_build(item, (*path, index), positions, seen))
        return items
    if node.tag != _MAP:
        raise YamlProblem(*_mark(node), f"YAML tags are not allowed in event files ({node.tag})")
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            raise YamlProblem(*_mark(key_node), "keys must be plain field names")
        key = key_node.value
        if key in mapping:
            first = positions[(*path, key)][0]
            raise YamlProblem(
                *_mark(key_node), f"duplicate key '{key}' (first given on line {first})"
            )
        positions[(*path, key)] = _mark(key_node)
        if id(value_node) in seen:  # an alias: the value is a node already built
            raise YamlProblem(*_mark(key_node), _NO_ALIASES)
        mapping[key] = _build(value_node, (*path, key), positions, seen)
    return mapping


class _EventDumper(_BASE_DUMPER):  # type: ignore[valid-type,misc]  # chosen at import time
    """A safe dumper that writes dates plain (``2024-06-18``), as contributors do.

    Other text that YAML 1.1 would read as a bool, number or null (``NO``,
    ``1.0``, ``null``) is still quoted, so every YAML tool reads the file alike.
    """


_EventDumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def dump(data: dict[str, Any]) -> str:
    """Write plain data as block-style YAML that :func:`parse` reads back equal."""
    text: str = yaml.dump(data, Dumper=_EventDumper, sort_keys=False, allow_unicode=True, width=88)
    return text
