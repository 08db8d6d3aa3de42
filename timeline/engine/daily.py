"""A race's state on each of many days, in one pass: as known now, or as known then.

``state_at(events, day, race)`` replays the race from its opening; asked for every
day of a race, that is one replay a day. :func:`daily_states` walks the days in order
instead, keeping the replay order of the events that count so far and the replay of
it: a new day adds the events that come to count on it (as known then: that count and
had been reported by it), each put in its place in the order, and the replay resumes
from the first place that changed, from a state saved every
:data:`~timeline.engine.checkpoints.EVERY` events, or simply goes on when the new
events come after every event already replayed (nearly always: reports follow events).

A retraction or correction changes the history itself (``fold.told_at``): on a day one
comes to count (or a correction's replacement does), the order is told again in full
and compared with the day before's, so the replay still resumes from the first event
that differs. Each day's answer is exactly what :func:`~timeline.engine.fold.state_at`
gives, error included (``tests/test_daily.py`` holds the two together on drawn races).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence

from timeline.engine.checkpoints import EVERY, SavedStates
from timeline.engine.fold import choose_race, replay_key, retracted_and_replaced, state_at
from timeline.engine.replayer import Replayer
from timeline.model.events import Correction, Event, Retraction
from timeline.model.state import RaceState

__all__ = ["daily_states"]

Key = tuple[datetime.date, int, datetime.date, str]


def daily_states(
    events: Sequence[Event],
    race: str,
    days: Iterable[datetime.date],
    *,
    known_then: bool = False,
    every: int = EVERY,
) -> Iterator[tuple[datetime.date, RaceState]]:
    """``(day, state_at(events, day, race))`` for each of ``days`` (in increasing order);
    with ``known_then``, ``state_at(events, day, race, known_on=day)``: the race as a
    reader saw it on that day. Raises :class:`~timeline.errors.ReplayError` on the first
    day whose replay fails and ``UnknownRaceError`` for a race with no event, as
    ``state_at`` would; ``ValueError`` if a day does not come after the one before."""
    choose_race(events, race)  # an unknown race: UnknownRaceError, as state_at raises
    mine = [e for e in events if e.race == race]
    days = _increasing(days)
    if len({e.id for e in mine}) != len(mine):  # only a library caller repeats ids
        for day in days:
            yield day, state_at(mine, day, race, known_on=day if known_then else None)
        return
    yield from _Walk(mine, race, _visible_then if known_then else _visible_now, every).run(days)


def _increasing(days: Iterable[datetime.date]) -> Iterator[datetime.date]:
    """``days``; ``ValueError`` at the first that does not come after the one before."""
    last: datetime.date | None = None
    for day in days:
        if last is not None and day <= last:
            raise ValueError(f"days must increase: {day} after {last}")
        yield day
        last = day


def _visible_now(event: Event) -> datetime.date | None:
    """The day an event starts to count, as known now: its latest possible day."""
    return event.date.latest


def _visible_then(event: Event) -> datetime.date | None:
    """The day an event starts to count as known then: it has happened and been
    reported (never, without a dated source)."""
    reported = event.reported
    return None if reported is None else max(reported, event.date.latest)


class _Walk:
    """The walk over the days of one race whose events each have their own id."""

    def __init__(
        self,
        mine: list[Event],
        race: str,
        visible: Callable[[Event], datetime.date | None],
        every: int,
    ) -> None:
        self.race = race
        arriving = [(day, e) for e in mine if (day := visible(e)) is not None]
        arriving.sort(key=lambda pair: pair[0])
        self.arrival_days = [day for day, _ in arriving]
        self.arriving = [e for _, e in arriving]
        self.taken = 0  # how many of ``arriving`` have come to count
        # the days the history is told again: a change comes to count, or a replacement
        retold = {day for day, e in arriving if isinstance(e, Retraction | Correction)}
        retold |= {e.replacement.date.latest for e in mine if isinstance(e, Correction)}
        self.retold = sorted(retold)
        self.plain: list[Event] = []  # the facts that have come to count, as filed
        self.changes: list[Event] = []  # the retractions and corrections, in ``mine``'s order
        self.order = {id(e): n for n, e in enumerate(mine)}
        self.gone: set[str] = set()  # ids retracted or replaced by the changes so far
        self.history: list[Event] = []  # the events that count, in replay order
        self.keys: list[Key] = []
        self.saved = SavedStates(race, every)
        self.done, self.replayer = 0, Replayer(RaceState(race))

    def run(self, days: Iterable[datetime.date]) -> Iterator[tuple[datetime.date, RaceState]]:
        last: datetime.date | None = None
        for day in days:
            end = bisect.bisect_right(self.arrival_days, day)
            new, self.taken = self.arriving[self.taken : end], end
            retell = last is None or bisect.bisect_right(self.retold, day) > bisect.bisect_right(
                self.retold, last
            )
            first = self._retell(new, day) if retell else self._insert(new)
            yield day, self._replay(first)
            last = day

    def _insert(self, new: list[Event]) -> int:
        """Put the new facts (no change among them) in their places; the first place."""
        first = len(self.history)
        for event in sorted(new, key=replay_key):
            self.plain.append(event)
            if event.id in self.gone:
                continue
            key = replay_key(event)
            at = bisect.bisect_right(self.keys, key)
            self.keys.insert(at, key)
            self.history.insert(at, event)
            first = min(first, at)
        return first

    def _retell(self, new: list[Event], day: datetime.date) -> int:
        """Tell the history of ``day`` again in full (``told_at``'s rules); the first
        place where it differs from the history before."""
        for event in new:
            (self.changes if isinstance(event, Retraction | Correction) else self.plain).append(
                event
            )
        self.changes.sort(key=lambda e: self.order[id(e)])  # supersede reads them in order
        retracted, replaced = retracted_and_replaced(self.changes)
        self.gone = retracted | replaced.keys()
        told = [e for e in self.plain if e.id not in self.gone]
        told += [
            e for target, e in replaced.items() if target not in retracted and e.date.latest <= day
        ]
        told.sort(key=replay_key)
        first = next(
            (n for n, (a, b) in enumerate(zip(self.history, told, strict=False)) if a is not b),
            min(len(self.history), len(told)),
        )
        self.history, self.keys = told, [replay_key(e) for e in told]
        return first

    def _replay(self, first: int) -> RaceState:
        """The state after the whole history, the events before ``first`` unchanged."""
        if first < self.done:  # resume from the last state saved before the change
            self.saved.keep_first(first)
            self.done, self.replayer = self.saved.resume(first)
        history, saved, replayer = self.history, self.saved, self.replayer
        for index in range(self.done, len(history)):
            saved.passed(index, replayer)
            self.done = index  # should the event fail, the replay stands before it
            replayer.apply(history[index])
        self.done = len(history)
        return replayer.state()
