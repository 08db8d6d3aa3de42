"""The replay: events in, a new immutable :class:`RaceState` out.

Rule 1: everything that decides how an event changes a race lives here, one
small function per event type (h11's ``_state.py``, eventsourcing's
functional aggregates). No I/O, no clock, no globals.

Rule 2: events replay in one deterministic total order, :func:`replay_key`:

1. the event's latest possible day (``date.latest``): an event counts at day D
   exactly when its latest possible day is D or earlier, so "the events that
   count at D" are always a prefix of the order;
2. the event type, in the order of :data:`timeline.model.events.EVENT_TYPES`
   (opening, electorate_change, mention, candidacy, condition, endorsement,
   withdrawal, appointment): on one day a race opens before anyone enters it,
   and an appointment comes after the support that made it;
3. the earliest possible day (vaguer reports first, an open start first of all);
4. the event id, which is unique in a repository.

The order never depends on the order in which files were listed.

Rule 3: an event that does not fit the state (a member outside the electorate,
an endorsement of an unknown or withdrawn candidate, a second appointment)
raises :class:`~timeline.errors.ReplayError` naming the event and the field.
Each rule checks everything before it changes anything, so an event either
applies whole or not at all.

How it is fast: a :class:`Replayer` is a private, mutable working copy of a
state (a *transient*, as Clojure calls it; pyrsistent's *evolver*). Events are
applied to it in place, and :meth:`Replayer.state` gives back an immutable
:class:`RaceState`. Nothing mutable escapes: :func:`fold`, :func:`replay` and
:func:`apply` take values and return values, so the core stays pure, while a
step costs a dictionary update instead of rebuilding tuples with
``attrs.evolve`` (about a microsecond an event instead of forty).
``tests/reference_fold.py`` keeps the evolve-per-step version as the oracle;
property tests check both give equal states and equal errors.
"""

from __future__ import annotations

import datetime
import difflib
import typing
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from timeline.errors import ReplayError, UnknownRaceError
from timeline.model.events import (
    EVENT_TYPES,
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
    Tally,
    UnnamedSupport,
    Vote,
    Withdrawal,
)
from timeline.model.rules import Rule
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

_RANK: dict[type[Event], int] = {cls: rank for rank, cls in enumerate(EVENT_TYPES.values())}


def replay_key(event: Event) -> tuple[datetime.date, int, datetime.date, str]:
    """The sort key of the replay order (see the module docstring)."""
    earliest = event.date.earliest or datetime.date.min
    return (event.date.latest, _RANK[type(event)], earliest, event.id)


E = typing.TypeVar("E", bound=Event)


def replay_order(events: Iterable[E]) -> list[E]:
    """``events`` sorted into replay order."""
    return sorted(events, key=replay_key)


def races(events: Iterable[Event]) -> tuple[str, ...]:
    """The race ids that occur in ``events``, sorted."""
    return tuple(sorted({event.race for event in events}))


def choose_race(events: Sequence[Event], race: str | None) -> str:
    """``race`` if events of it exist; the only race when ``race`` is None."""
    return pick_race(races(events), race)


def pick_race(known: Sequence[str], race: str | None) -> str:
    """``race`` if it is one of the ``known`` race ids; the only one when ``race`` is None."""
    if race is not None:
        if race not in known:
            raise UnknownRaceError(f"no race {race!r}; known: {', '.join(known) or 'none'}")
        return race
    if len(known) != 1:
        listed = ", ".join(known) or "none"
        raise UnknownRaceError(f"choose a race with --race; this repository has: {listed}")
    return known[0]


def fold(state: RaceState, events: Iterable[Event]) -> RaceState:
    """Apply ``events`` to ``state`` in replay order."""
    return Replayer(state).run(replay_order(events)).state()


def replay(state: RaceState, ordered: Iterable[Event]) -> RaceState:
    """Apply ``ordered`` to ``state`` as given: the caller has put them in replay order
    (as :func:`told_at` and the checkpoint index do), so nothing sorts them again."""
    return Replayer(state).run(ordered).state()


def apply(state: RaceState, event: Event) -> RaceState:
    """The state after ``event``; raise :class:`ReplayError` if it does not fit.

    One step costs about the size of the state, to copy it in and out; replaying
    many events goes through :func:`fold` or :func:`replay` instead.
    """
    return Replayer(state).run((event,)).state()


