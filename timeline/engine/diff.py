"""What changed in a race between two days: a diff of two states, and its inverse use.

:func:`diff` compares two :class:`RaceState` values field by field; candidates
and backings are matched by id and member. :func:`apply_diff` applies a diff to
the first state and gives back the second exactly, which the tests check on
random races: the diff leaves nothing out. Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Any

import attrs

from timeline.model.events import Ballot, Member
from timeline.model.state import Backing, Candidate, RaceState, votes_of

_STATE_FIELDS = (
    "office", "rule", "appointed", "takes_office", "term", "incumbent", "incumbent_since",
    "vacancy", "size", "body", "stage_start",
)  # fmt: skip
_CANDIDATE_FIELDS = (
    "name", "status", "country", "put_forward_by", "member", "entered", "unnamed",
)  # fmt: skip


@attrs.frozen
class CandidateChange:
    """How one candidate present on both days changed."""

    id: str
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (name, before, after)
    backing_added: tuple[Backing, ...] = ()
    backing_removed: tuple[Backing, ...] = ()
    backing_changed: tuple[tuple[Backing, Backing], ...] = ()  # (before, after)
    stated_conditions: tuple[Any, Any] | None = None  # (before, after) when changed
    stances: tuple[Any, Any] | None = None  # (before, after) when changed

    def __bool__(self) -> bool:
        return bool(
            self.fields
            or self.backing_added
            or self.backing_removed
            or self.backing_changed
            or self.stated_conditions
            or self.stances
        )


@attrs.frozen
class StateDiff:
    """Everything that differs between two states of one race."""

    race: str
    fields: tuple[tuple[str, Any, Any], ...] = ()
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    # what is known of a member, where it changed: (id, before, after), None for nothing
    members: tuple[tuple[str, Member | None, Member | None], ...] = ()
    entered: tuple[Candidate, ...] = ()
    gone: tuple[Candidate, ...] = ()  # only when the later state is an earlier day's
    changed: tuple[CandidateChange, ...] = ()
    order: tuple[str, ...] = ()  # candidate ids, in the later state's order
    decided: tuple[bool, bool] | None = None
    # ballots: those held since (or, going back, undone), and who moved between the
    # latest roll call of each state: (member, vote before, vote after)
    ballots_added: tuple[Ballot, ...] = ()
    ballots_removed: tuple[Ballot, ...] = ()
    moved: tuple[tuple[str, str | None, str | None], ...] = ()
    applied: tuple[int, int] = (0, 0)
    last_event: tuple[str | None, str | None] = (None, None)


def diff(before: RaceState, after: RaceState) -> StateDiff:
    """What changed from ``before`` to ``after`` (two states of the same race)."""
    old = {c.id: c for c in before.candidates}
    new = {c.id: c for c in after.candidates}
    return StateDiff(
        race=after.race,
        fields=_field_changes(before, after, _STATE_FIELDS),
        joined=tuple(sorted(after.electorate - before.electorate)),
        left=tuple(sorted(before.electorate - after.electorate)),
        members=_record_changes(before, after),
        entered=tuple(c for c in after.candidates if c.id not in old),
        gone=tuple(c for c in before.candidates if c.id not in new),
        changed=tuple(
            change
            for c in after.candidates
            if c.id in old and (change := _candidate_change(old[c.id], c))
        ),
        order=tuple(c.id for c in after.candidates),
        decided=(before.decided, after.decided) if before.decided != after.decided else None,
        ballots_added=_new_ballots(before, after),
        ballots_removed=_new_ballots(after, before),
        moved=_moved(before, after),
        applied=(before.applied, after.applied),
        last_event=(before.last_event, after.last_event),
    )


def _record_changes(
    before: RaceState, after: RaceState
) -> tuple[tuple[str, Member | None, Member | None], ...]:
    if before.records == after.records:
        return ()
    old = {record.id: record for record in before.records}
    new = {record.id: record for record in after.records}
    return tuple(
        (member, old.get(member), new.get(member))
        for member in sorted(old.keys() | new.keys())
        if old.get(member) != new.get(member)
    )


def _new_ballots(before: RaceState, after: RaceState) -> tuple[Ballot, ...]:
    """The ballots of ``after`` past what it shares with ``before``."""
    shared = 0
    for old, new in zip(before.ballots, after.ballots, strict=False):
        if old != new:
            break
        shared += 1
    return after.ballots[shared:]


def _moved(before: RaceState, after: RaceState) -> tuple[tuple[str, str | None, str | None], ...]:
    """Members whose vote differs between the latest ballots of the two states."""
    if not after.ballots or (before.ballots and before.ballots[-1] == after.ballots[-1]):
        return ()
    old = votes_of(before.ballots[-1]) if before.ballots else {}
    new = votes_of(after.ballots[-1])
    if not old or not new:
        return ()
    return tuple(
        (member, old.get(member), new.get(member))
        for member in sorted(old.keys() | new.keys())
        if old.get(member) != new.get(member)
    )


def _field_changes(
    before: object, after: object, names: tuple[str, ...]
) -> tuple[tuple[str, Any, Any], ...]:
    return tuple(
        (name, getattr(before, name), getattr(after, name))
        for name in names
        if getattr(before, name) != getattr(after, name)
    )


def _candidate_change(before: Candidate, after: Candidate) -> CandidateChange:
    old = {b.member: b for b in before.backers}
    new = {b.member: b for b in after.backers}
    stated = (
        (before.stated_conditions, after.stated_conditions)
        if before.stated_conditions != after.stated_conditions
        else None
    )
    return CandidateChange(
        id=after.id,
        fields=_field_changes(before, after, _CANDIDATE_FIELDS),
        backing_added=tuple(b for m, b in new.items() if m not in old),
        backing_removed=tuple(b for m, b in old.items() if m not in new),
        backing_changed=tuple((old[m], b) for m, b in new.items() if m in old and old[m] != b),
        stated_conditions=stated,
        stances=(before.stances, after.stances) if before.stances != after.stances else None,
    )
