"""Validation replays each race as reported on every day; it resumes from saved states.

The incremental replay must report exactly what replaying every day from the
opening reports (the way it was first written, kept here as the oracle).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence

import attrs
from hypothesis import given
from hypothesis import strategies as st

from timeline import Correction, Event, Problem, told_at
from timeline.engine.fold import reported_by
from timeline.storage import load
from timeline.storage.repository import EventFile

from strategies import RACE, raw_race


def _day_by_day(events: Sequence[Event], files: Mapping[str, EventFile]) -> Iterator[Problem]:
    seen: set[tuple[str, str]] = set()
    days = sorted({e.reported for e in events if e.reported is not None})
    for day in days:
        history = told_at(events, datetime.date.max, RACE, known_on=day)
        corrected = {
            e.corrects: e.id for e in reported_by(events, day) if isinstance(e, Correction)
        }
        for problem in load._replay(RACE, history, files, corrected):
            if problem.severity == "error" and (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                yield attrs.evolve(problem, message=f"as reported by {day}: {problem.message}")


@given(raw_race(), st.integers(1, 5))
def test_resuming_reports_what_replaying_every_day_reports(events: list[Event], every: int) -> None:
    """Drawn races (their sources published on drawn days, so events are often reported
    before what they need) give the same problems, in the same order, for any spacing
    of the saved states."""
    files = {e.id: EventFile(f"/nowhere/{e.id}.yaml") for e in events}
    spacing = load._EVERY
    load._EVERY = every
    try:
        resumed = list(load._as_reported_problems(events, files))
    finally:
        load._EVERY = spacing
    assert list(_day_by_day(events, files)) == resumed
