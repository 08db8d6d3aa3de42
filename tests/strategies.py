"""Hypothesis strategies for events and whole races.

``event_values()`` draws any valid event of any type, for round trips.
``races()`` draws the events of one race that replay without error: it draws
candidate events freely, then keeps those that fit when replayed in order
(a rejected event changes nothing, so the kept ones form a consistent log).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import attrs
from hypothesis import strategies as st

from timeline import (
    EVENT_TYPES,
    Appointment,
    Candidacy,
    Citation,
    Condition,
    ConditionKind,
    Correction,
    Date,
    Dissent,
    ElectorateChange,
    Endorsement,
    Event,
    Member,
    Mention,
    Opening,
    RaceState,
    ReplayError,
    Retraction,
    Rule,
    Weight,
    Withdrawal,
    apply,
    parse_date,
    replay_order,
)
from timeline.model.events import (
    SUPERSEDING,
    Ballot,
    BallotKind,
    Context,
    ContextKind,
    Position,
    Stage,
    Stance,
    Tally,
    UnnamedSupport,
    Vote,
)
from timeline.model.rules import Base, Criterion, Elimination

RACE = "test-race"
MEMBERS = ("AL", "BE", "DE", "FR", "HU", "NL", "NO", "RO", "SE", "SK")
CANDIDATES = ("ann-lee", "bo-chan", "cy-dunn")
START = datetime.date(2024, 1, 1)
DAYS = 120

slugs = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
members = st.sampled_from(MEMBERS)
member_groups = st.lists(members, min_size=1, max_size=3, unique=True).map(tuple)
WEIGHTS = ("points", "population")
NAMED_RULES = (Rule.CONSENSUS, Rule.MAJORITY, Rule.NONE)
thresholds = st.sampled_from(["all"]) | st.builds(
    "{} {}".format,
    st.sampled_from(["more than", "at least"]),
    st.one_of(
        st.integers(0, 12).map(str),
        st.integers(0, 100).map("{}%".format),
        st.tuples(st.integers(0, 5), st.integers(1, 5))
        .filter(lambda pq: pq[0] <= pq[1])
        .map("{0[0]}/{0[1]}".format),
    ),
)
counted = st.sampled_from(["members", *WEIGHTS])
criteria = st.builds(Criterion, threshold=thresholds, count=counted, of=st.sampled_from(Base))


@st.composite
def rule_values(draw: st.DrawFn) -> Rule:
    """Any rule a race can be given as a mapping: thresholds, weights, further tests, a
    veto, eliminations; or a tracker that only ranks."""
    if draw(st.integers(0, 5)) == 0:
        return Rule(count=draw(counted))
    eliminate = draw(
        st.none()
        | st.builds(
            Elimination, below=st.integers(0, 6), lowest_until=st.none() | st.integers(1, 3)
        )
    )
    return Rule(
        threshold=draw(thresholds),
        count=draw(counted),
        of=draw(st.sampled_from(Base)),
        also=tuple(draw(st.lists(criteria, max_size=2))),
        veto=draw(st.none() | st.sampled_from(GROUPS)),
        eliminate=eliminate,
    )


GROUPS = ("permanent", "observers")


_WEIGHT_SETS = st.sampled_from(
    [(), (("points", 3),), (("population", 40),), (("points", 0), ("population", 7))]
)
_GROUP_SETS = st.sampled_from([None, (), ("permanent",), ("observers", "permanent")])


@st.composite
def member_records(draw: st.DrawFn, member: str | None = None) -> Member:
    """A member, bare or with a name, weights and groups (drawn from a few shapes: a race
    draws many of them, and text drawn freely is tested by the round trips)."""
    member_id = member if member is not None else draw(members)
    if draw(st.booleans()):
        return Member(id=member_id)
    return Member(
        id=member_id,
        name=draw(st.sampled_from([None, "Ann", "Bo Chan"])),
        weights=tuple(Weight(name=k, value=v) for k, v in draw(_WEIGHT_SETS)),
        groups=draw(_GROUP_SETS),
    )


@st.composite
def ballot_votes(draw: st.DrawFn, kind: BallotKind = BallotKind.VOTE) -> tuple[Tally, ...]:
    """A ballot's lines: a roll call of some members (each voting once, or once on each
    candidate in a straw poll), or counts (sometimes more than could add up, which the
    replay refuses), sometimes with a group's count."""
    people = [*CANDIDATES, "not-a-candidate"]
    if kind is BallotKind.STRAW_POLL:
        choices: list[tuple[str | None, Vote]] = [
            (c, v) for c in CANDIDATES for v in (Vote.FOR, Vote.AGAINST, Vote.ABSTAIN)
        ]
    else:
        choices = [(c, Vote.FOR) for c in people] + [(None, Vote.ABSTAIN), (None, Vote.ABSENT)]
    if draw(st.booleans()):  # a roll call
        voters = draw(st.lists(members, min_size=1, max_size=len(MEMBERS), unique=True))
        lines: dict[tuple[str | None, Vote], list[str]] = {}
        for voter in voters:
            if kind is BallotKind.STRAW_POLL:
                for candidate in CANDIDATES:
                    vote = draw(st.sampled_from([Vote.FOR, Vote.AGAINST, Vote.ABSTAIN]))
                    lines.setdefault((candidate, vote), []).append(voter)
            else:
                lines.setdefault(draw(st.sampled_from(choices)), []).append(voter)
        return tuple(
            Tally(
                candidate=c,
                vote=v,
                members=tuple(ms),
                name="Someone Else" if c == "not-a-candidate" else None,
            )
            for (c, v), ms in lines.items()
        )
    picked = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=5, unique=True))
    tallies = [
        Tally(
            candidate=c,
            vote=v,
            count=draw(st.integers(0, 6)),
            name="Someone Else" if c == "not-a-candidate" else None,
        )
        for c, v in picked
    ]
    if kind is BallotKind.STRAW_POLL and draw(st.booleans()):
        tallies.append(
            Tally(
                candidate=picked[0][0],
                vote=Vote.AGAINST,
                group="permanent",
                count=draw(st.integers(0, 2)),
            )
        )
    return tuple(tallies)


