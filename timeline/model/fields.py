"""The fields of the event model: what one value must be on its own, and how a field says so.

The validators check a single value (one line of text, a slug, a member code, a count);
the field constructors (``text_field``, ``slug_field``...) are ``attrs.field`` with those
validators and the JSON Schema keywords (metadata key :data:`SCHEMA`) that
``formats/schema.py`` adds to the field's type. The event classes are built from these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from timeline.errors import InvalidField
from timeline.model.members import check_member, is_country

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _text(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """One line of text: a summary, a name, a condition. Text reaches terminals, logs and
    pages: a line break would forge a line of ``timeline log``, a control character
    (an escape sequence) would drive a terminal."""
    if value is None:
        return
    if not value.strip():
        raise InvalidField((attribute.name,), "must not be empty")
    _no_controls((attribute.name,), value, allowed="")


def _paragraph(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """Text that may run over lines (a quote, a note): line breaks and tabs allowed."""
    if value is None:
        return
    if not value.strip():
        raise InvalidField((attribute.name,), "must not be empty")
    _no_controls((attribute.name,), value, allowed="\t\n\r")


# Line breaks and control characters (C0, DEL, C1, and Unicode's line and paragraph
# separators); a paragraph may hold tabs and line breaks. Searched by regex: every text
# field of every event passes here on a cold load.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PARAGRAPH_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _no_controls(field: tuple[str | int, ...], value: str, allowed: str) -> None:
    found = (_PARAGRAPH_CONTROLS if allowed else _CONTROLS).search(value)
    if found is None:
        return
    character = found.group()
    kind = "a line break" if character in "\n\r\u2028\u2029" else "a control character"
    where = "" if allowed else "; this field is one line"
    raise InvalidField(field, f"contains {kind} ({character!r}), which is not allowed{where}")


def check_slug(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """An id: lower-case letters and digits in groups joined by single hyphens."""
    if not _SLUG.fullmatch(value):
        raise InvalidField(
            (attribute.name,),
            f"{value!r} is not a slug: use lower-case letters, digits and single hyphens,"
            " like 'mark-rutte'",
        )


def _member(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        try:
            check_member(value)
        except ValueError as exc:
            raise InvalidField((attribute.name,), str(exc)) from None


def _country(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        try:
            check_member(value)
        except ValueError as exc:
            raise InvalidField((attribute.name,), str(exc)) from None
        if not is_country(value):
            raise InvalidField(
                (attribute.name,), f"{value!r} is not an ISO 3166-1 alpha-2 country code"
            )


def _members(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, code in enumerate(value):
        try:
            check_member(code)
        except ValueError as exc:
            raise InvalidField((attribute.name, index), str(exc)) from None
        if code in seen:
            raise InvalidField((attribute.name, index), f"member {code!r} is listed twice")
        seen.add(code)


def check_nonempty(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Any]) -> None:
    """A list that must have at least one entry."""
    if not value:
        raise InvalidField((attribute.name,), "must list at least one entry")


def _texts(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str]) -> None:
    for index, text in enumerate(value):
        if not text.strip():
            raise InvalidField((attribute.name, index), "must not be empty")
        _no_controls((attribute.name, index), text, allowed="")


def _count(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidField((attribute.name,), f"{value} is negative; a count is 0 or more")


def check_slugs(_: Any, attribute: attrs.Attribute[Any], value: Sequence[str] | None) -> None:
    """Slugs (none, when ``value`` is None), each listed once."""
    seen: set[str] = set()
    for index, text in enumerate(value or ()):
        if not _SLUG.fullmatch(text):
            raise InvalidField(
                (attribute.name, index),
                f"{text!r} is not a slug: use lower-case letters, digits and single hyphens",
            )
        if text in seen:
            raise InvalidField((attribute.name, index), f"{text!r} is listed twice")
        seen.add(text)


#: Metadata key of the JSON Schema keywords a field adds to its type's (see ``schema.py``).
SCHEMA = "json_schema"
_TEXT = {"$ref": "#/$defs/text"}
_MEMBER = {"$ref": "#/$defs/member"}
_COUNTRY = {"$ref": "#/$defs/country"}
_SLUG_REF = {"$ref": "#/$defs/slug"}


def slug_field() -> Any:
    """A required slug: an id of an event, a race or a candidate."""
    return attrs.field(validator=check_slug, metadata={SCHEMA: {"$ref": "#/$defs/slug"}})


def optional_slug_field() -> Any:
    """A slug that may be left out (None)."""
    return attrs.field(
        default=None, validator=attrs.validators.optional(check_slug), metadata={SCHEMA: _SLUG_REF}
    )


def slugs_field(**kwargs: Any) -> Any:
    """A list of slugs, each listed once."""
    schema = {"items": _SLUG_REF, "uniqueItems": True}
    return attrs.field(validator=check_slugs, metadata={SCHEMA: schema}, **kwargs)


def text_field(**kwargs: Any) -> Any:
    """One line of text."""
    return attrs.field(validator=_text, metadata={SCHEMA: _TEXT}, **kwargs)


def paragraph_field(**kwargs: Any) -> Any:
    """Text that may run over lines."""
    return attrs.field(validator=_paragraph, metadata={SCHEMA: _TEXT}, **kwargs)


def member_field(**kwargs: Any) -> Any:
    """A member's identifier."""
    return attrs.field(validator=_member, metadata={SCHEMA: _MEMBER}, **kwargs)


def country_field(**kwargs: Any) -> Any:
    """An ISO 3166-1 alpha-2 country code."""
    return attrs.field(validator=_country, metadata={SCHEMA: _COUNTRY}, **kwargs)


def members_field(*, required: bool, **kwargs: Any) -> Any:
    """Members' identifiers, each listed once; at least one when ``required``."""
    validators = [check_nonempty, _members] if required else [_members]
    schema = {"items": _MEMBER, "uniqueItems": True, "minItems": 1 if required else 0}
    return attrs.field(validator=validators, metadata={SCHEMA: schema}, **kwargs)


def texts_field(*, required: bool, **kwargs: Any) -> Any:
    """Lines of text; at least one when ``required``."""
    validators = [check_nonempty, _texts] if required else [_texts]
    schema = {"items": _TEXT, "minItems": 1 if required else 0}
    return attrs.field(validator=validators, metadata={SCHEMA: schema}, **kwargs)


def count_field(**kwargs: Any) -> Any:
    """A whole number, 0 or more."""
    return attrs.field(validator=_count, metadata={SCHEMA: {"$ref": "#/$defs/count"}}, **kwargs)
