"""What a load hands out, and the order files load in.

:class:`Loaded` (a checked repository: its races, each at a glance, their events on
demand), :class:`Check` (what checking found), :class:`Mode` (what a load checks
beyond errors) and :func:`load_order`. The loader is :mod:`timeline.storage.load`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from timeline.engine.fold import pick_race
from timeline.engine.summary import RaceSummary, summarize
from timeline.errors import Problem
from timeline.model.events import Event
from timeline.storage.repository import EventFile, Repository, root_of

if TYPE_CHECKING:
    from timeline.storage.reading import FileRead

#: Told how many of how many files have been read, as reading goes (a progress bar).
Progress = Callable[[int, int], None]


class Check:
    """What checking a repository found: every problem, how many files, and the events
    that loaded (decoded from the cache only if asked for)."""

    def __init__(self, loaded: Loaded, problems: tuple[Problem, ...]) -> None:
        self.loaded = loaded
        self.problems = problems
        self.files = loaded.files

    @functools.cached_property
    def repository(self) -> Repository:
        """The events that loaded, as a repository."""
        return self.loaded.repository()

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make the repository invalid."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems worth a look that do not make it invalid."""
        return tuple(p for p in self.problems if p.severity == "warning")


@attrs.frozen
class Mode:
    """What a load checks beyond errors: a day no event may be after, every race as
    known on each report day, and the warnings (``validate`` asks for all three)."""

    today: datetime.date | None = None
    as_reported: bool = False
    warnings: bool = False

    @property
    def plain(self) -> bool:
        return self == Mode()


class Loaded:
    """A checked repository: its races, each at a glance, their events on demand."""

    def __init__(
        self,
        events_dir: Path,
        races: Mapping[str, list[tuple[str, Event]] | None],
        fetch: Callable[[str], list[tuple[str, Event]]],
        summaries: Mapping[str, RaceSummary],
        files: int,
    ) -> None:
        self.events_dir = events_dir
        self.root = root_of(events_dir)
        self.races = tuple(sorted(races))
        self.files = files
        self._entries = dict(races)  # race -> (relative path, event), or None: not decoded
        self._fetch = fetch
        self._summaries = dict(summaries)

    def entries(self, race: str) -> list[tuple[str, Event]]:
        """``race``'s events with their files' paths (relative to ``events/``), in load
        order; decoded from the store the first time they are asked for."""
        found = self._entries[race]
        if found is None:
            found = self._entries[race] = self._fetch(race)
        return found

    def stream(self, races: Iterable[str] | None = None) -> Iterator[tuple[str, list[Event]]]:
        """Each of ``races`` (default: every race) with its events, in load order, one
        race at a time: a race decoded from the store for this is not kept, so a reader
        of every race holds one race's events at a time (as ``export`` does)."""
        for race in self.races if races is None else races:
            held = self._entries[race] is not None
            yield race, [event for _, event in self.entries(race)]
            if not held:
                self._entries[race] = None

    def repository(self, races: Iterable[str] | None = None) -> Repository:
        """The events of ``races`` (default: every race) as a :class:`Repository` that
        still names every race, the events in the order of their files."""
        chosen = self.races if races is None else tuple(races)
        entries = [entry for race in chosen for entry in self.entries(race)]
        if len(chosen) > 1:
            entries.sort(key=lambda entry: load_order(entry[0]))
        files = {event.id: EventFile(f"{self.events_dir}/{rel}") for rel, event in entries}
        return Repository(self.root, tuple(e for _, e in entries), files, self.races)

    def only(self, race: str | None) -> Repository:
        """The repository with ``race``'s events, or the only race's when None; raises
        ``UnknownRaceError`` as :func:`~timeline.engine.fold.pick_race`."""
        return self.repository([pick_race(self.races, race)])

    def summaries(self) -> list[RaceSummary]:
        """Every race at a glance, by the day it opened (then by id); from the store
        when it keeps them, else by replaying each race once."""
        for race in self.races:
            if race not in self._summaries:
                events = [event for _, event in self.entries(race)]
                self._summaries[race] = summarize(events, race)
        found = self._summaries.values()
        return sorted(found, key=lambda s: (s.opened or datetime.date.max, s.race))


def load_order(rel: str) -> tuple[tuple[int, str], ...]:
    """The sort key of a file's path (relative to ``events/``) in load order: each
    directory's files (by name) before its subdirectories (by name), as
    :func:`~timeline.storage.repository.event_entries` lists them."""
    *directories, name = rel.split("/")
    return (*((1, d) for d in directories), (0, name))


def read_files(
    paths: list[str],
    root: Path,
    today: datetime.date | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[FileRead]:
    """:func:`timeline.storage.reading.read_files`, imported when a file must be read: a
    warm load imports neither YAML nor cattrs."""
    from timeline.storage import reading

    return reading.read_files(paths, root, today, workers, progress)


def stem(rel: str) -> str:
    """The file name of ``rel`` without its extension: the id of the event it holds."""
    name = rel[rel.rfind("/") + 1 :]
    return name[: name.rfind(".")]
