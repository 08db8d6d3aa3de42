"""The comparison point for the fold's throughput: the ``eventsourcing`` library's replay.

The benchmark requirement is "the fold in-process: at least 1,000,000 events/s, and the
ratio to the ``eventsourcing`` library's aggregate replay of the same events in the same
run". This module provides that second figure. The baseline reads only the public event
classes of ``timeline.model.events`` and their fields; only its self-check calls the public
``timeline.fold``, to check that both replays reach the same state.

What is measured
----------------
:func:`replay` rebuilds a :class:`Race` aggregate from its domain events with
``eventsourcing.application.project_aggregate``, the default ``projector_func`` that
``Repository.get`` (via ``Repository._reconstruct_aggregate``) passes the events read
from the event store to: ``aggregate = event.mutate(aggregate)`` for each event, where
``mutate`` checks the originator id and version, calls the event's ``apply`` and then
sets the aggregate's ``version`` and ``modified_on``. Nothing is stored, read back,
transcoded or deserialised: :func:`to_domain_events` builds the domain event objects
once, before timing, so the figure is the library's in-memory replay alone, like the fold.

``project_aggregate`` also runs ``assert isinstance(event, CanMutateProtocol)`` on every
event, a runtime-checkable ``Protocol`` check that costs about ten times the rest of the
replay. :func:`replay_mutate` is the same loop without it (what ``python -O`` runs):
quote the ratio to it as the conservative one, to :func:`replay` as the library as shipped.

How our events map
------------------
One race is one ``Race`` aggregate (a mutable :class:`eventsourcing.domain.Aggregate`
with explicit event classes, each with an ``apply`` method), its id derived from the race
id, its events numbered 1..n in replay order and stamped with midnight UTC of their
latest possible day:

==================  ==========================  ====================================
timeline event      domain event                effect on the aggregate
==================  ==========================  ====================================
Opening             ``Race.Opened`` (created)   office, rule, electorate (a set), ...
ElectorateChange    ``Race.ElectorateChanged``  joins/leaves; departed members lose
                                                their backing and stated conditions
Mention             ``Race.Mentioned``          adds the candidate if unknown
Candidacy           ``Race.Declared``           candidate declared; the member that
                                                puts them forward backs them
Condition           ``Race.ConditionStated``    on a backing: merged into it; else
                                                recorded against the candidate
Endorsement         ``Race.Endorsed``           each member's backing moves to the
                                                candidate (one backing per member),
                                                with its conditions
Withdrawal          ``Race.Withdrew``           candidate status withdrawn
Appointment         ``Race.Appointed``          candidate appointed; takes office
Retraction          (skipped)                   see below
Correction          (skipped)                   see below
==================  ==========================  ====================================

The rules are the fold's (``timeline/fold.py`` at the time of writing): conditions a
member stated on a candidate carry over into its backing of that candidate, a repeated
backing keeps its first event id (``since``) and merges conditions without duplicates.

Differences, so that the comparison stays honest:

* Retractions and corrections are skipped: they change *which* events replay
  (``timeline.supersede``/``told_at``), not the state, and the fold applies them as
  no-ops. Pass the events as told (superseded already), in replay order.
* The events must already be in replay order; the fold sorts its input itself.
* ``apply`` does not validate (a member outside the electorate, an unknown or withdrawn
  candidate, a second appointment), as is idiomatic in eventsourcing, where commands
  check and recorded events are facts; the fold raises ``ReplayError`` on those.
  :func:`to_domain_events` checks only what the library needs: one race, opened first,
  once.
* The aggregate is mutable and keeps the fold's working layout: one backing per member
  (member -> candidate, conditions, since), plain endorsements applied without a call
  per member, conditions merged by equality. So both do the same work the same way, and
  the ratio is the cost of the library's replay machinery (``mutate``: the id and
  version checks, ``apply``, the new version and timestamp). The fold then builds
  immutable values; the aggregate stays as it is.

Run ``python benchmarks/es_baseline.py [N]`` for a self-check on a synthetic race of N
(default 100,000) endorsements: the fold, :func:`replay` and :func:`replay_mutate` must
agree, and their throughputs print (best of 3, events per second).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import platform
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic
from timing import best_of

from timeline import RaceState, Rule, fold, parse_date
from timeline.model.events import (
    Appointment,
    Candidacy,
    Citation,
    Condition,
    ConditionKind,
    Correction,
    ElectorateChange,
    Endorsement,
    Event,
    Mention,
    Opening,
    Retraction,
    Withdrawal,
    as_members,
)

MENTIONED = "mentioned"
DECLARED = "declared"
WITHDRAWN = "withdrawn"
APPOINTED = "appointed"


@dataclass(slots=True)
class BackingRecord:
    """A member's backing: whom, on what conditions, since which event."""

    candidate: str
    conditions: tuple[str, ...]
    since: str  # the id of the event that started it