def supersede(events: Iterable[Event], by: Iterable[Event]) -> list[Event]:
    """``events`` with the ones retracted by ``by`` left out and the ones corrected
    replaced by their replacement. Retractions and corrections themselves are dropped.

    A correction whose target is not among ``events`` (as reported on a day, the
    correction was out before the report it corrects) still brings its replacement: what
    it reports is known from its own sources.
    """
    events = list(events)
    retracted: set[str] = set()
    replaced: dict[str, Event] = {}
    for event in by:
        if isinstance(event, Retraction):
            retracted.add(event.retracts)
        elif isinstance(event, Correction):
            replaced[event.corrects] = event.replacement
    told = [
        replaced.pop(e.id, e)
        for e in events
        if e.id not in retracted and not isinstance(e, Retraction | Correction)
    ]
    told.extend(e for target, e in replaced.items() if target not in retracted)
    return told


def reported_by(events: Iterable[Event], known_on: datetime.date) -> list[Event]:
    """The events a source had certainly reported by ``known_on`` (see ``Event.reported``)."""
    return [e for e in events if e.reported is not None and e.reported <= known_on]


def told_at(
    events: Sequence[Event],
    at: datetime.date,
    race: str,
    known_on: datetime.date | None = None,
) -> list[Event]:
    """The events of ``race`` that count at ``at``, as the race is told on that day.

    With ``known_on``, only events reported by then take part (the race as a
    reader saw it on that day). Retractions and corrections that count at
    ``at`` apply to the whole history (from their own date on, the race is told
    as corrected); the events that count at ``at`` are then kept, in replay order.
    """
    known = events if known_on is None else reported_by(events, known_on)
    mine = [e for e in known if e.race == race]
    changes = [e for e in mine if isinstance(e, Retraction | Correction) and e.date.counts_by(at)]
    return replay_order(e for e in supersede(mine, changes) if e.date.counts_by(at))


def state_at(
    events: Sequence[Event],
    at: datetime.date,
    race: str | None = None,
    known_on: datetime.date | None = None,
) -> RaceState:
    """The state of ``race`` (or the only race) on day ``at``, as known on ``known_on``
    (default: as known now): the fold of ``told_at``."""
    race = choose_race(events, race)
    return replay(RaceState(race), told_at(events, at, race, known_on))


# --- the working copy ----------------------------------------------------------------------


_Held = tuple[str, tuple[str, ...], str]  # a member's backing: (candidate id, conditions, since)


class _Candidate:
    """A candidate being replayed: :class:`Candidate` without its backers (the
    replayer keeps those, one per member) and with mutable stated conditions.

    ``frozen`` is the immutable value this copy last equalled; it is reused
    while nothing here changes and the backers stay the same. ``gone`` says, in one
    attribute the replay's fast path reads, that the status is not one of ``ACTIVE``;
    setting ``status`` keeps it so.
    """

    __slots__ = (
        "_status",
        "country",
        "entered",
        "frozen",
        "gone",
        "id",
        "member",
        "name",
        "put_forward_by",
        "stances",
        "stated",
        "stated_by",
        "unnamed",
    )

    def __init__(
        self,
        candidate_id: str,
        name: str,
        status: Status,
        country: str | None,
        put_forward_by: str | None,
        entered: str,
        member: str | None = None,
    ) -> None:
        self.id = candidate_id
        self.member = member
        self.name = name
        self.status = status
        self.country = country
        self.put_forward_by = put_forward_by
        self.stated: list[StatedCondition] = []  # in the order stated
        self.stated_by: dict[str, int] = {}  # member -> how many of ``stated`` are its
        self.stances: dict[str, StanceHeld] = {}  # member -> its stance, other than support
        self.unnamed: UnnamedReport | None = None
        self.entered = entered
        self.frozen: Candidate | None = None

    @property
    def status(self) -> Status:
        return self._status

    @status.setter
    def status(self, status: Status) -> None:
        self._status = status
        self.gone = status not in ACTIVE

    @classmethod
    def thaw(cls, value: Candidate) -> _Candidate:
        copy = cls(
            value.id,
            value.name,
            value.status,
            value.country,
            value.put_forward_by,
            value.entered,
            value.member,
        )
        copy.stated = list(value.stated_conditions)
        copy.stances = {held.member: held for held in value.stances}
        copy.unnamed = value.unnamed
        for stated in copy.stated:
            copy.stated_by[stated.member] = copy.stated_by.get(stated.member, 0) + 1
        copy.frozen = value
        return copy

    def freeze(self, backers: tuple[Backing, ...]) -> Candidate:
        frozen = self.frozen
        if frozen is None or frozen.backers != backers:
            frozen = self.frozen = Candidate(
                self.id,
                self.name,
                self.status,
                country=self.country,
                put_forward_by=self.put_forward_by,
                member=self.member,
                backers=backers,
                stated_conditions=tuple(self.stated),
                entered=self.entered,
                stances=tuple(self.stances[member] for member in sorted(self.stances)),
                unnamed=self.unnamed,
            )
        return frozen

    def drop_stated(self, member: str) -> list[str]:
        """Forget the conditions ``member`` stated on this candidate; return them."""
        dropped = [c for s in self.stated if s.member == member for c in s.conditions]
        self.stated = [s for s in self.stated if s.member != member]
        del self.stated_by[member]
        self.frozen = None
        return dropped


