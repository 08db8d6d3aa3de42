"""The working copy a replay changes in place, and the loop that applies events to it.

A :class:`Replayer` is a private, mutable copy of a :class:`RaceState` (a *transient*,
as Clojure calls it; pyrsistent's *evolver*). Events are applied to it in place, and
:meth:`Replayer.state` gives back an immutable :class:`RaceState`. Nothing mutable
escapes: the functions of :mod:`timeline.engine.fold` take values and return values,
while a step costs a dictionary update instead of rebuilding tuples with
``attrs.evolve`` (about a microsecond an event instead of forty).

What each event type does is in :mod:`timeline.engine.transitions`, one rule per type
in the table :data:`~timeline.engine.transitions.TRANSITIONS`. The one exception is
plain support (an endorsement without conditions of a candidate in the race by members
of the electorate, nine events in ten): :func:`plain_endorsement` applies it without
the general rule's checks, and ``tests/test_replay_oracle.py`` holds the two to the
same results.
"""

from __future__ import annotations

from collections.abc import Iterable

from timeline.engine.transitions import TRANSITIONS, endorsement, transition_for
from timeline.engine.working import GONE, NO_BACKING, Held, WorkingCandidate, merged, not_a_member
from timeline.errors import ReplayError
from timeline.model.events import Ballot, Endorsement, Event, Member, Opening
from timeline.model.rules import Rule
from timeline.model.state import ACTIVE, Backing, Candidate, RaceState


