"""Many races in one repository: when each opened and was decided, and which are open.

Pure functions over events (no I/O). A race is *open* on a day when its opening
counts by that day and it had not been decided the day before: a race decided on
day D is still shown on D, the day its decision is news.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs

from timeline.engine.fold import told_at
from timeline.engine.replayer import Replayer
from timeline.model.events import Event, Opening
from timeline.model.state import RaceState


@attrs.frozen
class RaceSummary:
    """One race at a glance."""

    race: str
    office: str | None
    opened: datetime.date | None  # the day its opening counts from
    decided: datetime.date | None  # the day its decision counts from
    appointed: str | None  # the name of whoever was appointed
    events: int


def summarize(events: Sequence[Event], race: str) -> RaceSummary:
    """``race`` at a glance, as its events tell it today (corrections applied)."""
    mine = [e for e in events if e.race == race]
    last = max((e.date.latest for e in mine), default=datetime.date.min)
    told = told_at(mine, last, race)
    replayer = Replayer(RaceState(race))
    opened = decided = None
    for event in told:
        replayer.apply(event)
        if opened is None and isinstance(event, Opening):
            opened = event.date.latest
        if decided is None and replayer.appointed is not None:
            decided = event.date.latest
    state = replayer.state()
    winner = state.candidate(state.appointed) if state.appointed else None
    return RaceSummary(
        race=race,
        office=state.office,
        opened=opened,
        decided=decided,
        appointed=winner.name if winner is not None else None,
        events=len(mine),
    )


def open_on(summary: RaceSummary, day: datetime.date) -> bool:
    """True when the race had opened by ``day`` and was not decided before it."""
    if summary.opened is None or summary.opened > day:
        return False
    return summary.decided is None or summary.decided >= day
