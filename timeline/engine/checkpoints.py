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
(see ``fold.told_at``): each such day starts a new *version* of the history
(``fold.version_ends``, the one place versions are computed), indexed on first use.

A query answers exactly what :func:`timeline.engine.fold.state_at` answers, error
included (``tests/test_checkpoints.py`` checks this on random races). The
index is a value for its users; it fills its per-version tables lazily, which
changes its speed, never its answers.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Sequence

from timeline.engine.fold import reported_by, told_at, version_ends
from timeline.engine.replayer import Replayer
from timeline.errors import ReplayError
from timeline.model.events import Event
from timeline.model.state import RaceState

#: Events between saved states: a query replays at most this many after a bisect.
EVERY = 32


class SavedStates:
    """The states of one replay order saved every ``every`` events: ``states[i]`` is the
    state after its first ``i * every`` events. The one way a replay is resumed part-way:
    the index below answers dates with it, and the checks replay a race as reported on
    each day with it (a day's order shares a prefix with the day before's)."""

    def __init__(self, race: str, every: int = EVERY) -> None:
        if every < 1:
            raise ValueError("checkpoints need at least one event between them")
        self.every = every
        self.states = [RaceState(race)]

    def resume(self, count: int) -> tuple[int, Replayer]:
        """A working copy at the latest state saved within the first ``count`` events,
        and how many events it has replayed."""
        base = min(count // self.every, len(self.states) - 1)
        return base * self.every, Replayer(self.states[base])

    def passed(self, count: int, replayer: Replayer) -> None:
        """``replayer`` has replayed the first ``count`` events: save its state if due."""
        if count == len(self.states) * self.every:
            self.states.append(replayer.state())

    def keep_first(self, count: int) -> None:
        """Forget the states saved after the first ``count`` events (the order that
        follows them has changed)."""
        del self.states[count // self.every + 1 :]


class _Version:
    """One version of a race's history, replayed once, with its saved states."""

    def __init__(self, race: str, ordered: list[Event], every: int) -> None:
        self.ordered = ordered
        self.latest = [e.date.latest for e in ordered]
        self.saved = SavedStates(race, every)
        self.failure: tuple[int, ReplayError] | None = None  # (position, error)
        _, replayer = self.saved.resume(0)
        for start in range(0, len(ordered), every):
            chunk = ordered[start : start + every]
            try:
                replayer.run(chunk)
            except ReplayError as exc:
                position = start + next(i for i, e in enumerate(chunk) if e.id == exc.event_id)
                self.failure = (position, exc)
                return
            self.saved.passed(start + len(chunk), replayer)

    def state_at(self, at: datetime.date) -> RaceState:
        count = bisect.bisect_right(self.latest, at)  # the events that count at ``at``
        if self.failure is not None and count > self.failure[0]:
            raise self.failure[1]  # as a full replay of this prefix would
        done, replayer = self.saved.resume(count)
        return replayer.run(self.ordered[done:count]).state()


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
        self._ends = version_ends(self._events)
        self._versions: dict[int, _Version] = {}

    def state_at(self, at: datetime.date) -> RaceState:
        """The state of the race on day ``at`` (raises :class:`ReplayError` as ``state_at``)."""
        return self._version(bisect.bisect_left(self._ends, at)).state_at(at)

    def prepare(self) -> RaceIndex:
        """Replay every version of the history now rather than at its first query."""
        for version in range(len(self._ends)):
            self._version(version)
        return self

    def _version(self, version: int) -> _Version:
        """The history as told on the last day of ``version`` (see ``fold.version_ends``)."""
        if version not in self._versions:
            told = told_at(self._events, self._ends[version], self.race)
            self._versions[version] = _Version(self.race, told, self.every)
        return self._versions[version]