@dataclass(slots=True)
class ConditionRecord:
    """Conditions a member set on a candidate it does not (yet) back."""

    kind: str
    conditions: tuple[str, ...]
    event: str


@dataclass(slots=True)
class CandidateRecord:
    """A candidate in the race, with the conditions stated on it by member."""

    id: str
    name: str
    status: str
    country: str | None
    entered: str
    put_forward_by: str | None = None
    stated: dict[str, list[ConditionRecord]] = field(default_factory=dict)


class Race(Aggregate):
    """One race as an eventsourcing aggregate: the same facts the fold keeps."""

    # The library makes every event class a frozen dataclass (and skips a second pass);
    # the explicit @dataclass only tells type checkers their fields.

    @dataclass(frozen=True)
    class Opened(Aggregate.Created):
        event_id: str
        office: str
        rule: str
        electorate: tuple[str, ...]
        incumbent: str | None
        vacancy: str | None

    def __init__(
        self,
        event_id: str,
        office: str,
        rule: str,
        electorate: tuple[str, ...],
        incumbent: str | None,
        vacancy: str | None,
    ) -> None:
        self.office = office
        self.rule = rule
        self.electorate: set[str] = set(electorate)
        self.incumbent = incumbent
        self.vacancy = vacancy
        self.candidates: dict[str, CandidateRecord] = {}  # in order of entry
        self.support: dict[str, BackingRecord] = {}  # member -> its backing (one each)
        self.appointed: str | None = None
        self.takes_office: str | None = None
        self.last_event = event_id

    @dataclass(frozen=True)
    class ElectorateChanged(Aggregate.Event):
        event_id: str
        joined: tuple[str, ...]
        left: tuple[str, ...]

        def apply(self, aggregate: Race) -> None:
            aggregate.electorate.update(self.joined)
            for member in self.left:
                aggregate.electorate.discard(member)
                aggregate.drop_backing(member)
                for candidate in aggregate.candidates.values():
                    candidate.stated.pop(member, None)
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class Mentioned(Aggregate.Event):
        event_id: str
        candidate: str
        name: str
        country: str | None

        def apply(self, aggregate: Race) -> None:
            if self.candidate not in aggregate.candidates:
                aggregate.candidates[self.candidate] = CandidateRecord(
                    self.candidate, self.name, MENTIONED, self.country, self.event_id
                )
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class Declared(Aggregate.Event):
        event_id: str
        candidate: str
        name: str
        country: str | None
        put_forward_by: str | None

        def apply(self, aggregate: Race) -> None:
            known = aggregate.candidates.get(self.candidate)
            if known is None:
                aggregate.candidates[self.candidate] = CandidateRecord(
                    self.candidate,
                    self.name,
                    DECLARED,
                    self.country,
                    self.event_id,
                    self.put_forward_by,
                )
            else:  # a mentioned candidate declares: keeps its backers and entry
                known.name = self.name
                known.status = DECLARED
                known.country = self.country or known.country
                known.put_forward_by = self.put_forward_by
            if self.put_forward_by is not None:
                aggregate.back(self.put_forward_by, self.candidate, (), self.event_id)
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class ConditionStated(Aggregate.Event):
        event_id: str
        member: str
        candidate: str
        kind: str
        conditions: tuple[str, ...]

        def apply(self, aggregate: Race) -> None:
            held = aggregate.support.get(self.member)
            if held is not None and held.candidate == self.candidate:
                aggregate.back(self.member, self.candidate, self.conditions, self.event_id)
            else:
                stated = ConditionRecord(self.kind, self.conditions, self.event_id)
                candidate = aggregate.candidates[self.candidate]
                candidate.stated.setdefault(self.member, []).append(stated)
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class Endorsed(Aggregate.Event):
        event_id: str
        members: tuple[str, ...]
        candidate: str
        conditions: tuple[str, ...]

        def apply(self, aggregate: Race) -> None:
            if self.conditions:
                for member in self.members:
                    aggregate.back(member, self.candidate, self.conditions, self.event_id)
            else:  # plain support, the common case, without a call (as the fold does it)
                support, stated = aggregate.support, aggregate.candidates[self.candidate].stated
                for member in self.members:
                    if member in stated:
                        aggregate.back(member, self.candidate, (), self.event_id)
                        continue
                    held = support.get(member)
                    if held is None or held.candidate != self.candidate:
                        support[member] = BackingRecord(self.candidate, (), self.event_id)
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class Withdrew(Aggregate.Event):
        event_id: str
        candidate: str

        def apply(self, aggregate: Race) -> None:
            aggregate.candidates[self.candidate].status = WITHDRAWN
            aggregate.last_event = self.event_id

    @dataclass(frozen=True)
    class Appointed(Aggregate.Event):
        event_id: str
        candidate: str
        takes_office: str | None

        def apply(self, aggregate: Race) -> None:
            aggregate.candidates[self.candidate].status = APPOINTED
            aggregate.appointed = self.candidate
            aggregate.takes_office = self.takes_office
            aggregate.last_event = self.event_id

    def back(
        self, member: str, candidate_id: str, conditions: tuple[str, ...], event_id: str
    ) -> None:
        """``member`` backs ``candidate_id`` and stops backing anyone else; conditions it
        stated on this candidate carry over, new ones are added (the fold's ``_back``)."""
        carried = [
            c for s in self.candidates[candidate_id].stated.pop(member, ()) for c in s.conditions
        ]
        held = self.support.get(member)
        if held is None or held.candidate != candidate_id:
            merged = _merged((), (*carried, *conditions))
            self.support[member] = BackingRecord(candidate_id, merged, event_id)
        elif carried or conditions:
            held.conditions = _merged(held.conditions, (*carried, *conditions))

    def drop_backing(self, member: str) -> None:
        """``member`` backs no one any more."""
        self.support.pop(member, None)


