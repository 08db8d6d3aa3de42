"""A JSON Schema (2020-12) of the event file format, derived from the attrs model.

One source of truth: the schema is computed from the classes of
``model/events.py`` (their fields, type hints, defaults and the ``json_schema``
metadata their field helpers in ``model/fields.py`` attach), never written by hand. Editors use it
to complete and check event files as they are typed; it says less than
``timeline validate`` (it cannot know the seeds, the other events or the
calendar), never more, except that its date pattern knows only the date forms
people write (see ``_DATE_PATTERN``), not the rarer corners of EDTF.

The choice of event type is keyed on ``type`` (``if``/``then`` per type, not a
``oneOf`` of all of them), so a file with an error is told about its own type's
fields, not about every other type's.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs

from timeline.model.dates import Date
from timeline.model.events import (
    EVENT_TYPES,
    SCHEMA,
    SUPERSEDING,
    Citation,
    Dissent,
    Event,
    Member,
    Weight,
)
from timeline.model.members import ISO_3166_ALPHA2
from timeline.model.rules import Rule

# The date forms people write, as ``dates.parse_date`` reads them: a year (not 0000), a
# zero-padded month or day, each with at most one EDTF qualifier (? uncertain, ~ approximate,
# % both) at its end; an EDTF season (2024-21 is spring) alone, or 21-24 as an interval's
# end; an interval A/B, ../B (on or before B) or /B. A/.. and A/ have no latest day and are
# refused. Only plain groups, no (?:...): the subset of ECMA-262 regexes JSON Schema
# recommends, which every editor's validator reads alike. tests/test_schema.py checks the
# pattern against parse_date over many examples.
_YEAR = "([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_CALENDAR = f"{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?[?~%]?"
_SEASON = f"{_YEAR}-(2[1-9]|3[0-2])[?~%]?"  # parsed by dates.py itself, qualifiers and all
_SINGLE = f"{_CALENDAR}|{_SEASON}|{_YEAR}-(3[3-9]|4[01])"
_END = f"{_CALENDAR}|{_SEASON}"
_DATE_PATTERN = f"^({_SINGLE}|(\\.\\.|{_END})?/({_END}))$"

_DEFS: dict[str, Any] = {
    "slug": {
        "type": "string",
        "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
        "description": "Lower-case letters and digits in groups joined by single hyphens.",
    },
    "text": {"type": "string", "minLength": 1, "pattern": "\\S"},
    "count": {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999},
            {"type": "string", "pattern": "^[0-9]{1,15}$"},
        ],
        "description": "A whole number, 0 or more.",
    },
    "country": {
        "type": "string",
        "enum": sorted(ISO_3166_ALPHA2),
        "description": "An ISO 3166-1 alpha-2 country code, e.g. GB (not UK).",
    },
    "member": {
        "anyOf": [
            {"$ref": "#/$defs/country"},
            {
                "type": "string",
                "pattern": "^[A-Z][A-Z0-9]{1,31}$",
                "not": {"pattern": "^[A-Z]+$"},
                "description": "An identifier such as a Bioguide id, e.g. M001165.",
            },
            {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "maxLength": 64,
                "not": {"enum": sorted(code.lower() for code in ISO_3166_ALPHA2)},
                "description": "A slug, e.g. tx-eric-johnson.",
            },
        ],
        "description": (
            "A member of the electorate: an ISO 3166-1 alpha-2 code (GB, not UK), an"
            " identifier with a digit (M001165) or a slug (tx-eric-johnson)."
        ),
    },
    "date": {
        "type": "string",
        "pattern": _DATE_PATTERN,
        "description": (
            "YYYY-MM-DD, YYYY-MM or YYYY (zero-padded), optionally ending in an EDTF"
            " qualifier ? ~ or %, or an interval: 2024-03/2024-06 (between), ../2024-04-02"
            " (on or before). An event counts from its latest possible day. The pattern"
            " cannot know the calendar: 2024-02-30, or an interval that ends before it"
            " begins, passes here and is refused by `timeline validate`. Rarer EDTF forms"
            " that `timeline validate` accepts (times, unspecified digits such as 202X,"
            " sets, a qualifier before a component) are refused here."
        ),
    },
}

# Exactly one of document or url; a url needs its publisher.
_ONE_SOURCE = {
    "oneOf": [
        {"required": ["document"], "not": {"required": ["url"]}},
        {"required": ["url", "publisher"], "not": {"required": ["document"]}},
    ]
}


def event_schema() -> dict[str, Any]:
    """The JSON Schema of one event file."""
    defs = dict(_DEFS)
    defs["citation"] = {**_object(Citation), **_ONE_SOURCE}
    defs["dissent"] = {**_object(Dissent), **_ONE_SOURCE}
    rule = _object(Rule)
    del rule["properties"]["name"]
    defs["rule"] = {
        "anyOf": [{"enum": list(Rule.NAMES)}, {**rule, "required": []}],
        "description": "A rule by name, or as a mapping of its parts (see docs/races.md).",
    }
    defs["member_record"] = {
        "anyOf": [{"$ref": "#/$defs/member"}, {**_object(Member), "required": ["id"]}],
        "description": (Member.__doc__ or "").strip().split("\n\n")[0].replace("\n", " "),
    }
    for name, cls in EVENT_TYPES.items():
        defs[name] = _object(cls, type_name=name)
    facts = [name for name, cls in EVENT_TYPES.items() if cls not in SUPERSEDING]
    defs["replacement"] = {
        "description": "The corrected event: any fact type; id and race are the corrected one's.",
        **_keyed_on_type(
            {
                name: {
                    **defs[name],
                    "required": [r for r in defs[name]["required"] if r not in ("id", "race")],
                }
                for name in facts
            }
        ),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "timeline event file",
        "description": "One reported development of a race. See docs/event-format.md.",
        **_keyed_on_type({name: {"$ref": f"#/$defs/{name}"} for name in EVENT_TYPES}),
        "$defs": defs,
    }


def _keyed_on_type(schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An object whose ``type`` (one of ``schemas``) picks the schema it must pass.

    ``if``/``then`` per type rather than a ``oneOf``: a file with an error is checked, and
    told about, its own type only; an unknown type is a single error from the enum.
    """
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(schemas)}},
        "allOf": [
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": schema,
            }
            for name, schema in schemas.items()
        ],
    }


