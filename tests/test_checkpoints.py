"""The checkpoint index answers exactly what a full replay answers, at every date."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from hypothesis import event, given
from hypothesis import strategies as st

from timeline import Event, RaceState, ReplayError, state_at
from timeline.engine.checkpoints import RaceIndex

from strategies import RACE, query_days, superseded_races


def _outcome(call: Callable[[], RaceState]) -> object:
    try:
        return call()
    except ReplayError as exc:
        return exc.event_id, exc.message, exc.field


@given(superseded_races(), st.lists(query_days, min_size=1, max_size=12), st.integers(1, 6))
def test_index_equals_full_replay_at_every_date(
    events: list[Event], days: list[datetime.date], every: int
) -> None:
    """Any dates, in any order, against any version of the history: same state or same error.

    ``every`` is drawn small so that queries land before, on and between checkpoints.
    """
    index = RaceIndex(events, RACE, every=every)
    if every % 2:
        index.prepare()  # every version replayed up front, or on first use: the same answers
    for day in days:
        outcome = _outcome(lambda: state_at(events, day, RACE))  # noqa: B023
        event("error" if isinstance(outcome, tuple) else "state")
        assert _outcome(lambda: state_at(events, day, RACE)) == _outcome(  # noqa: B023
            lambda: index.state_at(day)  # noqa: B023
        )


@given(superseded_races(), query_days, query_days)
def test_index_as_known_on_a_day_equals_full_replay(
    events: list[Event], at: datetime.date, known_on: datetime.date
) -> None:
    index = RaceIndex(events, RACE, known_on=known_on, every=3)
    assert _outcome(lambda: state_at(events, at, RACE, known_on)) == _outcome(
        lambda: index.state_at(at)
    )
