"""Ballots: the :class:`Ballot` event, the :class:`Tally` lines of its result, and the
:class:`Vote` and :class:`BallotKind` they are written with.

A ballot gives each member's vote (a roll call) or only the counts (a secret ballot);
a vote or a straw poll. What a ballot decides is the fold's (``engine/fold.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from timeline.errors import InvalidField
from timeline.model.envelope import Event
from timeline.model.fields import (
    SCHEMA,
    count_field,
    member_field,
    members_field,
    optional_slug_field,
    slugs_field,
    text_field,
)


class Vote(enum.Enum):
    """How a member voted on a ballot."""

    FOR = "for"  # for the candidate named (in a straw poll: encourage)
    AGAINST = "against"  # only in a straw poll: discourage
    ABSTAIN = "abstain"  # present, voting for no one (in a straw poll: no opinion)
    ABSENT = "absent"  # did not vote


class BallotKind(enum.Enum):
    """What a ballot asks."""

    VOTE = "vote"  # each member votes for one person, or abstains; it can decide the race
    STRAW_POLL = "straw_poll"  # each member says for, against or no opinion of each
    # candidate; it shows where the race stands and decides nothing


@attrs.frozen(kw_only=True)
class Tally:
    """One line of a ballot's result: how ``members`` (a roll call) voted, or only how
    many did (``count``: a secret ballot), optionally counted within a ``group``.

    ``candidate`` names who the votes are for (for and against); a person the race does
    not know yet (a vote for someone who is not a candidate) needs a ``name``, and
    ``member`` when that person is a member of the electorate.
    """

    candidate: str | None = optional_slug_field()
    vote: Vote = Vote.FOR
    members: tuple[str, ...] = members_field(required=False, default=())
    count: int | None = count_field(default=None)
    group: str | None = optional_slug_field()
    name: str | None = text_field(default=None)
    member: str | None = member_field(default=None)

    def __attrs_post_init__(self) -> None:
        if bool(self.members) == (self.count is not None):
            raise InvalidField(
                ("members",), "give the 'members' who voted so, or only their 'count'"
            )
        if self.group is not None and self.count is None:
            raise InvalidField(("group",), "a roll call names its members: no 'group' count")
        if self.vote in (Vote.FOR, Vote.AGAINST) and self.candidate is None:
            raise InvalidField(("candidate",), f"a vote {self.vote.value!r} names its 'candidate'")
        if (self.name is not None or self.member is not None) and self.vote is not Vote.FOR:
            raise InvalidField(("name",), "'name' and 'member' are for the person voted for")

    @property
    def size(self) -> int:
        """How many voted so: the members named, or the count."""
        return len(self.members) if self.count is None else self.count

    @property
    def key(self) -> tuple[str | None, Vote, str | None]:
        """What this line counts: (candidate, vote, group)."""
        return (self.candidate, self.vote, self.group)


def _tallies(instance: Any, attribute: attrs.Attribute[Any], value: Sequence[Tally]) -> None:
    if not value:
        raise InvalidField((attribute.name,), "must list at least one entry")
    seen: set[tuple[str | None, Vote, str | None]] = set()
    roll_call = bool(value[0].members)
    for index, tally in enumerate(value):
        if bool(tally.members) != roll_call:
            raise InvalidField(
                (attribute.name, index),
                "a ballot gives each member's vote (members) or only counts, not both",
            )
        if tally.key in seen:
            raise InvalidField((attribute.name, index), "this line repeats an earlier one")
        seen.add(tally.key)
        straw = instance.kind is BallotKind.STRAW_POLL
        if straw and tally.candidate is None:
            raise InvalidField(
                (attribute.name, index, "candidate"),
                "a straw poll counts votes on each candidate: name the 'candidate'",
            )
        if not straw and tally.vote is Vote.AGAINST:
            raise InvalidField(
                (attribute.name, index, "vote"), "only a straw poll has votes 'against'"
            )
        if not straw and tally.vote is not Vote.FOR and tally.candidate is not None:
            raise InvalidField(
                (attribute.name, index, "candidate"),
                f"a vote {tally.vote.value!r} is for no one: leave out 'candidate'",
            )


@attrs.frozen(kw_only=True)
class Ballot(Event):
    """A ballot of the electorate: each member's vote (a roll call) or only the counts (a
    secret ballot). Ballots are numbered in order within a race (or a stage); several may
    fall on one day. A ballot whose result meets the rule decides the race."""

    TYPE: ClassVar[str] = "ballot"

    number: int = count_field()
    kind: BallotKind = BallotKind.VOTE
    record: str | None = text_field(default=None)
    votes: tuple[Tally, ...] = attrs.field(validator=_tallies, metadata={SCHEMA: {"minItems": 1}})
    eliminated: tuple[str, ...] = slugs_field(default=())

    @property
    def roll_call(self) -> bool:
        """True when the ballot gives each member's vote."""
        return bool(self.votes[0].members)
