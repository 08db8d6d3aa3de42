"""What each event does to a race: one rule per event type, and the table of them.

Rule 1: everything that decides how an event changes a race lives here (and, for
ballots, in :mod:`timeline.engine.ballots`), one small function per event type,
gathered in :data:`TRANSITIONS` as a protocol state machine keeps its transitions
(h11's ``_state.py``; eventsourcing's functional aggregates). No I/O, no clock, no
globals.

Rule 3 of the replay: an event that does not fit the state (a member outside the
electorate, an endorsement of an unknown or withdrawn candidate, a second
appointment) raises :class:`~timeline.errors.ReplayError` naming the event and the
field. Each rule checks everything before it changes anything, so an event either
applies whole or not at all.

A rule takes the :class:`~timeline.engine.replayer.Replayer` (the working copy) and
the event, and changes the working copy in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from timeline.engine.ballots import ballot
from timeline.engine.working import NO_BACKING, WorkingCandidate, not_a_member
from timeline.errors import ReplayError
from timeline.model.events import (
    Appointment,
    Ballot,
    Candidacy,
    Condition,
    Context,
    Correction,
    ElectorateChange,
    Endorsement,
    Event,
    Member,
    Mention,
    Opening,
    Position,
    Retraction,
    Stage,
    Stance,
    UnnamedSupport,
    Withdrawal,
)
from timeline.model.state import StanceHeld, StatedCondition, Status, UnnamedReport

if TYPE_CHECKING:
    from timeline.engine.replayer import Replayer


def superseding(_: Replayer, __: Retraction | Correction) -> None:
    """A retraction or correction changes which events replay (see
    :func:`~timeline.engine.fold.supersede`), not the state."""


def opening(r: Replayer, event: Opening) -> None:
    """The race opens: its office, body, rule and who holds the office."""
    if r.rule is not None:
        raise ReplayError(event.id, f"race {r.race!r} is already open", ("type",))
    r.office = event.office
    _seat(r, event)
    r.incumbent = event.incumbent
    r.incumbent_since = event.incumbent_since
    r.vacancy = event.vacancy


def stage(r: Replayer, event: Stage) -> None:
    """The race moves to another body and rule; its candidates stay as they are."""
    if r.appointed is not None:
        raise ReplayError(event.id, f"the race is decided: {r.appointed} is appointed", ("type",))
    staying = set(event.member_ids)
    for member in sorted(r.electorate - staying):
        _forget(r, member)
    _seat(r, event)
    r.body = event.body
    r.stage_start = len(r.ballots)


def _seat(r: Replayer, event: Opening | Stage) -> None:
    """The body that decides from ``event`` on: its members (or size), records and rule."""
    r.rule = event.rule
    r.electorate.clear()
    r.electorate.update(event.member_ids)
    r.frozen_electorate = None
    r.records = {m.id: m for m in event.electorate if not m.bare}
    r.frozen_records = None
    r.size = event.size


def electorate_change(r: Replayer, event: ElectorateChange) -> None:
    """Members join, leave or change (their name, weights or groups); or a size-only
    electorate gets a new size."""
    _check_electorate_change(r, event)
    electorate = r.electorate
    for member in event.left:
        _forget(r, member)
    for joining in event.joined:
        electorate.add(joining.id)
        if not joining.bare:
            r.records[joining.id] = joining
            r.frozen_records = None
    for changing in event.changed:
        r.records[changing.id] = updated(r.records.get(changing.id), changing)
        r.frozen_records = None
    electorate.difference_update(event.left)
    if event.size is not None:
        r.size = event.size
    r.frozen_electorate = None


def _check_electorate_change(r: Replayer, event: ElectorateChange) -> None:
    electorate = r.electorate
    if r.size is not None and (event.joined or event.left or event.changed):
        raise ReplayError(
            event.id,
            f"the electorate of {r.race} is known only by its size: give its new 'size'",
            ("joined" if event.joined else "left" if event.left else "changed",),
        )
    if event.size is not None and r.size is None:
        raise ReplayError(
            event.id,
            f"the electorate of {r.race} lists its members: name those who join or leave",
            ("size",),
        )
    for index, joining in enumerate(event.joined):
        if joining.id in electorate:
            raise ReplayError(
                event.id, f"{joining.id} is already in the electorate", ("joined", index)
            )
    for index, member in enumerate(event.left):
        if member not in electorate:
            raise ReplayError(event.id, f"{member} is not in the electorate", ("left", index))
    for index, changing in enumerate(event.changed):
        if changing.id not in electorate:
            raise ReplayError(
                event.id, not_a_member(changing.id, r.race, electorate), ("changed", index)
            )


def _forget(r: Replayer, member: str) -> None:
    """``member`` leaves the electorate: its backing, stated conditions, stances and
    record go with it."""
    r.drop_backers((member,))
    for candidate in r.candidates.values():
        candidate.forget(member)
    if r.records.pop(member, None) is not None:
        r.frozen_records = None


def updated(record: Member | None, change: Member) -> Member:
    """``record`` (None: a bare identifier) with what ``change`` gives: its name and groups
    when given, its weights by name."""
    if record is None:
        return change
    names = {weight.name for weight in change.weights}
    return Member(
        id=record.id,
        name=change.name if change.name is not None else record.name,
        weights=(*(w for w in record.weights if w.name not in names), *change.weights),
        groups=change.groups if change.groups is not None else record.groups,
    )


def mention(r: Replayer, event: Mention) -> None:
    """A report names someone as a possible candidate."""
    if event.candidate in r.candidates:
        return  # a report that names a known candidate again changes nothing
    r.add(
        WorkingCandidate(
            event.candidate,
            event.name,
            Status.MENTIONED,
            event.country,
            None,
            event.id,
            event.member,
        )
    )


def candidacy(r: Replayer, event: Candidacy) -> None:
    """A candidate declares (or is put forward, and so backed by who put it forward)."""
    known = r.candidates.get(event.candidate)
    if known is not None and known.status in (Status.DECLARED, Status.APPOINTED):
        raise ReplayError(
            event.id,
            f"{event.candidate} is already {known.status.value} (since {known.entered})",
            ("candidate",),
        )
    if event.put_forward_by is not None:
        r.require_member(event, event.put_forward_by, ("put_forward_by",))
    if known is None:
        known = WorkingCandidate(
            event.candidate,
            event.name,
            Status.DECLARED,
            event.country,
            event.put_forward_by,
            event.id,
            event.member,
        )
        r.add(known)
    else:  # a mentioned or withdrawn candidate (re-)enters, keeping what it had
        known.name = event.name
        known.status = Status.DECLARED
        known.country = event.country or known.country
        known.put_forward_by = event.put_forward_by
        known.member = event.member or known.member
        known.frozen = None
    if event.put_forward_by is not None:
        r.back(event.put_forward_by, known, (), event.id)


def condition(r: Replayer, event: Condition) -> None:
    """A member states a condition: on its backing, or as the price of one."""
    candidate = r.require_candidate(event, event.candidate)
    r.require_member(event, event.member, ("member",))
    backer, _, _ = r.support.get(event.member) or NO_BACKING
    if backer == candidate.id:
        r.back(event.member, candidate, event.conditions, event.id)
        return
    stated = StatedCondition(event.member, event.kind, event.conditions, event.id)
    candidate.state(event.member, stated)


def endorsement(r: Replayer, event: Endorsement) -> None:
    """Members back a candidate, on conditions or none. The general rule: plain support
    is applied by :func:`~timeline.engine.replayer.plain_endorsement`, and must mean the
    same as this."""
    candidate = r.candidates.get(event.candidate)
    if candidate is None or candidate.gone:  # not ACTIVE, without hashing the status
        candidate = r.require_candidate(event, event.candidate)  # raises
    if not r.electorate.issuperset(event.members):
        for index, member in enumerate(event.members):
            r.require_member(event, member, ("members", index))  # one raises
    for member in event.members:
        r.back(member, candidate, event.conditions, event.id)


def stance(r: Replayer, event: Stance) -> None:
    """Members oppose, abstain on, or stop backing a candidate (see :class:`Stance`)."""
    candidate = r.require_candidate(event, event.candidate)
    for index, member in enumerate(event.members):  # check all before changing any
        r.require_member(event, member, ("members", index))
        backer, _, _ = r.support.get(member) or NO_BACKING
        drops = backer == candidate.id or member in candidate.stances
        if event.stance is Position.NONE and not drops:
            raise ReplayError(
                event.id,
                f"{member} neither backs {candidate.id} nor takes a stance on it:"
                " there is nothing to drop",
                ("members", index),
            )
    for member in event.members:
        backer, _, _ = r.support.get(member) or NO_BACKING
        if backer == candidate.id:
            r.drop_backers((member,))
        if event.stance is Position.NONE:
            candidate.stances.pop(member, None)
        else:
            candidate.stances[member] = StanceHeld(member, event.stance, event.id)
    candidate.frozen = None


def unnamed_support(r: Replayer, event: UnnamedSupport) -> None:
    """A reported count of backers not named: kept on the candidate, counted by no rule."""
    candidate = r.require_candidate(event, event.candidate)
    for index, member in enumerate(event.besides):
        r.require_member(event, member, ("besides", index))
    size = r.size if r.size is not None else len(r.electorate)
    if event.count is not None and event.count + len(event.besides) > size:
        raise ReplayError(
            event.id,
            f"{event.count} members besides {len(event.besides)} cannot back"
            f" {event.candidate}: the electorate has {size}",
            ("count",),
        )
    candidate.unnamed = UnnamedReport(
        event.count, event.share, event.approximate, event.besides, event.id
    )
    candidate.frozen = None


def context(r: Replayer, event: Context) -> None:
    """Context changes no state; who it names must be known, so that a typo is caught."""
    if event.candidate is not None and event.candidate not in r.candidates:
        r.require_candidate(event, event.candidate)  # raises: unknown
    for index, member in enumerate(event.members):
        r.require_member(event, member, ("members", index))


def withdrawal(r: Replayer, event: Withdrawal) -> None:
    """A candidate leaves the race; its backers keep their word until they move."""
    candidate = r.require_candidate(event, event.candidate)
    if candidate.status is Status.APPOINTED:
        raise ReplayError(event.id, f"{event.candidate} has already been appointed", ("candidate",))
    candidate.status = Status.WITHDRAWN
    candidate.frozen = None


def appointment(r: Replayer, event: Appointment) -> None:
    """The body appoints a candidate: the race is decided."""
    if r.appointed is not None:
        raise ReplayError(event.id, f"{r.appointed} was already appointed", ("candidate",))
    candidate = r.require_candidate(event, event.candidate)
    candidate.status = Status.APPOINTED
    candidate.frozen = None
    r.appointed = event.candidate
    r.takes_office = event.takes_office
    r.term = event.term


Transition = Callable[["Replayer", Any], None]

#: The rule of each event type: the replay's state machine, as data.
TRANSITIONS: dict[type[Event], Transition] = {
    Opening: opening,
    Stage: stage,
    ElectorateChange: electorate_change,
    Mention: mention,
    Candidacy: candidacy,
    Condition: condition,
    Endorsement: endorsement,
    Stance: stance,
    UnnamedSupport: unnamed_support,
    Context: context,
    Ballot: ballot,
    Withdrawal: withdrawal,
    Appointment: appointment,
    Retraction: superseding,
    Correction: superseding,
}


def transition_for(cls: type[Event]) -> Transition:
    """The rule of ``cls``'s nearest event type (a subclass replays as its base)."""
    for base in cls.__mro__:
        if base in TRANSITIONS:
            return TRANSITIONS[base]
    raise TypeError(f"no replay rule for {cls.__name__}")  # a programming error