@st.composite
def _records_of(draw: st.DrawFn, ids: st.SearchStrategy[list[str]]) -> tuple[Member, ...]:
    return tuple(draw(member_records(member)) for member in draw(ids))


_parse = functools.lru_cache(maxsize=None)(parse_date)  # pure, and EDTF parsing is slow


@st.composite
def dates(draw: st.DrawFn, last_day: int = DAYS) -> Date:
    """Dates of every precision the format allows, mostly exact days."""
    day = START + datetime.timedelta(days=draw(st.integers(0, last_day)))
    form = draw(st.sampled_from(["day"] * 6 + ["month", "year", "before", "between"]))
    if form == "day":
        text = day.isoformat()
    elif form == "month":
        text = day.strftime("%Y-%m")
    elif form == "year":
        text = str(day.year)
    elif form == "before":
        text = f"../{day.isoformat()}"
    else:
        later = day + datetime.timedelta(days=draw(st.integers(1, 40)))
        text = f"{day.isoformat()}/{later.isoformat()}"
    return _parse(text)


citations = st.one_of(
    st.builds(Citation, document=st.just("seeds/report.txt"), quote=texts),
    st.builds(
        Citation,
        url=slugs.map(lambda s: f"https://example.org/{s}"),
        publisher=texts,
        quote=texts,
    ),
)
dissents = st.builds(
    Dissent,
    document=st.just("seeds/report.txt"),
    quote=texts,
    claim=texts,
    field=st.none() | st.sampled_from(["date", "summary"]),
)


def _envelope() -> dict[str, Any]:
    return {
        "id": slugs,
        "race": st.just(RACE),
        "date": dates(),
        "summary": texts,
        "sources": st.lists(citations, min_size=1, max_size=2).map(tuple),
        "dissent": st.lists(dissents, max_size=1).map(tuple),
        "note": st.none() | texts,
    }


