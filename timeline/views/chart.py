"""What a chart of a race shows, as plain values: backers over time and the key events.

Pure: events in, a :class:`Chart` out, every point computed by the replay (through
the checkpoint index, one state per day an event counts). ``plot.py`` draws it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs

from timeline.engine.checkpoints import RaceIndex
from timeline.engine.fold import choose_race, replay_order, told_at
from timeline.model.events import (
    Appointment,
    Candidacy,
    ElectorateChange,
    Event,
    Opening,
    Withdrawal,
)
from timeline.model.rules import Rule

#: Event types worth a label on the chart.
KEY_EVENTS = (Opening, Candidacy, Withdrawal, Appointment, ElectorateChange)
#: Beyond this many labels, changes of the electorate are left unlabelled (a tracker's
#: universe changes with every report; its labels would cover the chart).
MAX_MARKS = 12


@attrs.frozen
class Step:
    """The race from ``day`` on: what a score is out of (the electorate's size, or its
    weight), and each candidate's score (members backing, votes on the latest ballot, or
    a weight: what the rule counts)."""

    day: datetime.date
    electorate: int
    backers: tuple[int, ...]  # in the order of Chart.candidates


@attrs.frozen
class Mark:
    """A key event, labelled on the day it counts from."""

    day: datetime.date
    label: str
    event: str


@attrs.frozen
class Chart:
    """A race's steps between two days, its candidates and its key events."""

    race: str
    office: str
    rule: Rule | None
    candidates: tuple[tuple[str, str], ...]  # (id, name), in order of entry
    steps: tuple[Step, ...]
    marks: tuple[Mark, ...]
    counted: str = "members backing"  # what the steps count, as of the last day


def chart(
    events: Sequence[Event],
    race: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Chart:
    """The chart of ``race`` (or the only race) from ``start`` to ``end`` (default: its
    first and last event)."""
    race = choose_race(events, race)
    told = told_at(events, datetime.date.max, race)
    days = sorted({e.date.latest for e in told})
    first, last = start or (days[0] if days else None), end or (days[-1] if days else None)
    index = RaceIndex(events, race)
    wanted = [d for d in days if (first is None or d >= first) and (last is None or d <= last)]
    if first is not None and (not wanted or wanted[0] != first):
        wanted.insert(0, first)  # where the chart begins, even if nothing happens that day
    states = [(day, index.state_at(day)) for day in wanted]
    final = states[-1][1] if states else None
    candidates = tuple((c.id, c.name) for c in final.candidates) if final else ()
    steps = tuple(
        Step(
            day,
            state.counted_of if state.opened else 0,
            tuple(
                state.score(c) if c is not None and state.opened else 0
                for c in (state.candidate(candidate_id) for candidate_id, _ in candidates)
            ),
        )
        for day, state in states
    )
    keys = [
        e
        for e in replay_order(told)
        if isinstance(e, KEY_EVENTS)
        and (first is None or e.date.latest >= first)
        and (last is None or e.date.latest <= last)
    ]
    if len(keys) > MAX_MARKS:
        keys = [e for e in keys if not isinstance(e, ElectorateChange)]
    marks = tuple(Mark(e.date.latest, _label(e), e.id) for e in keys)
    office = final.office if final is not None and final.office else race
    counted = final.counted if final is not None and final.opened else "members backing"
    if counted.startswith("votes on ballot"):
        counted = "votes on the latest ballot"
    rule = final.rule if final else None
    return Chart(race, office, rule, candidates, steps, marks, counted)


def _label(event: Event) -> str:
    """A few words for a key event: its summary, cut at a word near 48 characters."""
    text = event.summary
    if len(text) <= 48:
        return text
    return text[:48].rsplit(" ", 1)[0] + "…"
