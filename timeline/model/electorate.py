"""A member of an electorate as an event lists it: :class:`Member`, with its weights.

An opening, a stage or a change of the electorate lists members; each is its identifier
(checked by ``members.py``) and what else is known of it: a name, named weights, groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from timeline.errors import InvalidField
from timeline.model.fields import (
    SCHEMA,
    count_field,
    member_field,
    slug_field,
    slugs_field,
    text_field,
)


@attrs.frozen(kw_only=True)
class Weight:
    """One named weight of a member (endorsement points, population, votes held): a whole
    number. Written as ``name: value`` in a member's ``weights`` mapping."""

    name: str = slug_field()
    value: int = count_field()


def _weights(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Weight]) -> None:
    names = [weight.name for weight in value]
    for index, name in enumerate(names):
        if name == "members":
            raise InvalidField(
                (attribute.name, name), "'members' counts members; name a weight otherwise"
            )
        if name in names[:index]:
            raise InvalidField((attribute.name, name), f"weight {name!r} is given twice")


@attrs.frozen(kw_only=True)
class Member:
    """A member of an electorate: its identifier, and what else is known of it.

    Written as the bare identifier (``- GB``) when there is nothing else, or as a
    mapping (``- {id: M001165, name: McCarthy, groups: [republican]}``). ``weights``
    are named whole numbers (``{points: 8}``); ``groups`` are slugs
    (``[permanent]``). In an ``electorate_change``'s ``changed`` list, a field left
    out stays as it was, and the weights given replace those of the same name.
    """

    id: str = member_field()
    name: str | None = text_field(default=None)
    weights: tuple[Weight, ...] = attrs.field(
        default=(),
        validator=_weights,
        metadata={SCHEMA: {"description": "Named whole numbers, e.g. points: 8."}},
    )
    groups: tuple[str, ...] | None = slugs_field(default=None)

    @property
    def bare(self) -> bool:
        """True when nothing is known of the member but its identifier."""
        return self.name is None and not self.weights and self.groups is None

    def weight(self, name: str) -> int:
        """The weight called ``name`` (0 when the member has none of that name)."""
        return next((w.value for w in self.weights if w.name == name), 0)


def _member_records(_: Any, attribute: attrs.Attribute[Any], value: Sequence[Member]) -> None:
    seen: set[str] = set()
    for index, member in enumerate(value):
        if member.id in seen:
            raise InvalidField((attribute.name, index), f"member {member.id!r} is listed twice")
        seen.add(member.id)


def as_members(value: Iterable[Member | str]) -> tuple[Member, ...]:
    """Members, each given as a :class:`Member` or as its bare identifier."""
    return tuple(Member(id=m) if isinstance(m, str) else m for m in value)


def member_records_field(**kwargs: Any) -> Any:
    """A list of members (records or bare identifiers), each listed once."""
    return attrs.field(
        converter=as_members, validator=_member_records, metadata={SCHEMA: {}}, **kwargs
    )