class Replayer:
    """A private working copy of a :class:`RaceState` that events change in place.

    ``Replayer(state).run(events).state()`` is the fold; :meth:`apply` takes one
    event at a time (validation uses it to go on past an event that does not fit:
    such an event changes nothing). A replayer belongs to the one computation
    that made it; only the immutable values from :meth:`state` leave it.

    Who backs whom is one dictionary, member -> (candidate id, conditions,
    since): a member backs one candidate at a time, so moving support is one
    update, and :meth:`state` sorts the backings out by candidate.
    """

    __slots__ = (
        "_candidates",
        "_electorate",
        "_frozen_ballots",
        "_frozen_electorate",
        "_frozen_records",
        "_made",
        "_order",
        "_race",
        "_records",
        "_support",
        "applied",
        "appointed",
        "ballots",
        "body",
        "incumbent",
        "incumbent_since",
        "last_event",
        "office",
        "rule",
        "size",
        "stage_start",
        "takes_office",
        "term",
        "vacancy",
    )

    def __init__(self, state: RaceState) -> None:
        self._race = state.race
        self.office = state.office
        self.rule: Rule | None = state.rule
        self._electorate = set(state.electorate)
        self._frozen_electorate: frozenset[str] | None = state.electorate
        self._records = {record.id: record for record in state.records}
        self._frozen_records: tuple[Member, ...] | None = state.records
        self.size = state.size
        self.ballots = list(state.ballots)
        self._frozen_ballots: tuple[Ballot, ...] | None = state.ballots
        self._candidates = {c.id: _Candidate.thaw(c) for c in state.candidates}
        self._support: dict[str, _Held] = {}
        # member -> the last Backing value made for it, and from which entry of
        # ``_support``: freezing reuses it while the entry is the same object
        self._made: dict[str, tuple[_Held, Backing]] = {}
        for candidate in state.candidates:
            for backing in candidate.backers:
                held = (candidate.id, backing.conditions, backing.since)
                self._support[backing.member] = held
                self._made[backing.member] = (held, backing)
        self._order: list[str] | None = None  # the members in _support, sorted
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
        if self._frozen_electorate is None:
            self._frozen_electorate = frozenset(self._electorate)
        if self._frozen_ballots is None:
            self._frozen_ballots = tuple(self.ballots)
        if self._frozen_records is None:
            records = self._records
            self._frozen_records = tuple(records[member] for member in sorted(records))
        support, made = self._support, self._made
        if self._order is None:
            self._order = sorted(support)
        backers: dict[str, list[Backing]] = {c: [] for c in self._candidates}
        for member in self._order:
            held = support[member]
            value = made.get(member)
            if value is None or value[0] is not held:
                value = made[member] = (held, Backing(member, held[1], held[2]))
            backers[held[0]].append(value[1])
        return RaceState(
            self._race,
            office=self.office,
            rule=self.rule,
            electorate=self._frozen_electorate,
            candidates=tuple(c.freeze(tuple(backers[c.id])) for c in self._candidates.values()),
            appointed=self.appointed,
            takes_office=self.takes_office,
            incumbent=self.incumbent,
            vacancy=self.vacancy,
            applied=self.applied,
            last_event=self.last_event,
            records=self._frozen_records,
            size=self.size,
            ballots=self._frozen_ballots,
            body=self.body,
            stage_start=self.stage_start,
            incumbent_since=self.incumbent_since,
            term=self.term,
        )

    def apply(self, event: Event) -> None:
        """Apply one event; raise :class:`ReplayError` and change nothing if it does not fit."""
        self.run((event,))

    def run(self, events: Iterable[Event]) -> Replayer:
        """Apply ``events`` in the order given; stop at the first that does not fit."""
        race, rules = self._race, _RULES
        opened = self.rule is not None
        # Plain endorsements, nine events in ten, are applied right here: this is
        # _endorsement and _back for support without conditions, without the calls.
        # The containers held below are changed in place by every rule, never replaced.
        candidates, electorate, support = self._candidates, self._electorate, self._support
        count, done = 0, None
        try:
            for event in events:
                if event.race != race:
                    raise ReplayError(
                        event.id, f"belongs to race {event.race!r}, not {race!r}", ("race",)
                    )
                if type(event) is Endorsement and opened:
                    candidate = candidates.get(event.candidate)
                    members = event.members
                    if (
                        candidate is None
                        or candidate.gone
                        or candidate.stances
                        or event.conditions
                        or not electorate.issuperset(members)
                    ):
                        _endorsement(self, event)
                    else:
                        candidate_id, event_id, stated = candidate.id, event.id, candidate.stated_by
                        for member in members:
                            if member in stated:  # its stated conditions carry over
                                self._back(member, candidate, (), event_id)
                                continue
                            held = support.get(member)
                            if held is None:
                                self._order = None  # a new backer
                            elif held[0] == candidate_id:
                                continue
                            support[member] = (candidate_id, (), event_id)
                else:
                    cls = type(event)
                    try:
                        rule = rules[cls]
                    except KeyError:
                        rule = _rule_for(cls)
                    if not opened:
                        if not isinstance(event, Opening):
                            raise ReplayError(
                                event.id,
                                f"race {race!r} has no opening event dated before this one",
                                ("date",),
                            )
                        opened = True
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
        candidate = self._candidates.get(event.candidate)
        if candidate is None:
            return ()
        since: dict[str, None] = {}
        for member in event.members:
            held = self._support.get(member)
            if held is None or held[0] != candidate.id:
                return ()
            if any(condition not in held[1] for condition in event.conditions):
                return ()
            since[held[2]] = None
        return tuple(since)

    # --- helpers of the rules ---

    def _require_member(self, event: Event, member: str, field: tuple[str | int, ...]) -> None:
        if member not in self._electorate:
            raise ReplayError(event.id, not_a_member(member, self._race, self._electorate), field)

    def _require_candidate(self, event: Event, candidate_id: str) -> _Candidate:
        candidate = self._candidates.get(candidate_id)
        if candidate is None:
            raise ReplayError(
                event.id,
                f"unknown candidate {candidate_id!r}: no candidacy or mention of it counts by"
                f" {event.date.latest} (an event counts from its latest possible day)",
                ("candidate",),
            )
        if candidate.status not in ACTIVE:
            raise ReplayError(event.id, f"{candidate_id} {_GONE[candidate.status]}", ("candidate",))
        return candidate

    def _back(
        self, member: str, candidate: _Candidate, conditions: tuple[str, ...], event_id: str
    ) -> None:
        """``member`` backs ``candidate``: it stops backing anyone else (one backing per
        member), conditions it stated on this candidate carry over, new ones are added."""
        if member in candidate.stances:  # support ends its opposing or abstaining
            del candidate.stances[member]
            candidate.frozen = None
        held = self._support.get(member)
        stated = member in candidate.stated_by
        if held is None:
            self._order = None  # a new backer
        elif held[0] == candidate.id:
            if not conditions and not stated:
                return  # backed already, nothing new: the backing stays as it was
            event_id = held[2]  # still backed since the same event
        kept = held[1] if held is not None and held[0] == candidate.id else ()
        carried = candidate.drop_stated(member) if stated else ()
        if carried or conditions:
            kept = _merged(kept, (*carried, *conditions))
        self._support[member] = (candidate.id, kept, event_id)

    def _add(self, candidate: _Candidate) -> None:
        self._candidates[candidate.id] = candidate


