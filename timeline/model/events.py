"""The event types: one immutable value per reported development of a race.

Every event file holds one of the classes in :data:`EVENT_TYPES`, chosen by
its ``type:`` field. The classes are the single source of truth for the file
format: the loader (``codec.py``), the docs' field tables and the tests all
derive from them. Invariants that need no context (a real member code, a
non-empty source list, a slug-shaped id) are checked here, on construction,
so an invalid event cannot exist; invariants that need the state of the race
(a member belongs to the electorate *at that date*) belong to ``fold.py``.

This module holds the fact event types and :data:`EVENT_TYPES`; the parts they are
made of live beside it, and every name is exported from here too: the fields and their
checks (``fields``), the envelope and its citations (``envelope``), members and weights
(``electorate``), ballots (``ballots``), and retractions and corrections
(``superseding``).
"""

from __future__ import annotations

import enum
import re
from typing import Any, ClassVar

import attrs

from timeline.errors import InvalidField
from timeline.model.ballots import Ballot, BallotKind, Tally, Vote
from timeline.model.dates import Date
from timeline.model.electorate import Member, Weight, as_members, member_records_field
from timeline.model.envelope import Citation, Dissent, Event
from timeline.model.fields import (
    SCHEMA,
    count_field,
    country_field,
    member_field,
    members_field,
    optional_slug_field,
    slug_field,
    text_field,
    texts_field,
)
from timeline.model.rules import Rule
from timeline.model.superseding import SUPERSEDING, Correction, Retraction

__all__ = (
    "EVENT_TYPES",
    "SCHEMA",
    "SUPERSEDING",
    "Appointment",
    "Ballot",
    "BallotKind",
    "Candidacy",
    "Citation",
    "Condition",
    "ConditionKind",
    "Context",
    "ContextKind",
    "Correction",
    "Dissent",
    "ElectorateChange",
    "Endorsement",
    "Event",
    "Member",
    "Mention",
    "Opening",
    "Position",
    "Retraction",
    "Stage",
    "Stance",
    "Tally",
    "UnnamedSupport",
    "Vote",
    "Weight",
    "Withdrawal",
    "as_members",
)


class ConditionKind(enum.Enum):
    """What a member's condition is the price of."""

    SUPPORT = "support"
    NOT_BLOCKING = "not_blocking"


@attrs.frozen(kw_only=True)
class Opening(Event):
    """The race opens: the office, who decides (the electorate) and how (the rule).

    The electorate is a list of members, or, when its members are not known one by
    one (a party's postal voters), only its ``size``.
    """

    TYPE: ClassVar[str] = "opening"

    office: str = text_field()
    electorate: tuple[Member, ...] = member_records_field(default=())
    size: int | None = count_field(default=None)
    rule: Rule
    incumbent: str | None = text_field(default=None)
    incumbent_since: Date | None = None
    vacancy: Date | None = None

    def __attrs_post_init__(self) -> None:
        if bool(self.electorate) == (self.size is not None):
            raise InvalidField(
                ("electorate",),
                "list the electorate's members, or give only its 'size' when they are not"
                " known one by one",
            )

    @property
    def member_ids(self) -> tuple[str, ...]:
        """The identifiers of the members listed."""
        return tuple(member.id for member in self.electorate)


@attrs.frozen(kw_only=True)
class ElectorateChange(Event):
    """Members join or leave the electorate (Sweden joined NATO on 2024-03-07), what is
    known of a member changes (a new weight, another group), or the size of an electorate
    known only by its size changes."""

    TYPE: ClassVar[str] = "electorate_change"

    joined: tuple[Member, ...] = member_records_field(default=())
    left: tuple[str, ...] = members_field(required=False, default=())
    changed: tuple[Member, ...] = member_records_field(default=())
    size: int | None = count_field(default=None)

    def __attrs_post_init__(self) -> None:
        if not self.joined and not self.left and not self.changed and self.size is None:
            raise InvalidField(
                ("joined",),
                "name at least one member that 'joined', 'left' or 'changed', or a new 'size'",
            )
        joined = {member.id for member in self.joined}
        both = sorted(joined & set(self.left))
        if both:
            raise InvalidField(("left",), f"{', '.join(both)} cannot both join and leave")
        moved = sorted((joined | set(self.left)) & {member.id for member in self.changed})
        if moved:
            raise InvalidField(
                ("changed",), f"{', '.join(moved)} joins or leaves: write it there, once"
            )


@attrs.frozen(kw_only=True)
class Stage(Event):
    """The race moves to another body and rule and keeps its candidates.

    A party's MPs eliminate candidates in rounds, then the party's members choose between
    the last two. The new ``electorate`` (or its ``size``) replaces the old one: backings
    and stances of members not in it end. Ballots go on being numbered in the race's
    order; the rule of the stage is applied to the stage's own ballots only.
    """

    TYPE: ClassVar[str] = "stage"

    body: str = text_field()
    electorate: tuple[Member, ...] = member_records_field(default=())
    size: int | None = count_field(default=None)
    rule: Rule

    def __attrs_post_init__(self) -> None:
        if bool(self.electorate) == (self.size is not None):
            raise InvalidField(
                ("electorate",),
                "list the new body's members, or give only its 'size' when they are not"
                " known one by one",
            )

    @property
    def member_ids(self) -> tuple[str, ...]:
        """The identifiers of the members listed."""
        return tuple(member.id for member in self.electorate)


@attrs.frozen(kw_only=True)
class Mention(Event):
    """A person is reported as a possible candidate without a formal candidacy."""

    TYPE: ClassVar[str] = "mention"

    candidate: str = slug_field()
    name: str = text_field()
    country: str | None = country_field(default=None)
    member: str | None = member_field(default=None)


