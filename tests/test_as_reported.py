"""Validation replays each race as reported on every day; it resumes from saved states.

The incremental replay must report exactly what replaying every day from the
opening reports (the way it was first written, kept here as the oracle).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

import attrs
from hypothesis import given
from hypothesis import strategies as st

from timeline import Correction, Event, told_at
from timeline.engine import replay_checks as checks
from timeline.engine.checks import Finding
from timeline.engine.fold import reported_by

from strategies import RACE, raw_race, superseded_races


def _day_by_day(events: Sequence[Event]) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    days = sorted({e.reported for e in events if e.reported is not None})
    for day in days:
        history = told_at(events, datetime.date.max, RACE, known_on=day)
        corrected = {
            e.corrects: e.id for e in reported_by(events, day) if isinstance(e, Correction)
        }
        for finding in checks.replay(RACE, history, corrected):
            if finding.severity == "error" and (finding.event, finding.message) not in seen:
                seen.add((finding.event, finding.message))
                yield attrs.evolve(finding, message=f"as reported by {day}: {finding.message}")


@given(raw_race(), st.integers(1, 5))
def test_resuming_reports_what_replaying_every_day_reports(events: list[Event], every: int) -> None:
    """Drawn races (their sources published on drawn days, so events are often reported
    before what they need) give the same problems, in the same order, for any spacing
    of the saved states."""
    resumed = list(checks.as_reported_findings(events, every=every))
    assert list(_day_by_day(events)) == resumed


@given(superseded_races(), st.integers(1, 5))
def test_resuming_reports_what_replaying_every_day_reports_with_corrections(
    events: list[Event], every: int
) -> None:
    """The same, on consistent races with retractions and corrections of their events
    (each day's history is merged from one sort, not sorted again)."""
    resumed = list(checks.as_reported_findings(events, every=every))
    assert list(_day_by_day(events)) == resumed
