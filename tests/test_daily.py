"""The states of a race on many days, in one pass, are ``state_at``'s, day by day."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from timeline import Event, ReplayError, UnknownRaceError, load_repository, state_at
from timeline.engine.daily import daily_states

from helpers import NATO, REPO
from strategies import RACE, START, query_days, superseded_races

_REAL = load_repository(REPO / "events")


def _walk(outcomes: Iterator[tuple[datetime.date, object]]) -> list[tuple[datetime.date, object]]:
    """The (day, state) pairs of a walk, ending with (day, error) if one day fails."""
    found: list[tuple[datetime.date, object]] = []
    try:
        for day, state in outcomes:
            found.append((day, state))
    except ReplayError as exc:
        found.append((None, (exc.event_id, exc.message, exc.field)))  # type: ignore[arg-type]
    return found


def _expected(
    events: list[Event], days: list[datetime.date], then: bool
) -> list[tuple[datetime.date, object]]:
    expected: list[tuple[datetime.date, object]] = []
    for day in days:
        try:
            expected.append((day, state_at(events, day, RACE, day if then else None)))
        except ReplayError as exc:
            expected.append((None, (exc.event_id, exc.message, exc.field)))  # type: ignore[arg-type]
            break
    return expected


@given(
    superseded_races(),
    st.lists(query_days, min_size=1, max_size=40, unique=True).map(sorted),
    st.booleans(),
    st.integers(1, 5),
)
def test_each_day_is_state_at_as_known_now_and_then(
    events: list[Event], days: list[datetime.date], then: bool, every: int
) -> None:
    """Any increasing days, with retractions and corrections coming to count among them,
    as known now and as known on each day: the same state, or the same error on the
    same day. ``every`` is drawn small, so that resumes land on and between saved states."""
    expected = _expected(events, days, then)
    event("error" if expected[-1][0] is None else "states")
    assert _walk(daily_states(events, RACE, days, known_then=then, every=every)) == expected


@given(superseded_races(), st.booleans())
def test_every_day_of_a_race(events: list[Event], then: bool) -> None:
    """Every day from before the opening to after the last event, one after another."""
    days = [START + datetime.timedelta(days=n) for n in range(-3, 190)]
    assert _walk(daily_states(events, RACE, days, known_then=then)) == _expected(events, days, then)


@given(superseded_races(), st.booleans())
def test_repeated_ids_give_state_at_too(events: list[Event], then: bool) -> None:
    """A library caller may pass an event twice: the walk still answers as ``state_at``."""
    doubled = [*events, events[0]]
    days = [START + datetime.timedelta(days=n) for n in range(0, 130, 7)]
    assert _walk(daily_states(doubled, RACE, days, known_then=then)) == _expected(
        doubled, days, then
    )


@pytest.mark.parametrize("repeated", [False, True])
def test_days_must_increase(repeated: bool) -> None:
    events = list(_REAL.events)
    if repeated:  # the path for events whose ids repeat checks the days too
        events.append(events[0])
    days = [datetime.date(2024, 1, 2), datetime.date(2024, 1, 1)]
    with pytest.raises(ValueError, match="days must increase"):
        list(daily_states(events, NATO, days))


def test_an_unknown_race_is_an_error_as_in_state_at() -> None:
    with pytest.raises(UnknownRaceError):
        state_at(_REAL.events, START, "no-such-race")
    with pytest.raises(UnknownRaceError):
        list(daily_states(_REAL.events, "no-such-race", [START]))