def _object(cls: type, type_name: str | None = None) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    if type_name is not None:
        properties["type"] = {"const": type_name}
        required.append("type")
    for field in attrs.fields(cls):
        properties[field.name] = _schema_of(hints[field.name], field.metadata.get(SCHEMA, {}))
        if field.default is attrs.NOTHING:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {"description": doc, **schema} if doc else schema


def _schema_of(hint: Any, extra: dict[str, Any]) -> dict[str, Any]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return {"anyOf": [_schema_of(inner, extra), {"type": "null"}]}
    if hint == tuple[Weight, ...]:
        return {
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/slug", "not": {"const": "members"}},
            "additionalProperties": {"$ref": "#/$defs/count"},
            **extra,
        }
    if typing.get_origin(hint) is tuple:
        return {"type": "array", "items": _schema_of(args[0], {}), **extra}
    if "$ref" in extra:
        return dict(extra)
    if hint is str:
        return {"type": "string", **extra}
    if hint is bool:  # read from YAML as text, as every scalar is (see the count)
        return {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}], **extra}
    if hint is int:
        return {"$ref": "#/$defs/count", **extra}
    if hint is Member:
        return {"$ref": "#/$defs/member_record"}
    if hint is Rule:
        return {"$ref": "#/$defs/rule"}
    if hint is Date:
        return {"$ref": "#/$defs/date"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [member.value for member in hint]}
    if hint is Citation:
        return {"$ref": "#/$defs/citation"}
    if hint is Dissent:
        return {"$ref": "#/$defs/dissent"}
    if hint is Event:
        return {"$ref": "#/$defs/replacement"}
    if attrs.has(hint):  # a part of a rule
        return _object(hint)
    raise TypeError(f"no JSON Schema for {hint!r}")  # a new field type needs a rule here