class Replayer:
    """A private working copy of a :class:`RaceState` that events change in place.

    ``Replayer(state).run(events).state()`` is the fold; :meth:`apply` takes one
    event at a time (validation uses it to go on past an event that does not fit:
    such an event changes nothing). A replayer belongs to the one computation
    that made it; only the immutable values from :meth:`state` leave it. Its
    attributes are the working state the rules of :mod:`timeline.engine.transitions`
    change; a ``frozen_*`` attribute is the immutable value last made of a part, and a
    rule that changes the part sets it to None.

    Who backs whom is one dictionary, ``support``: member -> :class:`Held`. A member
    backs one candidate at a time, so moving support is one update, and :meth:`state`
    sorts the backings out by candidate.
    """

    __slots__ = (
        "applied",
        "appointed",
        "ballots",
        "body",
        "candidates",
        "electorate",
        "frozen_ballots",
        "frozen_electorate",
        "frozen_records",
        "incumbent",
        "incumbent_since",
        "last_event",
        "made",
        "office",
        "order",
        "race",
        "records",
        "rule",
        "size",
        "stage_start",
        "support",
        "takes_office",
        "term",
        "vacancy",
    )

    def __init__(self, state: RaceState) -> None:
        self.race = state.race
        self.office = state.office
        self.rule: Rule | None = state.rule
        self.electorate = set(state.electorate)
        self.frozen_electorate: frozenset[str] | None = state.electorate
        self.records = {record.id: record for record in state.records}
        self.frozen_records: tuple[Member, ...] | None = state.records
        self.size = state.size
        self.ballots = list(state.ballots)
        self.frozen_ballots: tuple[Ballot, ...] | None = state.ballots
        self.candidates = {c.id: WorkingCandidate.thaw(c) for c in state.candidates}
        self.support: dict[str, Held] = {}
        # member -> the last Backing value made for it, and from which entry of
        # ``support``: freezing reuses it while the entry is the same object
        self.made: dict[str, tuple[Held, Backing]] = {}
        for candidate in state.candidates:
            for backing in candidate.backers:
                held = (candidate.id, backing.conditions, backing.since)
                self.support[backing.member] = held
                self.made[backing.member] = (held, backing)
        self.order: list[str] | None = None  # the members in ``support``, sorted
        self.appointed = state.appointed
        self.takes_office = state.takes_office
        self.incumbent = state.incumbent
        self.vacancy = state.vacancy
        self.applied = state.applied
        self.last_event = state.last_event
        self.body = state.body
        self.stage_start = state.stage_start
        self.incumbent_since = state.incumbent_since
        self.term = state.term

    def state(self) -> RaceState:
        """The immutable state this copy has reached."""
        if self.frozen_electorate is None:
            self.frozen_electorate = frozenset(self.electorate)
        if self.frozen_ballots is None:
            self.frozen_ballots = tuple(self.ballots)
        if self.frozen_records is None:
            records = self.records
            self.frozen_records = tuple(records[member] for member in sorted(records))
        return RaceState(
            self.race,
            office=self.office,
            rule=self.rule,
            electorate=self.frozen_electorate,
            candidates=self._frozen_candidates(),
            appointed=self.appointed,
            takes_office=self.takes_office,
            incumbent=self.incumbent,
            vacancy=self.vacancy,
            applied=self.applied,
            last_event=self.last_event,
            records=self.frozen_records,
            size=self.size,
            ballots=self.frozen_ballots,
            body=self.body,
            stage_start=self.stage_start,
            incumbent_since=self.incumbent_since,
            term=self.term,
        )

    def _frozen_candidates(self) -> tuple[Candidate, ...]:
        support, made = self.support, self.made
        if self.order is None:
            self.order = sorted(support)
        backers: dict[str, list[Backing]] = {c: [] for c in self.candidates}
        for member in self.order:
            held = support[member]
            backer, conditions, since = held
            value = made.get(member)
            if value is None or value[0] is not held:
                value = made[member] = (held, Backing(member, conditions, since))
            backers[backer].append(value[1])
        return tuple(c.freeze(tuple(backers[c.id])) for c in self.candidates.values())

    def apply(self, event: Event) -> None:
        """Apply one event; raise :class:`ReplayError` and change nothing if it does not fit."""
        self.run((event,))

    def run(self, events: Iterable[Event]) -> Replayer:
        """Apply ``events`` in the order given; stop at the first that does not fit.

        The guard of the fast path is checked right here, without a call: plain
        support by members of the electorate of a candidate in the race, with no
        stances on it to end.
        """
        race, table, plain = self.race, TRANSITIONS, plain_endorsement
        opened = self.rule is not None
        candidates, electorate = self.candidates, self.electorate
        count, done = 0, None
        try:
            for event in events:
                if event.race != race:
                    raise ReplayError(
                        event.id, f"belongs to race {event.race!r}, not {race!r}", ("race",)
                    )
                if type(event) is Endorsement and opened:
                    candidate = candidates.get(event.candidate)
                    if (
                        candidate is None
                        or candidate.gone
                        or candidate.stances
                        or event.conditions
                        or not electorate.issuperset(event.members)
                    ):
                        endorsement(self, event)
                    else:
                        plain(self, event, candidate)
                else:
                    if not opened:
                        if not isinstance(event, Opening):
                            raise ReplayError(
                                event.id,
                                f"race {race!r} has no opening event dated before this one",
                                ("date",),
                            )
                        opened = True
                    try:
                        rule = table[type(event)]
                    except KeyError:
                        rule = transition_for(type(event))
                    rule(self, event)
                count += 1
                done = event
        finally:  # the events before one that does not fit are applied
            self.applied += count
            if done is not None:
                self.last_event = done.id
        return self

    def repeats(self, event: Endorsement) -> tuple[str, ...]:
        """When ``event`` would change nothing (every member it lists already backs its
        candidate with each of its conditions), the ids of the events those backings
        date from; else ``()``. (A member that backs a candidate has no stated
        conditions on it waiting to carry over: backing takes them in.)"""
        candidate = self.candidates.get(event.candidate)
        if candidate is None:
            return ()
        since: dict[str, None] = {}
        for member in event.members:
            held = self.support.get(member)
            if held is None:
                return ()
            backer, conditions, held_since = held
            if backer != candidate.id or any(c not in conditions for c in event.conditions):
                return ()
            since[held_since] = None
        return tuple(since)

    # --- what the rules ask of the working copy ---

    def require_member(self, event: Event, member: str, field: tuple[str | int, ...]) -> None:
        """Raise unless ``member`` is in the electorate."""
        if member not in self.electorate:
            raise ReplayError(event.id, not_a_member(member, self.race, self.electorate), field)

    def require_candidate(self, event: Event, candidate_id: str) -> WorkingCandidate:
        """The candidate ``candidate_id``; raise unless it is known and in the race."""
        candidate = self.candidates.get(candidate_id)
        if candidate is None:
            raise ReplayError(
                event.id,
                f"unknown candidate {candidate_id!r}: no candidacy or mention of it counts by"
                f" {event.date.latest} (an event counts from its latest possible day)",
                ("candidate",),
            )
        if candidate.status not in ACTIVE:
            raise ReplayError(event.id, f"{candidate_id} {GONE[candidate.status]}", ("candidate",))
        return candidate

    def back(
        self,
        member: str,
        candidate: WorkingCandidate,
        conditions: tuple[str, ...],
        event_id: str,
    ) -> None:
        """``member`` backs ``candidate``: it stops backing anyone else (one backing per
        member), conditions it stated on this candidate carry over, new ones are added."""
        if member in candidate.stances:  # support ends its opposing or abstaining
            del candidate.stances[member]
            candidate.frozen = None
        backer, kept, since = self.support.get(member) or NO_BACKING
        stated = member in candidate.stated_by
        if not backer:
            self.order = None  # a new backer
        if backer == candidate.id:
            if not conditions and not stated:
                return  # backed already, nothing new: the backing stays as it was
            event_id = since  # still backed since the same event
        else:
            kept = ()
        carried = candidate.drop_stated(member) if stated else ()
        if carried or conditions:
            kept = merged(kept, (*carried, *conditions))
        self.support[member] = (candidate.id, kept, event_id)

    def add(self, candidate: WorkingCandidate) -> None:
        """A candidate enters the race (mentioned, declared, or voted for)."""
        self.candidates[candidate.id] = candidate

    def drop_backers(self, members: Iterable[str]) -> None:
        """``members`` back nobody any more."""
        for member in members:
            if self.support.pop(member, None) is not None:
                self.order = None


def plain_endorsement(r: Replayer, event: Endorsement, candidate: WorkingCandidate) -> None:
    """Plain support: :func:`~timeline.engine.transitions.endorsement` when the
    endorsement has no conditions, its members are all in the electorate, and its
    candidate is in the race with no stances on it (the guard in :meth:`Replayer.run`).
    It must mean the same as the general rule; the oracle test holds it to it."""
    stated, support = candidate.stated_by, r.support
    backing = (candidate.id, (), event.id)  # one value for every member it adds
    for member in event.members:
        if member in stated:  # its stated conditions carry over
            r.back(member, candidate, (), event.id)
            continue
        held = support.get(member)
        if held is None:
            r.order = None  # a new backer
        elif held[0] == backing[0]:  # its candidate is this one: nothing new
            continue
        support[member] = backing