_OWN_FIELDS: dict[type[Event], dict[str, Any]] = {
    Opening: {
        "office": texts,
        "electorate": _records_of(st.lists(members, min_size=1, max_size=3, unique=True)),
        "rule": st.sampled_from(NAMED_RULES) | rule_values(),
        "incumbent": st.none() | texts,
        "incumbent_since": st.none() | dates(),
        "vacancy": st.none() | dates(),
    },
    Stage: {
        "body": texts,
        "electorate": _records_of(st.lists(members, min_size=1, max_size=3, unique=True)),
        "rule": st.sampled_from(NAMED_RULES) | rule_values(),
    },
    ElectorateChange: {
        "joined": _records_of(st.lists(members, min_size=1, max_size=2, unique=True)),
        "left": st.just(()),
    },
    Mention: {
        "candidate": st.sampled_from(CANDIDATES),
        "name": texts,
        "country": st.none() | members,
    },
    Candidacy: {
        "candidate": st.sampled_from(CANDIDATES),
        "name": texts,
        "country": st.none() | members,
        "put_forward_by": st.none() | members,
    },
    Condition: {
        "member": members,
        "candidate": st.sampled_from(CANDIDATES),
        "kind": st.sampled_from(ConditionKind),
        "conditions": st.lists(texts, min_size=1, max_size=2).map(tuple),
    },
    Endorsement: {
        "members": member_groups,
        "candidate": st.sampled_from(CANDIDATES),
        "conditions": st.lists(texts, max_size=2).map(tuple),
    },
    Stance: {
        "members": member_groups,
        "candidate": st.sampled_from(CANDIDATES),
        "stance": st.sampled_from(Position),
    },
    UnnamedSupport: {
        "candidate": st.sampled_from(CANDIDATES),
        "count": st.integers(1, 9),
        "approximate": st.booleans(),
        "besides": st.lists(members, max_size=2, unique=True).map(tuple),
    },
    Context: {
        "kind": st.sampled_from(ContextKind),
        "candidate": st.none() | st.sampled_from(CANDIDATES),
        "members": st.lists(members, max_size=2, unique=True).map(tuple),
        "about": st.none() | dates(),
    },
    Withdrawal: {"candidate": st.sampled_from(CANDIDATES)},
    Ballot: {
        "number": st.integers(1, 30),
        "kind": st.just(BallotKind.VOTE),
        "record": st.none() | texts,
        "votes": ballot_votes(),
        "eliminated": st.lists(st.sampled_from(CANDIDATES), max_size=1, unique=True).map(tuple),
    },
    Appointment: {
        "candidate": st.sampled_from(CANDIDATES),
        "takes_office": st.none() | dates(),
        "term": st.none() | texts,
    },
    Retraction: {"retracts": slugs, "reason": texts},
}
FACT_TYPES = [cls for cls in EVENT_TYPES.values() if cls not in SUPERSEDING]


def _facts() -> st.SearchStrategy[Event]:
    return st.one_of([st.builds(cls, **_envelope(), **_OWN_FIELDS[cls]) for cls in FACT_TYPES])


@st.composite
def _corrections(draw: st.DrawFn) -> Event:
    """A correction whose replacement is any fact event, with the corrected id and race."""
    wrong = draw(_facts())
    replacement = attrs.evolve(draw(_facts()), id=wrong.id, race=RACE)
    fields = {name: draw(strategy) for name, strategy in _envelope().items()}
    return Correction(
        **{**fields, "race": RACE}, corrects=wrong.id, reason=draw(texts), replacement=replacement
    )


