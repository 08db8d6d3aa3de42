"""Plain data <-> event values, with every problem located by field path.

The cattrs converter here is the only place that knows how YAML-shaped data
(dicts, lists, text) becomes :mod:`timeline.model.events` values and back. Errors are
flattened into ``(path, message)`` pairs such as
``(("sources", 0, "quote"), "required field is missing")``; the loader turns the
path into a line and column.
"""

from __future__ import annotations

import difflib
import enum
import re
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from timeline.errors import EventDataError, InvalidField
from timeline.model.dates import Date, parse_date
from timeline.model.events import EVENT_TYPES, Correction, Event, Member, Weight
from timeline.model.members import check_member
from timeline.model.rules import Rule, named

FieldPath = tuple[str | int, ...]

#: Text up to this long (ids, member codes, names, dates) is interned.
_INTERNED = 64

# Envelope keys written first and last around the type-specific fields.
_HEAD = ("type", "id", "race", "date", "summary")
_TAIL = ("sources", "dissent", "note")


def _structure_text(value: Any, _: type) -> str:
    if isinstance(value, str):
        # ids, codes and names repeat across thousands of events: keep one copy of each
        return sys.intern(value) if len(value) <= _INTERNED else value
    if value is None:
        raise ValueError("is empty; expected text")
    kind = (
        "a list"
        if isinstance(value, list)
        else "a mapping"
        if isinstance(value, dict)
        else type(value).__name__
    )
    raise ValueError(f"expected text, found {kind}")


#: A whole number as an event file writes it: digits only (YAML's plain scalars reach the
#: codec as text; see ``yamlio``), and not so long that it stops meaning a count.
_COUNT = re.compile(r"[0-9]{1,15}")


def _structure_count(value: Any, _: type) -> int:
    """A whole number: ``12`` (``"12"`` once read from YAML); not ``12.5``, ``-1``, ``true``."""
    if type(value) is int:
        return value
    if isinstance(value, str) and _COUNT.fullmatch(value):
        return int(value)
    raise ValueError(f"expected a whole number (0, 1, 2 ...), found {value!r}")


def _structure_flag(value: Any, _: type) -> bool:
    """``true`` or ``false`` (text once read from YAML); not ``yes``, ``1`` or ``on``."""
    if type(value) is bool:
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise ValueError(f"expected true or false, found {value!r}")


def _structure_weights(value: Any, _: Any) -> tuple[Weight, ...]:
    """``{points: 8, population: 1200}``: a mapping of names to whole numbers."""
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of weight names to whole numbers (points: 8)")
    weights, errors = [], []
    for name, amount in value.items():
        try:
            weights.append(
                Weight(name=_structure_text(name, str), value=_structure_count(amount, int))
            )
        except Exception as exc:
            exc.add_note(cattrs.AttributeValidationNote(f"@ {name}", str(name), int))
            errors.append(exc)
    if errors:
        raise ClassValidationError("While structuring weights", errors, tuple)
    return tuple(weights)


def _structure_date(value: Any, _: type) -> Date:
    return parse_date(_structure_text(value, str))


def _is_tuple(cls: Any) -> bool:
    return typing.get_origin(cls) is tuple


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


