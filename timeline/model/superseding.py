"""The events that supersede an earlier event instead of stating a fact: a
:class:`Retraction` (it never happened) and a :class:`Correction` (this stands in its
place), from their own date on. Merged files are never edited; these are how they change.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from timeline.errors import InvalidField
from timeline.model.envelope import Event
from timeline.model.fields import slug_field, text_field


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """An event already merged was wrong: from this event's date on, it never happened."""

    TYPE: ClassVar[str] = "retraction"

    retracts: str = slug_field()
    reason: str = text_field()

    @property
    def target(self) -> str:
        """The id of the event superseded."""
        return self.retracts


def _replacement(instance: Any, attribute: attrs.Attribute[Any], value: Event) -> None:
    if isinstance(value, Retraction | Correction):
        raise InvalidField(
            (attribute.name, "type"), "a correction cannot replace with a correction"
        )
    if value.id != instance.corrects or value.race != instance.race:
        raise InvalidField(
            (attribute.name,), "the replacement keeps the corrected event's id and race"
        )


@attrs.frozen(kw_only=True)
class Correction(Event):
    """An event already merged was wrong: from this event's date on, ``replacement`` stands
    in its place. The replacement is a whole event of any fact type, with its own date and
    sources; it keeps the corrected event's id and race, which are not written again."""

    TYPE: ClassVar[str] = "correction"

    corrects: str = slug_field()
    reason: str = text_field()
    replacement: Event = attrs.field(validator=_replacement)

    @property
    def target(self) -> str:
        """The id of the event superseded."""
        return self.corrects


#: Event types that supersede an earlier event instead of stating a fact.
SUPERSEDING: tuple[type[Event], ...] = (Retraction, Correction)