def events_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Any valid event of class ``cls`` (not necessarily consistent with a race)."""
    if cls is Correction:
        return _corrections()
    return st.builds(cls, **_envelope(), **_OWN_FIELDS[cls])


assert set(_OWN_FIELDS) | {Correction} == set(EVENT_TYPES.values()), "a strategy for every type"
event_values = st.one_of([events_of(cls) for cls in EVENT_TYPES.values()])


_SOURCE = (
    Citation(document="seeds/report.txt", published=parse_date(START.isoformat()), quote="q"),
)
# Sources of race events: published some day after the race opened, as precisely as drawn.
_DATED_SOURCES = dates().map(
    lambda day: (Citation(document="seeds/report.txt", published=day, quote="q"),)
)


def _race_event(cls: type[Event], last_day: int = DAYS, **fields: Any) -> st.SearchStrategy[Event]:
    own = fields or _OWN_FIELDS[cls]
    return st.builds(
        cls,
        id=st.just("e"),  # replaced by a unique id in raw_race
        race=st.just(RACE),
        date=dates(last_day),
        summary=st.just("s"),
        sources=_DATED_SOURCES,
        **own,
    )


_pair = st.lists(members, min_size=1, max_size=2, unique=True).map(tuple)
_joining = _records_of(st.lists(members, min_size=1, max_size=2, unique=True))
_changing = _records_of(st.lists(members, min_size=1, max_size=2, unique=True)).map(
    lambda records: tuple(
        r if r.name or r.weights or r.groups is not None else attrs.evolve(r, name="N")
        for r in records
    )
)
# Built once: constructing strategies inside a draw loop is slow.
_SUPPORT_EVENTS = st.one_of(
    # entries mostly early in the race, so that later events find their candidates
    _race_event(Mention, last_day=DAYS // 3),
    _race_event(Candidacy, last_day=DAYS // 3),
    _race_event(Candidacy),
    _race_event(Condition),
    _race_event(Endorsement),
    _race_event(Endorsement),
    _race_event(Endorsement),
    _race_event(Stance),
    _race_event(Stance),
    _race_event(UnnamedSupport),
    _race_event(Context),
    _race_event(ElectorateChange, joined=_joining),
    _race_event(ElectorateChange, left=_pair),
    _race_event(ElectorateChange, changed=_changing),
    _race_event(Withdrawal),
    _race_event(Appointment),
)
_BALLOTS = st.one_of(
    _race_event(
        Ballot,
        number=st.integers(1, 4),
        kind=st.just(BallotKind.VOTE),
        votes=ballot_votes(),
        eliminated=st.lists(st.sampled_from(CANDIDATES), max_size=1).map(tuple),
    ),
    _race_event(
        Ballot,
        number=st.integers(1, 4),
        kind=st.just(BallotKind.STRAW_POLL),
        votes=ballot_votes(BallotKind.STRAW_POLL),
    ),
)
_STAGES = _race_event(
    Stage,
    body=st.just("b"),
    electorate=_records_of(st.lists(members, min_size=3, max_size=8, unique=True)),
    rule=st.sampled_from(NAMED_RULES) | rule_values(),
)
_RACE_EVENTS = _SUPPORT_EVENTS | _BALLOTS | _STAGES


@st.composite
def raw_race(draw: st.DrawFn, rule: Rule | None = None, ballots: bool = True) -> list[Event]:
    """An opening on the first day, then freely drawn events (possibly inconsistent);
    without ``ballots``, only events of standing support."""
    opening = Opening(
        id="opening",
        race=RACE,
        date=parse_date(START.isoformat()),
        summary="The race opens",
        sources=_SOURCE,
        office="Chair",
        electorate=draw(_records_of(st.lists(members, min_size=6, max_size=10, unique=True))),
        rule=rule if rule is not None else draw(st.sampled_from(NAMED_RULES) | rule_values()),
    )
    entrants: list[Event] = draw(
        st.lists(_race_event(Candidacy, last_day=10), min_size=1, max_size=3)
    )
    kinds = _RACE_EVENTS if ballots else _SUPPORT_EVENTS
    drawn: list[Event] = entrants + draw(st.lists(kinds, min_size=2, max_size=24))
    whole_electorate: bool = draw(st.booleans())
    if whole_electorate:
        # the whole electorate backs one entrant, so that decisions are reached too
        names = [e.candidate for e in entrants if isinstance(e, Candidacy)]
        drawn.append(
            draw(
                _race_event(
                    Endorsement,
                    members=st.just(opening.member_ids),
                    candidate=st.sampled_from(names),
                    conditions=st.just(()),
                )
            )
        )
    # ids drawn as a permutation, so that the id tie-break disagrees with drawing order
    ids = draw(st.permutations(range(len(drawn))))
    return [opening, *(attrs.evolve(e, id=f"e-{i}") for e, i in zip(drawn, ids, strict=True))]


def consistent(events: list[Event]) -> list[Event]:
    """The events that replay without error, rejected ones skipped."""
    state = RaceState(RACE)
    kept = []
    for event in replay_order(events):
        try:
            state = apply(state, event)
        except ReplayError:
            continue
        kept.append(event)
    return kept


def races(rule: Rule | None = None, ballots: bool = True) -> st.SearchStrategy[list[Event]]:
    """The events of one consistent race, in an arbitrary (drawn) order."""
    return raw_race(rule, ballots).map(consistent).flatmap(st.permutations)


query_days = st.integers(-5, DAYS + 60).map(lambda n: START + datetime.timedelta(days=n))


@st.composite
def superseded_races(draw: st.DrawFn) -> list[Event]:
    """A consistent race plus retractions and corrections of some of its events, on
    drawn days: histories with several versions, some of which may not replay."""
    events: list[Event] = draw(races())
    extra: list[Event] = []
    targets = draw(st.lists(st.sampled_from(events), max_size=3, unique_by=lambda e: e.id))
    for index, target in enumerate(targets):
        day = parse_date(draw(query_days).isoformat())
        envelope: dict[str, Any] = {
            "id": f"change-{index}", "race": RACE, "date": day, "summary": "s",
            "sources": target.sources,
        }  # fmt: skip
        if draw(st.booleans()):
            extra.append(Retraction(**envelope, retracts=target.id, reason="wrong"))
        else:
            fact = draw(event_values.filter(lambda e: not isinstance(e, Retraction | Correction)))
            moved = attrs.evolve(target, date=parse_date(draw(query_days).isoformat()))
            replacement = draw(
                st.sampled_from([moved, attrs.evolve(fact, id=target.id, race=RACE)])
            )
            extra.append(
                Correction(**envelope, corrects=target.id, reason="wrong", replacement=replacement)
            )
    return [*events, *extra]
