"""Many dates, one replay: the states of a race at any date, from checkpoints.

``state_at`` replays a race from its opening for every question. A reader who
asks about many dates (a chart, a site, a diff across the whole race) would
pay a full replay each time. A :class:`RaceIndex` replays each version of a
race's history once, keeping the state after every ``every``-th event; the
state at D is then the nearest checkpoint before D's place in the replay order
plus at most ``every`` events: a binary search and a short replay, O(log n + k)
instead of O(n).

Why a prefix is enough: an event counts at D when its latest possible day is
D or earlier, and the replay order sorts by that day first, so the events that
count at D are a prefix of the order, found by bisecting the latest days.
Retractions and corrections change the history itself from the day they count
(see ``fold.told_at``): each such day starts a new *version* of the history,
indexed on first use.

A query answers exactly what :func:`timeline.engine.fold.state_at` answers, error
included (``tests/test_checkpoints.py`` checks this on random races). The
index is a value for its users; it fills its per-version tables lazily, which
changes its speed, never its answers.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence

from timeline.engine.fold import replay_order, reported_by, supersede
from timeline.engine.replayer import Replayer
from timeline.errors import ReplayError
from timeline.model.events import Correction, Event, Retraction
from timeline.model.state import RaceState

#: Events between checkpoints: a query replays at most this many after a bisect.
EVERY = 32


class _Version:
    """One version of a race's history, replayed once, with its checkpoints."""

    def __init__(self, race: str, ordered: list[Event], every: int) -> None:
        self.ordered = ordered
        self.latest = [e.date.latest for e in ordered]
        self.every = every
        self.checkpoints: list[RaceState] = [RaceState(race)]
        self.failure: tuple[int, ReplayError] | None = None  # (position, error)
        replayer = Replayer(RaceState(race))
        for start in range(0, len(ordered), every):
            chunk = ordered[start : start + every]
            try:
                replayer.run(chunk)
            except ReplayError as exc:
                position = start + next(i for i, e in enumerate(chunk) if e.id == exc.event_id)
                self.failure = (position, exc)
                return
            self.checkpoints.append(replayer.state())

    def state_at(self, at: datetime.date) -> RaceState:
        count = bisect.bisect_right(self.latest, at)  # the events that count at ``at``
        if self.failure is not None and count > self.failure[0]:
            raise self.failure[1]  # as a full replay of this prefix would
        base = count // self.every
        return Replayer(self.checkpoints[base]).run(self.ordered[base * self.every : count]).state()


class RaceIndex:
    """The states of one race at any date, after one replay of each version of its history.

    ``RaceIndex(events, race).state_at(at)`` equals
    ``timeline.state_at(events, at, race)``; with ``known_on``, it equals
    ``state_at(events, at, race, known_on)`` for that one ``known_on``.
    """

    def __init__(
        self,
        events: Sequence[Event],
        race: str,
        known_on: datetime.date | None = None,
        every: int = EVERY,
    ) -> None:
        if every < 1:
            raise ValueError("checkpoints need at least one event between them")
        known = events if known_on is None else reported_by(events, known_on)
        self.race = race
        self.every = every
        self._events = [e for e in known if e.race == race]
        self._changes = replay_order(
            e for e in self._events if isinstance(e, Retraction | Correction)
        )
        self._change_days = [c.date.latest for c in self._changes]
        self._versions: dict[int, _Version] = {}

    def state_at(self, at: datetime.date) -> RaceState:
        """The state of the race on day ``at`` (raises :class:`ReplayError` as ``state_at``)."""
        return self._version(bisect.bisect_right(self._change_days, at)).state_at(at)

    def prepare(self) -> RaceIndex:
        """Replay every version of the history now rather than at its first query."""
        for changes in range(len(self._changes) + 1):
            self._version(changes)
        return self

    def _version(self, changes: int) -> _Version:
        """The history as told once the first ``changes`` retractions/corrections count."""
        if changes not in self._versions:
            told = supersede(self._events, self._changes[:changes])
            self._versions[changes] = _Version(self.race, replay_order(told), self.every)
        return self._versions[changes]
