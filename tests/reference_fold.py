"""The replay as it was first written, kept as the oracle of the fast one.

``timeline.engine.fold`` replays through a mutable, private builder for speed. This
module is the original, obviously-correct version: every step builds a new
immutable :class:`RaceState` with ``attrs.evolve``. ``tests/test_fold.py``
checks that both give equal states and equal errors on generated races. It is
slow (tens of thousands of events a second) and lives with the tests only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs

from timeline.engine.fold import not_a_member, replay_order
from timeline.errors import ReplayError
from timeline.model.events import (
    Appointment,
    Ballot,
    BallotKind,
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
from timeline.model.state import (
    ACTIVE,
    Backing,
    Candidate,
    RaceState,
    StanceHeld,
    StatedCondition,
    Status,
    UnnamedReport,
)


def apply(state: RaceState, event: Event) -> RaceState:
    """The state after ``event``; raise :class:`ReplayError` if it does not fit."""
    if event.race != state.race:
        raise ReplayError(
            event.id, f"belongs to race {event.race!r}, not {state.race!r}", ("race",)
        )
    if not state.opened and not isinstance(event, Opening):
        raise ReplayError(
            event.id, f"race {state.race!r} has no opening event dated before this one", ("date",)
        )
    new = _apply(event, state)
    return attrs.evolve(new, applied=state.applied + 1, last_event=event.id)


def fold(state: RaceState, events: list[Event]) -> RaceState:
    """Apply ``events`` to ``state`` in replay order, one new state per event."""
    return functools.reduce(apply, replay_order(events), state)


# --- one function per event type ---------------------------------------------------------


@functools.singledispatch
def _apply(event: Event, state: RaceState) -> RaceState:
    raise TypeError(f"no replay rule for {type(event).__name__}")  # a programming error


@_apply.register
def _superseding(event: Retraction | Correction, state: RaceState) -> RaceState:
    return state  # its effect is on which events replay: see supersede()


@_apply.register
def _stage(event: Stage, state: RaceState) -> RaceState:
    """A new body and rule: members not in the new body lose what they held; the
    candidates, their statuses and the ballots stay; the new rule counts only the ballots
    held from now on."""
    if state.appointed is not None:
        raise ReplayError(
            event.id, f"the race is decided: {state.appointed} is appointed", ("type",)
        )
    staying = frozenset(event.member_ids)
    candidates = tuple(
        attrs.evolve(
            c,
            backers=tuple(b for b in c.backers if b.member in staying),
            stated_conditions=tuple(s for s in c.stated_conditions if s.member in staying),
            stances=tuple(s for s in c.stances if s.member in staying),
        )
        for c in state.candidates
    )
    return attrs.evolve(
        state,
        rule=event.rule,
        electorate=staying,
        candidates=candidates,
        records=_sorted_records(m for m in event.electorate if not m.bare),
        size=event.size,
        body=event.body,
        stage_start=len(state.ballots),
    )


@_apply.register
def _opening(event: Opening, state: RaceState) -> RaceState:
    if state.opened:
        raise ReplayError(event.id, f"race {state.race!r} is already open", ("type",))
    return attrs.evolve(
        state,
        office=event.office,
        rule=event.rule,
        electorate=frozenset(event.member_ids),
        incumbent=event.incumbent,
        incumbent_since=event.incumbent_since,
        vacancy=event.vacancy,
        records=_sorted_records(m for m in event.electorate if not m.bare),
        size=event.size,
    )


def _sorted_records(records: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(sorted(records, key=lambda m: m.id))


@_apply.register
def _electorate_change(event: ElectorateChange, state: RaceState) -> RaceState:
    if state.size is not None and (event.joined or event.left or event.changed):
        field = "joined" if event.joined else "left" if event.left else "changed"
        raise ReplayError(
            event.id,
            f"the electorate of {state.race} is known only by its size: give its new 'size'",
            (field,),
        )
    if event.size is not None and state.size is None:
        raise ReplayError(
            event.id,
            f"the electorate of {state.race} lists its members: name those who join or leave",
            ("size",),
        )
    for index, joining in enumerate(event.joined):
        if joining.id in state.electorate:
            raise ReplayError(
                event.id, f"{joining.id} is already in the electorate", ("joined", index)
            )
    for index, member in enumerate(event.left):
        if member not in state.electorate:
            raise ReplayError(event.id, f"{member} is not in the electorate", ("left", index))
    for index, changing in enumerate(event.changed):
        _require_member(state, event, changing.id, ("changed", index))
    gone = frozenset(event.left)
    candidates = tuple(
        attrs.evolve(
            c,
            backers=tuple(b for b in c.backers if b.member not in gone),
            stated_conditions=tuple(s for s in c.stated_conditions if s.member not in gone),
            stances=tuple(s for s in c.stances if s.member not in gone),
        )
        for c in state.candidates
    )
    records = {r.id: r for r in state.records if r.id not in gone}
    records.update({m.id: m for m in event.joined if not m.bare})
    for change in event.changed:  # weights by name, the rest when given
        old = records.get(change.id, Member(id=change.id))
        kept = {w.name: w for w in old.weights}
        kept.update({w.name: w for w in change.weights})
        records[change.id] = Member(
            id=change.id,
            name=change.name if change.name is not None else old.name,
            weights=tuple(sorted(kept.values(), key=lambda w: _weight_order(old, change, w.name))),
            groups=change.groups if change.groups is not None else old.groups,
        )
    electorate = (state.electorate | frozenset(m.id for m in event.joined)) - gone
    return attrs.evolve(
        state,
        electorate=electorate,
        candidates=candidates,
        records=_sorted_records(records.values()),
        size=event.size if event.size is not None else state.size,
    )


def _weight_order(old: Member, change: Member, name: str) -> tuple[int, int]:
    """Weights kept from before come first, in their order; then the new ones."""
    changed = [w.name for w in change.weights]
    kept = [w.name for w in old.weights if w.name not in changed]
    return (0, kept.index(name)) if name in kept else (1, changed.index(name))


@_apply.register
def _mention(event: Mention, state: RaceState) -> RaceState:
    if state.candidate(event.candidate) is not None:
        return state  # a report that names a known candidate again changes nothing
    candidate = Candidate(
        event.candidate,
        event.name,
        Status.MENTIONED,
        country=event.country,
        member=event.member,
        entered=event.id,
    )
    return attrs.evolve(state, candidates=(*state.candidates, candidate))


@_apply.register
def _candidacy(event: Candidacy, state: RaceState) -> RaceState:
    known = state.candidate(event.candidate)
    if known is not None and known.status in (Status.DECLARED, Status.APPOINTED):
        raise ReplayError(
            event.id,
            f"{event.candidate} is already {known.status.value} (since {known.entered})",
            ("candidate",),
        )
    if event.put_forward_by is not None:
        _require_member(state, event, event.put_forward_by, ("put_forward_by",))
    candidate = Candidate(
        event.candidate,
        event.name,
        Status.DECLARED,
        country=event.country or (known.country if known is not None else None),
        put_forward_by=event.put_forward_by,
        member=event.member or (known.member if known is not None else None),
        backers=known.backers if known is not None else (),
        stated_conditions=known.stated_conditions if known is not None else (),
        entered=known.entered if known is not None else event.id,
        stances=known.stances if known is not None else (),
        unnamed=known.unnamed if known is not None else None,  # kept, as all it had
    )
    if known is None:
        state = attrs.evolve(state, candidates=(*state.candidates, candidate))
    else:
        state = _replace(state, candidate)
    if event.put_forward_by is not None:
        state = _back(state, event.put_forward_by, event.candidate, (), event.id)
    return state


@_apply.register
def _condition(event: Condition, state: RaceState) -> RaceState:
    candidate = _require_candidate(state, event, event.candidate)
    _require_member(state, event, event.member, ("member",))
    backing = candidate.backing(event.member)
    if backing is not None:
        return _back(state, event.member, event.candidate, event.conditions, event.id)
    stated = StatedCondition(event.member, event.kind, event.conditions, event.id)
    updated = attrs.evolve(candidate, stated_conditions=(*candidate.stated_conditions, stated))
    return _replace(state, updated)


@_apply.register
def _endorsement(event: Endorsement, state: RaceState) -> RaceState:
    _require_candidate(state, event, event.candidate)
    for index, member in enumerate(event.members):
        _require_member(state, event, member, ("members", index))
    for member in event.members:
        state = _back(state, member, event.candidate, event.conditions, event.id)
    return state


@_apply.register
def _stance(event: Stance, state: RaceState) -> RaceState:
    """Opposing or abstaining ends a backing of the candidate and is held; ``none`` ends
    either, and needs one of them to end."""
    candidate = _require_candidate(state, event, event.candidate)
    for index, member in enumerate(event.members):
        _require_member(state, event, member, ("members", index))
        holds = candidate.backing(member) is not None or any(
            s.member == member for s in candidate.stances
        )
        if event.stance is Position.NONE and not holds:
            raise ReplayError(
                event.id,
                f"{member} neither backs {candidate.id} nor takes a stance on it:"
                " there is nothing to drop",
                ("members", index),
            )
    listed = set(event.members)
    kept = [s for s in candidate.stances if s.member not in listed]
    if event.stance is not Position.NONE:
        kept += [StanceHeld(m, event.stance, event.id) for m in event.members]
    updated = attrs.evolve(
        candidate,
        backers=tuple(b for b in candidate.backers if b.member not in listed),
        stances=tuple(sorted(kept, key=lambda s: s.member)),
    )
    return _replace(state, updated)


@_apply.register
def _withdrawal(event: Withdrawal, state: RaceState) -> RaceState:
    candidate = _require_candidate(state, event, event.candidate)
    if candidate.status is Status.APPOINTED:
        raise ReplayError(event.id, f"{event.candidate} has already been appointed", ("candidate",))
    updated = attrs.evolve(candidate, status=Status.WITHDRAWN)
    return _replace(state, updated)


@_apply.register
def _appointment(event: Appointment, state: RaceState) -> RaceState:
    if state.appointed is not None:
        raise ReplayError(event.id, f"{state.appointed} was already appointed", ("candidate",))
    candidate = _require_candidate(state, event, event.candidate)
    updated = attrs.evolve(candidate, status=Status.APPOINTED)
    return attrs.evolve(
        _replace(state, updated),
        appointed=event.candidate,
        takes_office=event.takes_office,
        term=event.term,
    )


@_apply.register
def _unnamed_support(event: UnnamedSupport, state: RaceState) -> RaceState:
    candidate = _require_candidate(state, event, event.candidate)
    for index, member in enumerate(event.besides):
        _require_member(state, event, member, ("besides", index))
    size = state.electorate_size
    if event.count is not None and event.count + len(event.besides) > size:
        raise ReplayError(
            event.id,
            f"{event.count} members besides {len(event.besides)} cannot back"
            f" {event.candidate}: the electorate has {size}",
            ("count",),
        )
    report = UnnamedReport(event.count, event.share, event.approximate, event.besides, event.id)
    return _replace(state, attrs.evolve(candidate, unnamed=report))


@_apply.register
def _context(event: Context, state: RaceState) -> RaceState:
    if event.candidate is not None and state.candidate(event.candidate) is None:
        _require_candidate(state, event, event.candidate)
    for index, member in enumerate(event.members):
        _require_member(state, event, member, ("members", index))
    return state


@_apply.register
def _ballot(event: Ballot, state: RaceState) -> RaceState:
    if state.appointed is not None:
        raise ReplayError(
            event.id, f"the race is decided: {state.appointed} is appointed", ("type",)
        )
    last = state.ballots[-1].number if state.ballots else 0
    if event.number <= last:
        raise ReplayError(
            event.id,
            f"ballot {event.number} replays after ballot {last}: number ballots in the order"
            " they were held",
            ("number",),
        )
    added: list[Candidate] = []
    for index, tally in enumerate(event.votes):
        if tally.candidate is None:
            continue
        known = state.candidate(tally.candidate)
        if known is not None and known.status is Status.ELIMINATED:
            raise ReplayError(
                event.id, f"{tally.candidate} was eliminated", ("votes", index, "candidate")
            )
        if known is not None or any(c.id == tally.candidate for c in added):
            continue
        if tally.name is None:
            raise ReplayError(
                event.id,
                f"unknown candidate {tally.candidate!r}: give the 'name' of a person voted"
                " for who is not in the race",
                ("votes", index, "candidate"),
            )
        if tally.member is not None:
            _require_member(state, event, tally.member, ("votes", index, "member"))
        added.append(
            Candidate(
                tally.candidate,
                tally.name,
                Status.MENTIONED,
                member=tally.member,
                entered=event.id,
            )
        )
    straw = event.kind is BallotKind.STRAW_POLL
    if event.roll_call:
        seen: list[object] = []
        for index, tally in enumerate(event.votes):
            for position, member in enumerate(tally.members):
                where = ("votes", index, "members", position)
                _require_member(state, event, member, where)
                key = (member, tally.candidate) if straw else member
                if key in seen:
                    on = f" on {tally.candidate}" if straw else ""
                    raise ReplayError(event.id, f"{member} votes twice{on} in this ballot", where)
                seen.append(key)
    else:
        _check_counts(state, event)
    for index, candidate_id in enumerate(event.eliminated):
        known = state.candidate(candidate_id)
        new = any(c.id == candidate_id for c in added)
        if not new and (known is None or known.status not in ACTIVE):
            raise ReplayError(
                event.id, f"{candidate_id} is not a candidate in the race", ("eliminated", index)
            )
    state = attrs.evolve(
        state, candidates=(*state.candidates, *added), ballots=(*state.ballots, event)
    )
    for candidate_id in event.eliminated:
        state = _eliminated(state, candidate_id)
    rule = state.rule
    if event.kind is not BallotKind.VOTE or rule is None or not rule.decides:
        return state
    counts = state.tally
    active = [c for c in state.candidates if c.status in ACTIVE]
    winners = sorted(
        (c for c in active if rule.met(c.id, counts)),
        key=lambda c: -counts.count(c.id, rule.count),
    )
    if winners:
        won = attrs.evolve(winners[0], status=Status.APPOINTED)
        return attrs.evolve(_replace(state, won), appointed=won.id)
    if rule.eliminate is None:
        return state
    scores = [(counts.count(c.id, rule.count), c.id) for c in active]
    out = [c for s, c in scores if rule.eliminate.below is not None and s < rule.eliminate.below]
    remaining = [(s, c) for s, c in scores if c not in out]
    keep = rule.eliminate.lowest_until
    if keep is not None and len(remaining) > keep:
        lowest = min(s for s, _ in remaining)
        tied = [c for s, c in remaining if s == lowest]
        if len(remaining) - len(tied) >= keep:
            out += tied
    for candidate_id in out:
        state = _eliminated(state, candidate_id)
    return state


def _check_counts(state: RaceState, event: Ballot) -> None:
    straw = event.kind is BallotKind.STRAW_POLL
    scopes = {t.candidate if straw else None for t in event.votes}
    for scope in sorted(scopes, key=str):
        total = sum(
            t.count or 0
            for t in event.votes
            if t.group is None and (t.candidate if straw else None) == scope
        )
        if total > state.electorate_size:
            on = f" on {scope}" if scope is not None else ""
            raise ReplayError(
                event.id,
                f"{total} votes counted{on}, more than the {state.electorate_size} members of"
                " the electorate",
                ("votes",),
            )
    for index, tally in enumerate(event.votes):
        if tally.group is None:
            continue
        scope = tally.candidate if straw else None
        grouped = sum(
            t.count or 0
            for t in event.votes
            if t.group == tally.group and (t.candidate if straw else None) == scope
        )
        members = len(state.group(tally.group))
        if state.size is None and grouped > members:
            raise ReplayError(
                event.id,
                f"{grouped} votes counted in group {tally.group!r}, which has {members} members",
                ("votes", index, "count"),
            )
        overall = [
            t.count
            for t in event.votes
            if t.group is None and (t.candidate, t.vote) == (tally.candidate, tally.vote)
        ]
        if overall and (tally.count or 0) > (overall[0] or 0):
            raise ReplayError(
                event.id,
                f"{tally.count} in group {tally.group!r}, more than the {overall[0]} counted"
                " in all",
                ("votes", index, "count"),
            )


def _eliminated(state: RaceState, candidate_id: str) -> RaceState:
    candidate = state.candidate(candidate_id)
    assert candidate is not None
    return _replace(state, attrs.evolve(candidate, status=Status.ELIMINATED, backers=()))


# --- helpers -------------------------------------------------------------------------------


def _require_member(
    state: RaceState, event: Event, member: str, field: tuple[str | int, ...]
) -> None:
    if member not in state.electorate:
        raise ReplayError(event.id, not_a_member(member, state.race, state.electorate), field)


def _require_candidate(state: RaceState, event: Event, candidate_id: str) -> Candidate:
    candidate = state.candidate(candidate_id)
    if candidate is None:
        raise ReplayError(
            event.id,
            f"unknown candidate {candidate_id!r}: no candidacy or mention of it counts by"
            f" {event.date.latest} (an event counts from its latest possible day)",
            ("candidate",),
        )
    if candidate.status not in ACTIVE:
        gone = "was eliminated" if candidate.status is Status.ELIMINATED else "has withdrawn"
        raise ReplayError(event.id, f"{candidate_id} {gone} from the race", ("candidate",))
    return candidate


def _replace(state: RaceState, candidate: Candidate) -> RaceState:
    candidates = tuple(candidate if c.id == candidate.id else c for c in state.candidates)
    return attrs.evolve(state, candidates=candidates)


def _back(
    state: RaceState, member: str, candidate_id: str, conditions: tuple[str, ...], event_id: str
) -> RaceState:
    """``member`` backs ``candidate_id``: it stops backing anyone else (one backing per
    member), conditions it stated on this candidate carry over, new ones are added."""
    candidates = []
    for candidate in state.candidates:
        if candidate.id != candidate_id:
            if candidate.backing(member) is not None:  # support moves to the new candidate
                backers = tuple(b for b in candidate.backers if b.member != member)
                candidate = attrs.evolve(candidate, backers=backers)
            candidates.append(candidate)
            continue
        previous = candidate.backing(member) or Backing(member, since=event_id)
        carried = [
            c for s in candidate.stated_conditions if s.member == member for c in s.conditions
        ]
        merged = tuple(dict.fromkeys((*previous.conditions, *carried, *conditions)))
        backing = Backing(member, merged, previous.since)
        others = [b for b in candidate.backers if b.member != member]
        candidates.append(
            attrs.evolve(
                candidate,
                backers=tuple(sorted((*others, backing), key=lambda b: b.member)),
                stated_conditions=tuple(
                    s for s in candidate.stated_conditions if s.member != member
                ),
                stances=tuple(s for s in candidate.stances if s.member != member),
            )
        )
    return attrs.evolve(state, candidates=tuple(candidates))