def _tuple_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], tuple[Any, ...]]]:
    """Tuples come from YAML lists only: a bare ``HU`` must not become ``("H", "U")``."""

    def factory(cls: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        item_type = typing.get_args(cls)[0]
        item_hook = conv.get_structure_hook(item_type)

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise ValueError("expected a list, one '- ' item per line")
            items, errors = [], []
            for index, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as exc:
                    exc.add_note(
                        cattrs.IterableValidationNote(f"@ index {index}", index, item_type)
                    )
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
            return tuple(items)

        return structure

    return factory


def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    choices = [member.value for member in cls]

    def structure(value: Any, _: Any) -> enum.Enum:
        text = _structure_text(value, str)
        if text not in choices:
            options = ", ".join(choices)
            raise ValueError(f"{text!r} is not one of: {options}{_suggest(text, choices)}")
        return cls(text)

    return structure


def _mapping_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """attrs classes come from YAML mappings only: a bare ``- text`` source is an error."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        structure = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
        )

        def checked(value: Any, _: Any) -> Any:
            if not isinstance(value, dict):
                raise ValueError("expected a mapping of fields (key: value)")
            return structure(value, cls)

        return checked

    return factory


def _member_hook(conv: cattrs.Converter) -> Callable[[Any, Any], Member]:
    """A member is its bare identifier (``- GB``) or a mapping with its other fields."""
    as_mapping = _mapping_hook(conv)(Member)

    def structure(value: Any, _: Any) -> Member:
        if isinstance(value, str):
            return Member(id=check_member(_structure_text(value, str)))
        if not isinstance(value, dict):
            raise ValueError(
                "expected a member: its identifier (GB, M001165, a slug) or a mapping with its 'id'"
            )
        return as_mapping(value, Member)  # type: ignore[no-any-return]

    return structure


def _rule_hook(conv: cattrs.Converter) -> Callable[[Any, Any], Rule]:
    """A rule is a name (``consensus``, ``majority``, ``none``) or a mapping of its parts."""
    as_mapping = _mapping_hook(conv)(Rule)

    def structure(value: Any, _: Any) -> Rule:
        if isinstance(value, str):
            if value not in Rule.NAMES:
                names = ", ".join(Rule.NAMES)
                raise ValueError(
                    f"{value!r} is not one of: {names}{_suggest(value, Rule.NAMES)}; or write"
                    " the rule as a mapping (threshold, count, of, also, veto, eliminate)"
                )
            return attrs.evolve(named(value), name=value)
        if isinstance(value, dict) and "name" in value:
            raise ForbiddenExtraKeysError("", Rule, {"name"})
        return as_mapping(value, Rule)  # type: ignore[no-any-return]

    return structure


def _unstructure_member(member: Member) -> Any:
    if member.bare:
        return member.id
    data: dict[str, Any] = {"id": member.id}
    if member.name is not None:
        data["name"] = member.name
    if member.weights:
        data["weights"] = {weight.name: weight.value for weight in member.weights}
    if member.groups is not None:
        data["groups"] = list(member.groups)
    return data


def _make_converter(*, detailed: bool = True) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    conv.register_structure_hook(str, _structure_text)
    conv.register_structure_hook(int, _structure_count)
    conv.register_structure_hook(bool, _structure_flag)
    conv.register_structure_hook(Date, _structure_date)
    conv.register_structure_hook_factory(_is_enum, _enum_hook)
    conv.register_structure_hook_factory(_is_tuple, _tuple_hook(conv))
    conv.register_structure_hook_factory(attrs.has, _mapping_hook(conv))
    conv.register_structure_hook_func(lambda cls: cls == tuple[Weight, ...], _structure_weights)
    conv.register_structure_hook(Member, _member_hook(conv))
    conv.register_unstructure_hook(Member, _unstructure_member)
    conv.register_structure_hook(Rule, _rule_hook(conv))
    plain_rule = make_dict_unstructure_fn(Rule, conv, _cattrs_omit_if_default=True)
    conv.register_unstructure_hook(Rule, lambda rule: rule.name or plain_rule(rule))
    # exactly Event (a correction's replacement), not its subclasses: dispatch on `type:`
    conv.register_structure_hook_func(lambda cls: cls is Event, lambda v, _: structure_event(v))
    conv.register_unstructure_hook(Date, lambda date: date.text)
    conv.register_unstructure_hook_factory(
        attrs.has, lambda cls: make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
    )
    return conv


converter = _make_converter()
# Valid files are the rule: build them without collecting every error along the way
# (a third faster), and build again with `converter` only to report what is wrong.
_fast_converter = _make_converter(detailed=False)


def structure_event(data: Any) -> Event:
    """Build an event from plain data; raise :class:`EventDataError` listing every problem."""
    if not isinstance(data, dict):
        raise EventDataError([((), "an event file must be a mapping of fields (key: value)")])
    type_name = data.get("type")
    if type_name is None:
        raise EventDataError([((), f"missing required field 'type' (one of: {_type_list()})")])
    cls = EVENT_TYPES.get(type_name) if isinstance(type_name, str) else None
    if cls is None:
        raise EventDataError(
            [
                (
                    ("type",),
                    f"unknown event type {type_name!r}{_suggest(str(type_name), EVENT_TYPES)}",
                )
            ]
        )
    body = {key: value for key, value in data.items() if key != "type"}
    if cls is Correction and isinstance(body.get("replacement"), dict):
        # the replacement takes the corrected event's place: same id, same race
        implied = {"id": body.get("corrects"), "race": body.get("race")}
        body["replacement"] = {**implied, **body["replacement"]}
    try:
        event: Event = _fast_converter.structure(body, cls)
    except Exception:
        try:
            event = converter.structure(body, cls)
        except Exception as exc:
            raise EventDataError(list(_flatten(exc, ()))) from None
    return event


def check_value(cls: type, name: str, value: Any) -> list[tuple[FieldPath, str]]:
    """The problems of ``value`` as field ``name`` of ``cls``, checked on its own (its type
    and its field's validators, not what needs the other fields): ``timeline new`` checks
    each answer as it is given. Paths start with ``name``."""
    field = attrs.fields_dict(cls)[name]
    try:
        structured = converter.structure(value, typing.get_type_hints(cls)[name])
    except Exception as exc:
        return list(_flatten(exc, (name,)))
    try:
        if field.validator is not None:
            field.validator(None, field, structured)
    except InvalidField as exc:  # its field path starts with the name already
        return [(exc.field, str(exc))]
    return []


def unstructure_event(event: Event) -> dict[str, Any]:
    """Plain data for ``event``: envelope first, then its own fields, then sources."""
    raw: dict[str, Any] = converter.unstructure(event)
    raw["type"] = event.TYPE
    for key in ("sources", "dissent"):
        if key in raw:
            raw[key] = [_in_field_order(c) for c in raw[key]]
    if isinstance(event, Correction):
        replacement = unstructure_event(event.replacement)
        raw["replacement"] = {k: v for k, v in replacement.items() if k not in ("id", "race")}
    middle = [key for key in raw if key not in _HEAD and key not in _TAIL]
    return {key: raw[key] for key in (*_HEAD, *middle, *_TAIL) if key in raw}


_CITATION_ORDER = (
    "document",
    "url",
    "publisher",
    "published",
    "record",
    "retrieved",
    "quote",
    "claim",
    "field",
)


def _in_field_order(citation: dict[str, Any]) -> dict[str, Any]:
    """A source as people write it: where from, then the quote (cattrs puts defaults last)."""
    return {key: citation[key] for key in _CITATION_ORDER if key in citation}


def _flatten(exc: BaseException, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        for sub in exc.exceptions:
            sub_path = path
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, cattrs.AttributeValidationNote):
                    sub_path = (*sub_path, note.name)
                elif isinstance(note, cattrs.IterableValidationNote):
                    sub_path = (*sub_path, note.index)
            yield from _flatten(sub, sub_path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        names = {a.name for a in attrs.fields(exc.cl)}
        for key in sorted(exc.extra_fields):
            yield (*path, key), f"unknown field '{key}'{_suggest(key, names)}"
    elif isinstance(exc, KeyError):
        yield path[:-1], f"missing required field '{path[-1] if path else exc.args[0]}'"
    elif isinstance(exc, InvalidField):
        yield (*path, *exc.field), str(exc)
    elif isinstance(exc, EventDataError):  # inside a correction's replacement
        for inner, message in exc.problems:
            yield (*path, *inner), message
    elif isinstance(exc, ValueError | TypeError):
        yield path, str(exc) or type(exc).__name__
    else:
        raise exc


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _type_list() -> str:
    return ", ".join(EVENT_TYPES)