def not_a_member(member: str, race: str, electorate: Collection[str]) -> str:
    """Why ``member`` cannot act in ``race``: it is not in the electorate (and what was
    perhaps meant). Only a failing event pays for the suggestion."""
    message = f"{member} is not in the electorate of {race} at this date"
    if not electorate:
        return f"{message} (its members are not known one by one, only its size)"
    close = difflib.get_close_matches(member, sorted(electorate), n=1, cutoff=0.75)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def _merged(kept: tuple[str, ...], added: tuple[str, ...]) -> tuple[str, ...]:
    """``kept`` and then those of ``added`` not listed yet, in order.

    Compared by equality, not hashed: a condition's text is usually new (only
    short text is interned at load) and long, and hashing it costs more than
    comparing a handful of texts of different lengths.
    """
    merged = list(kept)
    for condition in added:
        if condition not in merged:
            merged.append(condition)
    return tuple(merged)


# --- one rule per event type ----------------------------------------------------------------


def _superseding(_: Replayer, __: Retraction | Correction) -> None:
    return  # its effect is on which events replay: see supersede()


def _opening(r: Replayer, event: Opening) -> None:
    if r.rule is not None:
        raise ReplayError(event.id, f"race {r._race!r} is already open", ("type",))
    r.office = event.office
    _seat(r, event)
    r.incumbent = event.incumbent
    r.incumbent_since = event.incumbent_since
    r.vacancy = event.vacancy