@attrs.frozen(kw_only=True)
class Candidacy(Event):
    """A candidate enters the race; ``put_forward_by`` backs them from this date."""

    TYPE: ClassVar[str] = "candidacy"

    candidate: str = slug_field()
    name: str = text_field()
    country: str | None = country_field(default=None)
    put_forward_by: str | None = member_field(default=None)
    member: str | None = member_field(default=None)


@attrs.frozen(kw_only=True)
class Condition(Event):
    """A member states what its support, or its not blocking, depends on."""

    TYPE: ClassVar[str] = "condition"

    member: str = member_field()
    candidate: str = slug_field()
    kind: ConditionKind
    conditions: tuple[str, ...] = texts_field(required=True)


@attrs.frozen(kw_only=True)
class Endorsement(Event):
    """One member, or a reported group of members, backs a candidate."""

    TYPE: ClassVar[str] = "endorsement"

    members: tuple[str, ...] = members_field(required=True)
    candidate: str = slug_field()
    conditions: tuple[str, ...] = texts_field(required=False, default=())


class Position(enum.Enum):
    """A stance other than support (support is an ``endorsement``)."""

    OPPOSE = "oppose"  # against the candidate: a veto, where the member's group holds one
    ABSTAIN = "abstain"  # declares it takes no side on the candidate
    NONE = "none"  # drops its backing of (or stance on) the candidate, backing no one else


@attrs.frozen(kw_only=True)
class Stance(Event):
    """Members oppose a candidate, abstain on it, or no longer back it (``none``).

    ``none`` is "no longer endorses": the backing ends without a switch to anyone else.

    Opposing or abstaining ends a member's backing of that candidate; backing it again
    (an endorsement) ends the stance.
    """

    TYPE: ClassVar[str] = "stance"

    members: tuple[str, ...] = members_field(required=True)
    candidate: str = slug_field()
    stance: Position


_SHARE = re.compile(r"(?P<p>[0-9]{1,4})/(?P<q>[0-9]{1,4})|(?P<percent>[0-9]{1,3})%")


def _share(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is None:
        return
    found = _SHARE.fullmatch(value)
    if found is None or (found["q"] is not None and not 0 < int(found["p"]) <= int(found["q"])):
        raise InvalidField(
            (attribute.name,), f"{value!r} is not a share: write a fraction (2/3) or a percentage"
        )
    if found["percent"] is not None and not 0 < int(found["percent"]) <= 100:
        raise InvalidField((attribute.name,), f"{value!r} is not a percentage from 1 to 100")


@attrs.frozen(kw_only=True)
class UnnamedSupport(Event):
    """A report that members, not named, back a candidate: a count or a share.

    "Approximately 16 other NATO members", "two-thirds of the allies". It is kept as
    what it is: a reported count (or share) of the electorate, besides the members it
    names as counted apart. It never adds a backer, and the rule never counts it;
    ``timeline state`` shows the latest such report of each candidate.
    """

    TYPE: ClassVar[str] = "unnamed_support"

    candidate: str = slug_field()
    count: int | None = count_field(default=None)
    share: str | None = attrs.field(
        default=None,
        validator=_share,
        metadata={SCHEMA: {"type": "string", "pattern": "^([0-9]{1,4}/[0-9]{1,4}|[0-9]{1,3}%)$"}},
    )
    approximate: bool = False
    besides: tuple[str, ...] = members_field(required=False, default=())

    def __attrs_post_init__(self) -> None:
        if (self.count is None) == (self.share is None):
            raise InvalidField(
                ("count",), "give the reported 'count' of members, or their 'share' (2/3)"
            )


class ContextKind(enum.Enum):
    """What a context event records."""

    MEETING = "meeting"  # two or more parties meet
    SUMMIT = "summit"  # a summit or conference of the body
    DEADLINE = "deadline"  # a date the body aims to decide by, or must
    ASSESSMENT = "assessment"  # what observers say of the race (a possible obstacle)
    LEAVES_POST = "leaves_post"  # a candidate leaves another post
    TAKES_OFFICE = "takes_office"  # the appointed candidate takes office
    TERM = "term"  # the term of the office
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Context(Event):
    """Something around the race that is not a change of it.

    A summit, a deadline, a meeting, what observers expect, a candidate leaving another
    post. It is shown on the timeline, the site and the exports and changes no state.

    ``candidate`` and ``members`` name who it concerns, when anyone; ``about`` is the day
    it is about when that differs from the day it was reported (a summit announced for
    later).
    """

    TYPE: ClassVar[str] = "context"

    kind: ContextKind
    candidate: str | None = optional_slug_field()
    members: tuple[str, ...] = members_field(required=False, default=())
    about: Date | None = None


@attrs.frozen(kw_only=True)
class Withdrawal(Event):
    """A candidate leaves the race."""

    TYPE: ClassVar[str] = "withdrawal"

    candidate: str = slug_field()


@attrs.frozen(kw_only=True)
class Appointment(Event):
    """The electorate's decision: the candidate is appointed to the office."""

    TYPE: ClassVar[str] = "appointment"

    candidate: str = slug_field()
    takes_office: Date | None = None
    term: str | None = text_field(default=None)


#: Event types by their ``type:`` name, in tie-break order: on the same date an
#: opening replays first and an appointment last (see ``fold.replay_key``).
EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        Opening,
        Stage,
        ElectorateChange,
        Mention,
        Candidacy,
        Condition,
        Endorsement,
        Stance,
        UnnamedSupport,
        Ballot,
        Withdrawal,
        Appointment,
        Context,
        Retraction,
        Correction,
    )
}
