"""Properties of the replay, proven over random races (see tests/strategies.py)."""

from __future__ import annotations

import datetime
import random

import attrs
from hypothesis import given
from hypothesis import strategies as st

from timeline import (
    Appointment,
    Candidacy,
    Citation,
    ElectorateChange,
    Endorsement,
    Event,
    Mention,
    Opening,
    RaceState,
    Replayer,
    ReplayError,
    Retraction,
    Rule,
    Stance,
    Status,
    Withdrawal,
    fold,
    parse_date,
    replay_key,
    replay_order,
    state_at,
)

from strategies import RACE, START, event_values, query_days, races


@given(races(), query_days, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(
    events: list[Event], at: datetime.date, rnd: random.Random
) -> None:
    """Shuffling the files changes nothing.

    The drawn races are already in random order; a second, independent shuffle
    makes the test compare two different orders (a fold that used input order
    for ties would fail on same-day events, which the strategy draws often).
    """
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert state_at(events, at) == state_at(shuffled, at)


@given(races(), query_days, event_values, st.integers(1, 400))
def test_events_after_a_day_change_nothing_on_it(
    events: list[Event], at: datetime.date, later: Event, days_after: int
) -> None:
    """Adding any event whose latest possible day is after D leaves the state at D alone.

    The added event is arbitrary, even one that would not replay, so the test
    also proves that nothing after D is looked at.
    """
    day = at + datetime.timedelta(days=days_after)
    later = attrs.evolve(later, id="later-event", race=RACE, date=parse_date(day.isoformat()))
    assert state_at(events, at) == state_at([*events, later], at)


@given(races(), query_days)
def test_state_at_a_day_uses_exactly_the_events_that_count_by_then(
    events: list[Event], at: datetime.date
) -> None:
    """state_at(D) equals folding just the events whose latest possible day is <= D."""
    counted = [e for e in events if e.date.latest <= at]
    assert fold(RaceState(RACE), counted) == state_at(events, at)


@given(races(), st.data())
def test_folding_a_prefix_then_the_rest_equals_folding_everything(
    events: list[Event], data: st.DataObject
) -> None:
    """fold(fold(s, prefix), rest) == fold(s, all), for every split of the replay order.

    A fold that kept hidden state outside RaceState (a cache, a counter)
    would differ here.
    """
    ordered = replay_order(events)
    cut = data.draw(st.integers(0, len(ordered)))
    start = RaceState(RACE)
    assert fold(start, ordered) == fold(fold(start, ordered[:cut]), ordered[cut:])


@given(races())
def test_replay_order_is_total_and_sorted(events: list[Event]) -> None:
    """The replay key is unique per event (ids are), so the order is total."""
    keys = [replay_key(e) for e in replay_order(events)]
    assert sorted(keys) == keys
    assert len(set(keys)) == len(keys)


def _naive(events: list[Event], at: datetime.date) -> tuple[set[str], dict[str, str], set[str]]:
    """A deliberately simple model: (electorate, member -> backed candidate, active candidates)."""
    electorate: set[str] = set()
    backs: dict[str, str] = {}
    status: dict[str, str] = {}
    for event in sorted((e for e in events if e.date.latest <= at), key=replay_key):
        if isinstance(event, Opening):
            electorate = set(event.member_ids)
        elif isinstance(event, ElectorateChange):
            electorate = (electorate | {m.id for m in event.joined}) - set(event.left)
            for member in event.left:
                backs.pop(member, None)
        elif isinstance(event, Mention):
            status.setdefault(event.candidate, "mentioned")
        elif isinstance(event, Candidacy):
            status[event.candidate] = "declared"
            if event.put_forward_by:
                backs[event.put_forward_by] = event.candidate
        elif isinstance(event, Endorsement):
            for member in event.members:
                backs[member] = event.candidate
        elif isinstance(event, Stance):  # any stance other than support ends a backing
            for member in event.members:
                if backs.get(member) == event.candidate:
                    del backs[member]
        elif isinstance(event, Withdrawal):
            status[event.candidate] = "withdrawn"
        elif isinstance(event, Appointment):
            status[event.candidate] = "appointed"
    active = {c for c, s in status.items() if s != "withdrawn"}
    return electorate, backs, active


@given(races(ballots=False), query_days)
def test_backers_match_a_naive_model(events: list[Event], at: datetime.date) -> None:
    """Who backs whom equals a plain dict-based replay: one backing per member,
    the last endorsement wins, a member putting a candidate forward backs them,
    members leaving the electorate lose their backing."""
    electorate, backs, _ = _naive(events, at)
    state = state_at(events, at)
    assert electorate == set(state.electorate)
    assert backs == {b.member: c.id for c in state.candidates for b in c.backers}


@given(races(rule=Rule.CONSENSUS, ballots=False), query_days)
def test_consensus_holds_exactly_when_every_member_backs_the_same_candidate(
    events: list[Event], at: datetime.date
) -> None:
    """decided <=> the electorate is non-empty and all its members back one active candidate.

    About one race in six is drawn with a whole-electorate endorsement, so
    both outcomes occur; the model is computed without the fold's code.
    """
    electorate, backs, active = _naive(events, at)
    backed = {backs.get(member) for member in electorate}
    expected = bool(electorate) and len(backed) == 1 and backed <= active
    assert expected == state_at(events, at).decided


@given(races(rule=Rule.MAJORITY, ballots=False), query_days)
def test_majority_holds_exactly_when_more_than_half_back_one_candidate(
    events: list[Event], at: datetime.date
) -> None:
    """decided <=> some active candidate is backed by more than half the electorate."""
    electorate, backs, active = _naive(events, at)
    counts = {c: sum(1 for m in electorate if backs.get(m) == c) for c in active}
    expected = any(2 * n > len(electorate) for n in counts.values())
    assert expected == state_at(events, at).decided


@given(races(), query_days)
def test_holdouts_and_leader_backers_partition_the_electorate(
    events: list[Event], at: datetime.date
) -> None:
    """Every member of the electorate either backs the leader (voted for it on the latest
    roll call) or is a holdout, never both; when only counts are known, nobody is named."""
    state = state_at(events, at)
    backers = None if state.leader is None else state.supporters(state.leader)
    if backers is None:
        assert () == state.holdouts
        return
    assert not backers & set(state.holdouts)
    assert state.electorate == backers | set(state.holdouts)


@given(races())
def test_nothing_counts_before_the_opening(events: list[Event]) -> None:
    """The day before the race opens, its state is the empty state."""
    before = START - datetime.timedelta(days=1)
    state = state_at(events, before)
    assert RaceState(RACE) == state
    assert not state.opened


def _outcome(events: list[Event], at: datetime.date) -> RaceState | str:
    """The state, or the fact that the events do not replay."""
    if not events:  # every event retracted: the race is back to its empty state
        return RaceState(RACE)
    try:
        return state_at(events, at)
    except ReplayError:
        return "does not replay"


@given(races(), query_days, st.data())
def test_a_retraction_equals_replay_without_the_event_from_its_date_on(
    events: list[Event], at: datetime.date, data: st.DataObject
) -> None:
    """With a retraction dated R, the state at D is the state without the retracted
    event when R <= D, and the state with it when D < R (both histories stay queryable).

    Removing an event can make a later one unreplayable (its candidate never
    entered); then both sides must say so.
    """
    target = data.draw(st.sampled_from(events))
    day = data.draw(query_days)
    retraction = Retraction(
        id="the-retraction",
        race=RACE,
        date=parse_date(day.isoformat()),
        summary="s",
        sources=(Citation(document="seeds/report.txt", quote="q"),),
        retracts=target.id,
        reason="r",
    )
    without = [e for e in events if e is not target]
    expected = _outcome(without if day <= at else events, at)
    assert expected == _outcome([*events, retraction], at)


@given(races(), query_days)
def test_known_on_in_the_far_future_equals_plain_replay(
    events: list[Event], at: datetime.date
) -> None:
    """Every event of the drawn races has a dated source, so all are known by the end of time."""
    assert state_at(events, at) == state_at(events, at, known_on=datetime.date.max)


@given(races(), query_days, query_days)
def test_known_on_replays_exactly_the_events_reported_by_then(
    events: list[Event], at: datetime.date, known_on: datetime.date
) -> None:
    """--known-on K is the plain replay of the events whose sources had appeared by K
    (an event is reported on the earliest latest-publication day of its sources)."""
    reported = [
        e for e in events if min(c.published.latest for c in e.sources if c.published) <= known_on
    ]
    expected = _outcome(reported, at)
    try:
        actual: RaceState | str = state_at(events, at, known_on=known_on)
    except ReplayError:
        actual = "does not replay"
    assert expected == actual


_PROBE_CONDITIONS = ("c1", "c2")


@given(races(), st.data())
def test_an_endorsement_repeats_exactly_when_it_changes_nothing(
    events: list[Event], data: st.DataObject
) -> None:
    """``Replayer.repeats`` (behind validate's warning) names earlier events exactly when
    applying the endorsement leaves the state as it was, but for the count of events.

    After each event of a race, a probe endorsement is drawn from the state reached: a
    backer (or any member) of a candidate, with conditions it holds or new ones, so that
    repeats, new members and new conditions are all drawn often."""
    replayer = Replayer(RaceState(RACE))
    for event in replay_order(events):
        replayer.apply(event)
        state = replayer.state()
        active = [c for c in state.candidates if c.status is not Status.WITHDRAWN]
        if not active or not state.electorate:
            continue
        candidate = data.draw(st.sampled_from(active))
        held = {b.member: b.conditions for b in candidate.backers}
        member = data.draw(st.sampled_from(sorted(held) or sorted(state.electorate)))
        pool = sorted({*held.get(member, ()), *_PROBE_CONDITIONS})
        conditions = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=2))
        probe = attrs.evolve(
            _PROBE, members=(member,), candidate=candidate.id, conditions=tuple(conditions)
        )
        trial = Replayer(state)
        repeated = trial.repeats(probe)
        try:
            trial.apply(probe)
        except ReplayError:
            continue  # the member left the electorate, say: not a question of repeats
        after = attrs.evolve(trial.state(), applied=state.applied, last_event=state.last_event)
        assert bool(repeated) == (state == after), probe


_PROBE = Endorsement(
    id="probe",
    race=RACE,
    date=parse_date(START.isoformat()),
    summary="s",
    sources=(Citation(document="seeds/report.txt", quote="q"),),
    members=("AL",),
    candidate="ann-lee",
)