def _electorate_change(r: Replayer, event: ElectorateChange) -> None:
    electorate = r._electorate
    if r.size is not None and (event.joined or event.left or event.changed):
        raise ReplayError(
            event.id,
            f"the electorate of {r._race} is known only by its size: give its new 'size'",
            ("joined" if event.joined else "left" if event.left else "changed",),
        )
    if event.size is not None and r.size is None:
        raise ReplayError(
            event.id,
            f"the electorate of {r._race} lists its members: name those who join or leave",
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
                event.id, not_a_member(changing.id, r._race, electorate), ("changed", index)
            )
    for member in event.left:
        _forget(r, member)
    for joining in event.joined:
        electorate.add(joining.id)
        if not joining.bare:
            r._records[joining.id] = joining
            r._frozen_records = None
    for changing in event.changed:
        r._records[changing.id] = updated(r._records.get(changing.id), changing)
        r._frozen_records = None
    electorate.difference_update(event.left)
    if event.size is not None:
        r.size = event.size
    r._frozen_electorate = None


def _forget(r: Replayer, member: str) -> None:
    """``member`` leaves the electorate: its backing, stated conditions, stances and
    record go with it."""
    if r._support.pop(member, None) is not None:
        r._order = None
    for candidate in r._candidates.values():
        if member in candidate.stated_by:
            candidate.drop_stated(member)
        if candidate.stances.pop(member, None) is not None:
            candidate.frozen = None
    if r._records.pop(member, None) is not None:
        r._frozen_records = None


def _seat(r: Replayer, event: Opening | Stage) -> None:
    """The body that decides from ``event`` on: its members (or size), records and rule."""
    r.rule = event.rule
    r._electorate.clear()
    r._electorate.update(event.member_ids)
    r._frozen_electorate = None
    r._records = {m.id: m for m in event.electorate if not m.bare}
    r._frozen_records = None
    r.size = event.size


def _stage(r: Replayer, event: Stage) -> None:
    """The race moves to another body and rule; its candidates stay as they are."""
    if r.appointed is not None:
        raise ReplayError(event.id, f"the race is decided: {r.appointed} is appointed", ("type",))
    staying = set(event.member_ids)
    for member in sorted(r._electorate - staying):
        _forget(r, member)
    _seat(r, event)
    r.body = event.body
    r.stage_start = len(r.ballots)


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