def _merged(kept: tuple[str, ...], added: tuple[str, ...]) -> tuple[str, ...]:
    """``kept`` and then those of ``added`` not listed yet, in order (the fold's way)."""
    merged = list(kept)
    for condition in added:
        if condition not in merged:
            merged.append(condition)
    return tuple(merged)


def version() -> str:
    """The installed eventsourcing version."""
    return importlib.metadata.version("eventsourcing")


def race_id(race: str) -> uuid.UUID:
    """The aggregate id of a race: a name-based UUID of its id, the same in every run."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"timeline:race/{race}")


def to_domain_events(events: Sequence[Event]) -> list[Aggregate.Event]:
    """The domain events of the ``Race`` aggregate for ``events``: one race, in replay
    order, opening first. Retractions and corrections are skipped (see the module
    docstring); anything else the library cannot replay raises ``ValueError``."""
    if not events or not isinstance(events[0], Opening):
        raise ValueError("the events of a race start with its opening")
    race = events[0].race
    originator_id = race_id(race)
    domain_events: list[Aggregate.Event] = []
    for event in events:
        if isinstance(event, Retraction | Correction):
            continue
        if event.race != race:
            raise ValueError(f"event {event.id!r} belongs to race {event.race!r}, not {race!r}")
        if domain_events and isinstance(event, Opening):
            raise ValueError(f"event {event.id!r} opens race {race!r} a second time")
        day = event.date.latest
        envelope: dict[str, Any] = {
            "originator_id": originator_id,
            "originator_version": len(domain_events) + 1,
            "timestamp": datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC),
            "event_id": event.id,
        }
        domain_events.append(_domain_event(event, envelope))
    return domain_events


def _domain_event(event: Event, envelope: dict[str, Any]) -> Aggregate.Event:
    match event:
        case Opening():
            return Race.Opened(
                **envelope,
                originator_topic=get_topic(Race),
                office=event.office,
                rule=event.rule.value,
                electorate=event.member_ids,
                incumbent=event.incumbent,
                vacancy=None if event.vacancy is None else event.vacancy.text,
            )
        case ElectorateChange():
            return Race.ElectorateChanged(
                **envelope, joined=tuple(m.id for m in event.joined), left=event.left
            )
        case Mention():
            return Race.Mentioned(
                **envelope, candidate=event.candidate, name=event.name, country=event.country
            )
        case Candidacy():
            return Race.Declared(
                **envelope,
                candidate=event.candidate,
                name=event.name,
                country=event.country,
                put_forward_by=event.put_forward_by,
            )
        case Condition():
            return Race.ConditionStated(
                **envelope,
                member=event.member,
                candidate=event.candidate,
                kind=event.kind.value,
                conditions=event.conditions,
            )
        case Endorsement():
            return Race.Endorsed(
                **envelope,
                members=event.members,
                candidate=event.candidate,
                conditions=event.conditions,
            )
        case Withdrawal():
            return Race.Withdrew(**envelope, candidate=event.candidate)
        case Appointment():
            takes_office = None if event.takes_office is None else event.takes_office.text
            return Race.Appointed(**envelope, candidate=event.candidate, takes_office=takes_office)
    raise ValueError(f"no domain event for {type(event).__name__} {event.id!r}")


def replay(domain_events: Iterable[Aggregate.Event]) -> Race:
    """The ``Race`` rebuilt from its domain events by the library's own projector, the
    function ``Repository.get`` applies to the events it reads from the event store."""
    initial: Race | None = None
    race = project_aggregate(initial, domain_events)
    if race is None:
        raise ValueError("no domain events to replay")
    return race


def replay_mutate(domain_events: Iterable[Aggregate.Event]) -> Race:
    """:func:`replay` without the projector's per-event ``assert isinstance(event,
    CanMutateProtocol)``: the same ``mutate`` calls, as ``project_aggregate`` runs under
    ``python -O``. That runtime-protocol check costs ten times the rest of the replay
    (measured on CPython 3.11 and 3.12), so this is the conservative baseline: the
    library at its fastest."""
    race: Race | None = None
    for domain_event in domain_events:
        race = domain_event.mutate(race)
    if race is None:
        raise ValueError("no domain events to replay")
    return race


def summary(race: Race) -> dict[str, int]:
    """Counts to compare with the fold's state: the electorate's size, the candidates,
    and per candidate its backers, the backers with conditions and the stated conditions."""
    counts = {"electorate": len(race.electorate), "candidates": len(race.candidates)}
    for candidate in race.candidates.values():
        backers = [b for b in race.support.values() if b.candidate == candidate.id]
        counts[f"backers:{candidate.id}"] = len(backers)
        counts[f"conditioned:{candidate.id}"] = sum(1 for b in backers if b.conditions)
        counts[f"stated:{candidate.id}"] = sum(len(s) for s in candidate.stated.values())
    return counts


# --- self-check ----------------------------------------------------------------------------

OPENING_MEMBERS = (
    "AL", "BE", "BG", "CA", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IS", "IT", "LT", "LU", "LV", "ME", "MK", "NL", "NO", "PL", "PT", "RO", "SI", "SK", "TR",
)  # fmt: skip
JOINER = "SE"  # joins before the first endorsement
LEAVER = "GB"  # leaves after the last one
CANDIDATES = ("ann", "bob", "cy")
PER_DAY = 50


def synthetic(n: int) -> list[Event]:
    """A race in replay order: an opening with 30 members, a mention, three candidacies,
    a member joining and a stated condition, ``n`` endorsements of one member each,
    ``PER_DAY`` a day, moving members between the candidates, a few with conditions; then
    a member leaves, another states conditions on every candidate, a candidate withdraws
    and another is appointed."""
    first = datetime.date(2020, 1, 1)
    source = (Citation(document="seeds/x.txt", quote="q"),)

    def envelope(event_id: str, days: int) -> dict[str, Any]:
        day = first + datetime.timedelta(days=days)
        return {"id": event_id, "race": "r", "date": parse_date(day.isoformat()),
                "summary": "s", "sources": source}  # fmt: skip

    members = (*OPENING_MEMBERS, JOINER)
    events: list[Event] = [
        Opening(
            **envelope("open", 0),
            office="o",
            electorate=as_members(OPENING_MEMBERS),
            rule=Rule.MAJORITY,
        ),
        Mention(**envelope("cy-mentioned", 0), candidate="cy", name="Cy"),
        Candidacy(**envelope("ann-runs", 0), candidate="ann", name="Ann", put_forward_by="NL"),
        Candidacy(**envelope("bob-runs", 0), candidate="bob", name="Bob"),
        Candidacy(**envelope("cy-runs", 0), candidate="cy", name="Cy", country="PT"),
        ElectorateChange(**envelope("se-joins", 1), joined=as_members((JOINER,))),
        Condition(
            **envelope("fr-asks", 1),
            member="FR",
            candidate="bob",
            kind=ConditionKind.SUPPORT,
            conditions=("a post",),
        ),
    ]
    for i in range(n):
        member = members[i % len(members)]
        candidate = CANDIDATES[(i + i // len(members)) % len(CANDIDATES)]
        conditions = ("budget",) if i % 997 == 0 or i >= n - 10 else ()
        events.append(
            Endorsement(
                **envelope(f"e{i}", 1 + i // PER_DAY),
                members=(member,),
                candidate=candidate,
                conditions=conditions,
            )
        )
    last = 2 + n // PER_DAY
    events += [
        ElectorateChange(**envelope("gb-leaves", last), left=(LEAVER,)),
        *(
            Condition(
                **envelope(f"it-asks-{candidate}", last),
                member="IT",
                candidate=candidate,
                kind=ConditionKind.NOT_BLOCKING,
                conditions=("a deputy",),
            )
            for candidate in CANDIDATES
        ),
        Withdrawal(**envelope("cy-withdraws", last), candidate="cy"),
        Appointment(**envelope("ann-appointed", last), candidate="ann"),
    ]
    return events


def fold_summary(events: Sequence[Event]) -> dict[str, int]:
    """:func:`summary`'s counts from ``timeline.fold``'s state."""
    state = fold(RaceState(events[0].race), events)
    counts = {"electorate": len(state.electorate), "candidates": len(state.candidates)}
    for candidate in state.candidates:
        counts[f"backers:{candidate.id}"] = len(candidate.backers)
        counts[f"conditioned:{candidate.id}"] = sum(1 for b in candidate.backers if b.conditions)
        counts[f"stated:{candidate.id}"] = len(candidate.stated_conditions)
    return counts


def main(n: int) -> None:
    events = synthetic(n)
    domain_events = to_domain_events(events)  # converted once, outside the timing
    expected = fold_summary(events)
    for rebuild in (replay, replay_mutate):
        race = rebuild(domain_events)
        problems = []
        if summary(race) != expected:
            problems.append(f"{rebuild.__name__}: {summary(race)}\n fold: {expected}")
        if race.version != len(events) or race.last_event != events[-1].id:
            problems.append(f"{rebuild.__name__} stopped at version {race.version}")
        if race.appointed != "ann" or race.candidates["cy"].status != WITHDRAWN:
            problems.append(f"{rebuild.__name__} missed the withdrawal or the appointment")
        if problems:
            raise SystemExit("\n".join(problems))

    print(
        f"Python {platform.python_version()}, eventsourcing "
        f"{importlib.metadata.version('eventsourcing')}, {platform.machine()}; "
        f"{len(events):,} events, both replays agree on {expected}"
    )
    fold_s = best_of(3, lambda: fold(RaceState(events[0].race), events))
    print(f"{'timeline.fold:':<38} {len(events) / fold_s:12,.0f} events/s")
    for label, rebuild in (
        ("eventsourcing project_aggregate:", replay),
        ("eventsourcing mutate loop (no assert):", replay_mutate),
    ):
        seconds = best_of(3, lambda: rebuild(domain_events))  # noqa: B023 - used at once
        print(
            f"{label:<38} {len(events) / seconds:12,.0f} events/s;"
            f" fold / this = {seconds / fold_s:.2f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
