"""What ``timeline new`` is given and asks for: each value checked on its own, whether it
comes as an option or as an answer at a terminal, and its problems named by the option.

The values given as options are all checked before anything is asked (no answer is
lost to a bad option); then :class:`Asker` asks for each missing one and checks each
answer as it is given, the source's document before its quote.
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar

import attrs
import click

from timeline.errors import InvalidField, format_path
from timeline.formats.codec import FieldPath, check_value
from timeline.model.events import SCHEMA, Citation, Event
from timeline.storage.reading import SeedCache

T = TypeVar("T")

#: Fields the envelope fills in itself, and source fields offered as plain options.
AUTOMATIC = ("id", "race", "sources", "dissent", "type")
SOURCE_OPTIONS = ("document", "url", "publisher", "published", "quote")


@attrs.frozen
class Seeds:
    """What an answer about a source is checked against: the seed documents, and the
    publication date the repository's citations give each one."""

    documents: SeedCache
    published: dict[str, str]


def option_problem(path: FieldPath, message: str) -> str:
    """A problem of the event being written, named by the option that gives the field:
    ``sources[0].publisher`` is ``--publisher``, ``members[2]`` is ``--members``."""
    if path[:2] == ("sources", 0) and len(path) > 2 and path[2] in SOURCE_OPTIONS:
        path = path[2:]
    if path and isinstance(path[0], str) and path[0] not in AUTOMATIC:
        return f"--{path[0].replace('_', '-')}: {message}"
    if path[:1] == ("id",):
        return f"--id: {message}"
    return f"{format_path(path)}: {message}"


def given_problems(
    cls: type[Event], fields: list[attrs.Attribute[Any]], options: dict[str, Any], seeds: Seeds
) -> list[str]:
    """The problems of the values given as options, each on its own."""
    problems: list[str] = []
    for field in fields:
        value = options[field.name]
        if value not in (None, ()):
            problems += _value_problems(cls, field, list(value) if _is_many(field) else value)
    source = {name: options[name] for name in SOURCE_OPTIONS if options[name] is not None}
    for name in SOURCE_OPTIONS:
        if name in source:
            problems += _source_problems(name, source, seeds)
    return problems


def _value_problems(cls: type[Event], field: attrs.Attribute[Any], value: Any) -> list[str]:
    problems = check_value(cls, field.name, value)
    option = f"--{field.name.replace('_', '-')}"
    if problems and _is_many(field):
        # `--electorate "AT BE BG"`: several values in one; say how to give them
        for item in value:
            parts = item.split()
            if len(parts) > 1 and not check_value(cls, field.name, parts):
                repeated = " ".join(f"{option} {part}" for part in parts)
                count = f"{item!r} holds {len(parts)} values"
                return [f"{option}: {count}; repeat {option} for each one: {repeated}"]
    return [option_problem(path, message) for path, message in problems]


def _source_problems(name: str, source: dict[str, Any], seeds: Seeds) -> list[str]:
    """The problems of source option ``name`` given what else ``source`` holds."""
    value = source[name]
    option = f"--{name}"
    problems = [option_problem(p, m) for p, m in check_value(Citation, name, value)]
    if problems:
        return problems
    if name == "document":
        try:
            Citation(document=value, quote="-")
        except InvalidField as exc:
            return [f"{option}: {exc}"]
        if not seeds.documents.has(value):
            return [f"{option}: {value} does not exist in the repository's seeds/"]
    if name == "url":
        try:
            Citation(url=value, publisher="-", quote="-")
        except InvalidField as exc:
            return [f"{option}: {exc}"]
    document = source.get("document")
    if name == "quote" and document is not None and seeds.documents.has(document):
        for _, message in seeds.documents.check(Citation(document=document, quote=value)):
            return [f"{option}: {message}"]
    usual = seeds.published.get(document) if document is not None else None
    if name == "published" and usual is not None and value.strip() != usual:
        return [f"{option}: {value}, but the other citations of {document} date it {usual}"]
    return []


def _is_many(field: attrs.Attribute[Any]) -> bool:
    return typing.get_origin(field.type) is tuple  # types resolved in new._new_command


def _lists_members(field: attrs.Attribute[Any]) -> bool:
    """Whether the field is a list of member codes (asked for on one line), not of texts
    (asked for one per line: a condition has spaces)."""
    return bool(field.metadata.get(SCHEMA, {}).get("items") == {"$ref": "#/$defs/member"})


def _unless(problems: list[str], answer: T) -> T:
    """``answer``, unless it has problems: then they are said, and it is asked again."""
    if problems:
        raise click.BadParameter("; ".join(problems))
    return answer


class Asker:
    """Asks for what is missing, at a terminal, and checks each answer as it is given: a
    bad answer is said at once and asked again, so no earlier answer is lost."""

    def __init__(self, *, interactive: bool, seeds: Seeds) -> None:
        self._interactive = interactive
        self._seeds = seeds

    def _require_terminal(self, name: str) -> None:
        if not self._interactive:
            raise click.UsageError(f"missing --{name.replace('_', '-')}")

    def ask(self, cls: type[Event], field: attrs.Attribute[Any]) -> Any:
        """The value of ``field``, asked for (an error when no one can answer)."""
        self._require_terminal(field.name)
        if _is_many(field) and not _lists_members(field):
            return self._ask_lines(cls, field)
        many = _is_many(field)

        def check(answer: str) -> Any:
            value = answer.replace(",", " ").split() if many else answer
            return _unless(_value_problems(cls, field, value), value)

        prompt = f"{field.name}{' (separated by spaces)' if many else ''}"
        return click.prompt(prompt, value_proc=check, err=True)

    def _ask_lines(self, cls: type[Event], field: attrs.Attribute[Any]) -> list[str]:
        """A list of texts, one per answer, ended by an empty answer."""
        items: list[str] = []
        while True:
            label = f"{field.name} {len(items) + 1}" + (" (empty to end)" if items else "")

            def check(answer: str) -> str:
                if not answer.strip():  # the end of the list, which needs one item
                    return _unless([] if items else ["give at least one"], answer)
                return _unless(_value_problems(cls, field, [*items, answer]), answer)

            answer = click.prompt(label, default="", show_default=False, value_proc=check, err=True)
            if not answer.strip():
                return items
            items.append(answer)

    def ask_source(self, name: str, source: dict[str, Any]) -> str:
        """Source field ``name``, asked for and checked with the rest of ``source``."""
        self._require_terminal(name)

        def check(answer: str) -> str:
            return _unless(_source_problems(name, {**source, name: answer}, self._seeds), answer)

        return str(click.prompt(name, value_proc=check, err=True))