def _mention(r: Replayer, event: Mention) -> None:
    if event.candidate in r._candidates:
        return  # a report that names a known candidate again changes nothing
    r._add(
        _Candidate(
            event.candidate,
            event.name,
            Status.MENTIONED,
            event.country,
            None,
            event.id,
            event.member,
        )
    )


def _candidacy(r: Replayer, event: Candidacy) -> None:
    known = r._candidates.get(event.candidate)
    if known is not None and known.status in (Status.DECLARED, Status.APPOINTED):
        raise ReplayError(
            event.id,
            f"{event.candidate} is already {known.status.value} (since {known.entered})",
            ("candidate",),
        )
    if event.put_forward_by is not None:
        r._require_member(event, event.put_forward_by, ("put_forward_by",))
    if known is None:
        known = _Candidate(
            event.candidate,
            event.name,
            Status.DECLARED,
            event.country,
            event.put_forward_by,
            event.id,
            event.member,
        )
        r._add(known)
    else:  # a mentioned or withdrawn candidate (re-)enters, keeping what it had
        known.name = event.name
        known.status = Status.DECLARED
        known.country = event.country or known.country
        known.put_forward_by = event.put_forward_by
        known.member = event.member or known.member
        known.frozen = None
    if event.put_forward_by is not None:
        r._back(event.put_forward_by, known, (), event.id)


def _condition(r: Replayer, event: Condition) -> None:
    candidate = r._require_candidate(event, event.candidate)
    r._require_member(event, event.member, ("member",))
    held = r._support.get(event.member)
    if held is not None and held[0] == candidate.id:
        r._back(event.member, candidate, event.conditions, event.id)
        return
    stated = StatedCondition(event.member, event.kind, event.conditions, event.id)
    candidate.stated.append(stated)
    candidate.stated_by[event.member] = candidate.stated_by.get(event.member, 0) + 1
    candidate.frozen = None


def _endorsement(r: Replayer, event: Endorsement) -> None:
    """The general rule; plain support (no conditions, nothing stated) is applied by
    :meth:`Replayer.run` without a call, and must mean the same as this."""
    candidate = r._candidates.get(event.candidate)
    if candidate is None or candidate.gone:  # not ACTIVE, without hashing the status
        candidate = r._require_candidate(event, event.candidate)  # raises
    if not r._electorate.issuperset(event.members):
        for index, member in enumerate(event.members):
            r._require_member(event, member, ("members", index))  # one raises
    for member in event.members:
        r._back(member, candidate, event.conditions, event.id)


def _stance(r: Replayer, event: Stance) -> None:
    """Members oppose, abstain on, or stop backing a candidate (see :class:`Stance`)."""
    candidate = r._require_candidate(event, event.candidate)
    for index, member in enumerate(event.members):  # check all before changing any
        r._require_member(event, member, ("members", index))
        held = r._support.get(member)
        backs = held is not None and held[0] == candidate.id
        if event.stance is Position.NONE and not backs and member not in candidate.stances:
            raise ReplayError(
                event.id,
                f"{member} neither backs {candidate.id} nor takes a stance on it:"
                " there is nothing to drop",
                ("members", index),
            )
    for member in event.members:
        held = r._support.get(member)
        if held is not None and held[0] == candidate.id:
            del r._support[member]
            r._order = None
        if event.stance is Position.NONE:
            candidate.stances.pop(member, None)
        else:
            candidate.stances[member] = StanceHeld(member, event.stance, event.id)
    candidate.frozen = None


def _unnamed_support(r: Replayer, event: UnnamedSupport) -> None:
    """A reported count of backers not named: kept on the candidate, counted by no rule."""
    candidate = r._require_candidate(event, event.candidate)
    for index, member in enumerate(event.besides):
        r._require_member(event, member, ("besides", index))
    size = r.size if r.size is not None else len(r._electorate)
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


def _context(r: Replayer, event: Context) -> None:
    """Context changes no state; who it names must be known, so that a typo is caught."""
    if event.candidate is not None and event.candidate not in r._candidates:
        r._require_candidate(event, event.candidate)  # raises: unknown
    for index, member in enumerate(event.members):
        r._require_member(event, member, ("members", index))


