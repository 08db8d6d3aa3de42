"""What a loaded repository is: its events, the files they came from, and how to find them.

Kept apart from ``load.py`` (which reads and checks files, and needs YAML and
cattrs) so that a warm load from the cache imports neither.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from timeline.errors import RepositoryNotFoundError
from timeline.events import Event
from timeline.fold import pick_race
from timeline.fold import races as race_ids

if TYPE_CHECKING:
    from timeline import yamlio


@attrs.frozen
class EventFile:
    """Where an event came from.

    Loading keeps no positions (100,000 events would carry over a million of
    them); :meth:`locate` parses the file again, which only a problem needs.
    """

    location: str  # the path, kept as text: a repository holds one per event

    @property
    def path(self) -> Path:
        """The path of the file."""
        return Path(self.location)

    def locate(self, field: tuple[str | int, ...]) -> tuple[int, int]:
        """Line and column of ``field`` (or its nearest ancestor) in the file."""
        try:
            with open(self.location, "rb") as file:
                text = file.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return 1, 1
        return located(text).locate(field)


@functools.lru_cache(maxsize=64)
def located(text: str) -> yamlio.Document:
    """The positions in an event file's text (cached by text: several problems, one parse)."""
    from timeline import yamlio  # only a problem needs it: a warm load never parses YAML

    try:
        return yamlio.parse(text)
    except yamlio.YamlProblem:  # the file changed since it loaded; point at its start
        return yamlio.Document(None, {(): (1, 1)})


@attrs.frozen
class Repository:
    """The loaded events of a repository, with the file each came from.

    A repository loaded for one race (``load_repository(..., race=R)``) holds
    that race's events only; ``races`` still names every race it has.
    """

    root: Path
    events: tuple[Event, ...]
    files: Mapping[str, EventFile]
    races: tuple[str, ...] = attrs.field()

    @races.default
    def _all_races(self) -> tuple[str, ...]:
        return race_ids(self.events)

    def only(self, race: str | None) -> Repository:
        """This repository with the events (and files) of ``race`` only, or of its only race
        when ``race`` is None; raises ``UnknownRaceError`` as :func:`fold.pick_race`."""
        chosen = pick_race(self.races, race)
        events = tuple(e for e in self.events if e.race == chosen)
        files = {e.id: self.files[e.id] for e in events}
        return Repository(self.root, events, files, self.races)


def find_repository(start: Path | None = None) -> Path:
    """The repository around ``start`` (default: cwd), found the way git finds its work
    tree: the nearest directory at or above ``start`` that holds ``events/``, looking no
    higher than the top of the git work tree ``start`` is in (the directory holding
    ``.git``), so a command run in ``events/`` or ``events/<race>/`` finds the same root as
    one run at the top."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for directory in (here, *here.parents):
        if (directory / "events").is_dir():
            return directory
        if (directory / ".git").exists():
            break  # the top of this work tree: a repository above it is someone else's
    raise RepositoryNotFoundError(f"no events/ directory in {here} or any parent; use --events DIR")


def root_of(events_dir: Path) -> Path:
    """The repository root of ``events_dir``: the directory that holds it, where ``seeds/``
    is. ``Path("..").parent`` is ``.``, so the path is made absolute (without following
    links) first: from inside ``events/<race>/``, ``--events ..`` has the root ``../..``."""
    return Path(os.path.abspath(events_dir)).parent


#: What identifies a file's version on disk without reading it: size, mtime_ns, ctime_ns, inode.
Stat = tuple[int, int, int, int]


def stat_of(info: os.stat_result) -> Stat:
    """The :data:`Stat` of ``os.stat`` result ``info``: the loader records it, the cache
    compares with it, so both build it here."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def digest(data: bytes) -> bytes:
    """The digest that identifies a file's content (BLAKE2b, 128 bits)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def event_entries(directory: str) -> Iterator[os.DirEntry[str]]:
    """The event files under ``directory``: ``*.yaml`` and ``*.yml`` at any depth, names
    starting with a dot skipped, each directory's files (sorted) before its subdirectories
    (sorted); a link to a directory is not followed, as in ``os.walk``."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return  # unreadable: as os.walk, skip it
    subdirectories = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_directory = entry.is_dir()
        except OSError:
            is_directory = False
        if is_directory:
            if not entry.is_symlink():
                subdirectories.append(entry)
        elif entry.name.endswith((".yaml", ".yml")):
            yield entry
    for subdirectory in subdirectories:
        yield from event_entries(subdirectory.path)