def _withdrawal(r: Replayer, event: Withdrawal) -> None:
    candidate = r._require_candidate(event, event.candidate)
    if candidate.status is Status.APPOINTED:
        raise ReplayError(event.id, f"{event.candidate} has already been appointed", ("candidate",))
    candidate.status = Status.WITHDRAWN
    candidate.frozen = None


def _appointment(r: Replayer, event: Appointment) -> None:
    if r.appointed is not None:
        raise ReplayError(event.id, f"{r.appointed} was already appointed", ("candidate",))
    candidate = r._require_candidate(event, event.candidate)
    candidate.status = Status.APPOINTED
    candidate.frozen = None
    r.appointed = event.candidate
    r.takes_office = event.takes_office
    r.term = event.term


def _ballot(r: Replayer, event: Ballot) -> None:
    """A ballot: checked whole (numbers in order, voters in the electorate, each voting
    once, counts that add up), then recorded; when its result meets the rule, its winner
    is appointed, else the rule's eliminations apply."""
    if r.appointed is not None:
        raise ReplayError(event.id, f"the race is decided: {r.appointed} is appointed", ("type",))
    last = r.ballots[-1].number if r.ballots else 0
    if event.number <= last:
        raise ReplayError(
            event.id,
            f"ballot {event.number} replays after ballot {last}: number ballots in the order"
            " they were held",
            ("number",),
        )
    newcomers = _people_voted_for(r, event)
    if event.roll_call:
        _check_roll_call(r, event)
    else:
        _check_counts(r, event)
    for index, candidate_id in enumerate(event.eliminated):
        known = r._candidates.get(candidate_id)
        if (known is None or known.status not in ACTIVE) and candidate_id not in newcomers:
            raise ReplayError(
                event.id, f"{candidate_id} is not a candidate in the race", ("eliminated", index)
            )
    for candidate_id, tally in newcomers.items():
        assert tally.name is not None  # checked by _people_voted_for
        r._add(
            _Candidate(
                candidate_id, tally.name, Status.MENTIONED, None, None, event.id, tally.member
            )
        )
    r.ballots.append(event)
    r._frozen_ballots = None
    for candidate_id in event.eliminated:
        _eliminate(r, candidate_id)
    if event.kind is BallotKind.VOTE and r.rule is not None:
        _decide(r, event)


def _people_voted_for(r: Replayer, event: Ballot) -> dict[str, Tally]:
    """The people ``event`` gives votes to whom the race does not know yet, by id."""
    newcomers: dict[str, Tally] = {}
    for index, tally in enumerate(event.votes):
        if tally.candidate is None:
            continue
        known = r._candidates.get(tally.candidate)
        if known is not None:
            if known.status is Status.ELIMINATED:
                raise ReplayError(
                    event.id, f"{tally.candidate} was eliminated", ("votes", index, "candidate")
                )
            continue
        if tally.candidate in newcomers:
            continue
        if tally.name is None:
            raise ReplayError(
                event.id,
                f"unknown candidate {tally.candidate!r}: give the 'name' of a person voted"
                " for who is not in the race",
                ("votes", index, "candidate"),
            )
        if tally.member is not None and tally.member not in r._electorate:
            raise ReplayError(
                event.id,
                not_a_member(tally.member, r._race, r._electorate),
                ("votes", index, "member"),
            )
        newcomers[tally.candidate] = tally
    return newcomers


def _check_roll_call(r: Replayer, event: Ballot) -> None:
    """Every voter is in the electorate and votes once (in a straw poll: once on each
    candidate)."""
    electorate = r._electorate
    straw = event.kind is BallotKind.STRAW_POLL
    seen: set[object] = set()
    for index, tally in enumerate(event.votes):
        for position, member in enumerate(tally.members):
            where = ("votes", index, "members", position)
            if member not in electorate:
                raise ReplayError(event.id, not_a_member(member, r._race, electorate), where)
            key = (member, tally.candidate) if straw else member
            if key in seen:
                on = f" on {tally.candidate}" if straw else ""
                raise ReplayError(event.id, f"{member} votes twice{on} in this ballot", where)
            seen.add(key)


def _check_counts(r: Replayer, event: Ballot) -> None:
    """Counts that cannot add up are refused: more votes than voters (in a straw poll, on
    one candidate), more in a group than the group has members, or more in a group than
    in the whole."""
    size = r.size if r.size is not None else len(r._electorate)
    straw = event.kind is BallotKind.STRAW_POLL
    totals: dict[str | None, int] = {}
    whole: dict[tuple[str | None, Vote], int] = {}
    in_group: dict[tuple[str, str | None], int] = {}
    for tally in event.votes:
        count = tally.count or 0
        if tally.group is None:
            scope = tally.candidate if straw else None
            totals[scope] = totals.get(scope, 0) + count
            whole[(tally.candidate, tally.vote)] = count
        else:
            scope = tally.candidate if straw else None
            in_group[(tally.group, scope)] = in_group.get((tally.group, scope), 0) + count
    for scope, total in totals.items():
        if total > size:
            on = f" on {scope}" if scope is not None else ""
            raise ReplayError(
                event.id,
                f"{total} votes counted{on}, more than the {size} members of the electorate",
                ("votes",),
            )
    for index, tally in enumerate(event.votes):
        if tally.group is None:
            continue
        members = sum(1 for m in r._records.values() if m.groups and tally.group in m.groups)
        scope = tally.candidate if straw else None
        if r.size is None and in_group[(tally.group, scope)] > members:
            raise ReplayError(
                event.id,
                f"{in_group[(tally.group, scope)]} votes counted in group {tally.group!r},"
                f" which has {members} members",
                ("votes", index, "count"),
            )
        overall = whole.get((tally.candidate, tally.vote))
        if overall is not None and (tally.count or 0) > overall:
            raise ReplayError(
                event.id,
                f"{tally.count} in group {tally.group!r}, more than the {overall} counted in all",
                ("votes", index, "count"),
            )


def _eliminate(r: Replayer, candidate_id: str) -> None:
    candidate = r._candidates[candidate_id]
    candidate.status = Status.ELIMINATED
    candidate.frozen = None
    for member, held in list(r._support.items()):
        if held[0] == candidate_id:
            del r._support[member]
            r._order = None


def _decide(r: Replayer, event: Ballot) -> None:
    """After a ballot of kind vote: the candidate its result elects is appointed; when
    nobody is elected, the rule's eliminations apply."""
    rule = r.rule
    assert rule is not None
    state = r.state()
    tally = state.tally
    active = [c for c in state.candidates if c.status in ACTIVE]
    winners = [c for c in active if rule.met(c.id, tally)]
    if winners:
        winner = max(winners, key=lambda c: tally.count(c.id, rule.count))
        candidate = r._candidates[winner.id]
        candidate.status = Status.APPOINTED
        candidate.frozen = None
        r.appointed = winner.id
        return
    if rule.eliminate is None:
        return
    scores = {c.id: tally.count(c.id, rule.count) for c in active}
    below = rule.eliminate.below
    out = [c for c, score in scores.items() if below is not None and score < below]
    remaining = {c: s for c, s in scores.items() if c not in out}
    keep = rule.eliminate.lowest_until
    if keep is not None and len(remaining) > keep:
        lowest = min(remaining.values())
        tied = [c for c, score in remaining.items() if score == lowest]
        if len(remaining) - len(tied) >= keep:
            out += tied
    for candidate_id in out:
        _eliminate(r, candidate_id)


#: Why a candidate no longer in the race cannot be backed.
_GONE = {
    Status.WITHDRAWN: "has withdrawn from the race",
    Status.ELIMINATED: "was eliminated from the race",
}
_Rule = Callable[[Replayer, Any], None]

_RULES: dict[type[Event], _Rule] = {
    Opening: _opening,
    Stage: _stage,
    ElectorateChange: _electorate_change,
    Mention: _mention,
    Candidacy: _candidacy,
    Condition: _condition,
    Endorsement: _endorsement,
    Stance: _stance,
    UnnamedSupport: _unnamed_support,
    Context: _context,
    Ballot: _ballot,
    Withdrawal: _withdrawal,
    Appointment: _appointment,
    Retraction: _superseding,
    Correction: _superseding,
}


def _rule_for(cls: type[Event]) -> _Rule:
    """The rule of ``cls``'s nearest event type (a subclass replays as its base)."""
    for base in cls.__mro__:
        if base in _RULES:
            return _RULES[base]
    raise TypeError(f"no replay rule for {cls.__name__}")  # a programming error
