"""What a loaded repository is: its events, the files they came from, and how to find them.

Kept apart from ``load.py`` (which reads and checks files, and needs YAML and
cattrs) so that a warm load from the cache imports neither.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from timeline.engine.fold import pick_race
from timeline.engine.fold import races as race_ids
from timeline.errors import FileRefused, RepositoryNotFoundError, YamlProblem
from timeline.model.events import Event

if TYPE_CHECKING:
    from timeline.formats import yamlio


#: Event files larger than this are refused unread: a development fits in a page.
MAX_FILE_BYTES = 256 * 1024
#: Seed documents larger than this are not read: an article is some kilobytes.
MAX_SEED_BYTES = 4 * 1024 * 1024


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
            raw, _ = read_regular(self.location, MAX_FILE_BYTES)
            text = raw.decode("utf-8-sig")
        except (OSError, FileRefused, UnicodeDecodeError):
            return 1, 1
        if len(field) == 1 and isinstance(field[0], str):  # a field of the event itself
            from timeline.formats import yamlio

            try:
                found = yamlio.key_position(text, field[0])
            except YamlProblem:  # the file changed since it loaded; point at its start
                return 1, 1
            if found is not None:
                return found
        return located(text).locate(field)


@functools.lru_cache(maxsize=64)
def located(text: str) -> yamlio.Document:
    """The positions in an event file's text (cached by text: several problems, one parse)."""
    from timeline.formats import yamlio  # only a problem needs it: a warm load never parses YAML

    try:
        return yamlio.parse(text)
    except YamlProblem:  # the file changed since it loaded; point at its start
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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_regular(path: str | Path, limit: int, what: str = "files") -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat, if it is a regular file of at most ``limit``
    bytes; :class:`FileRefused` if it is a symbolic link (its content would live outside
    the repository and every diff), a FIFO or a device (a FIFO would block, ``/dev/zero``
    never ends), or larger than ``limit`` (checked before reading, and while reading, in
    case it grows: "is N bytes; ``what`` are limited to ``limit``"); ``OSError`` if it
    cannot be read.

    The file is opened without following a link and without blocking, and checked on the
    descriptor, so it cannot be swapped between the check and the read.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(path):
            raise FileRefused(
                "is a symbolic link; only regular files inside the repository are read"
                " (a link's target never appears in a diff)"
            ) from None
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("is not a regular file; only regular files are read")
        if info.st_size > limit:
            raise FileRefused(f"is {info.st_size} bytes; {what} are limited to {limit}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(descriptor, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileRefused(f"is more than {limit} bytes; {what} are limited to {limit}")
        return b"".join(chunks), info
    finally:
        os.close(descriptor)


#: What identifies a file's version on disk without reading it: size, mtime_ns, ctime_ns, inode.
Stat = tuple[int, int, int, int]


def stat_of(info: os.stat_result) -> Stat:
    """The :data:`Stat` of ``os.stat`` result ``info``: the loader records it, the cache
    compares with it, so both build it here."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def digest(data: bytes) -> bytes:
    """The digest that identifies a file's content (BLAKE2b, 128 bits)."""
    return hashlib.blake2b(data, digest_size=16).digest()


def event_entries(directory: str, *, shallow: bool = False) -> Iterator[os.DirEntry[str]]:
    """The event files under ``directory``: ``*.yaml`` and ``*.yml`` at any depth (at the
    top alone when ``shallow``), names starting with a dot skipped, each directory's files
    (sorted) before its subdirectories (sorted); a link to a directory is not followed, as
    in ``os.walk``. The one definition of an event file and of the load order."""
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
            if not shallow and not entry.is_symlink():
                subdirectories.append(entry)
        elif entry.name.endswith((".yaml", ".yml")):
            yield entry
    for subdirectory in subdirectories:
        yield from event_entries(subdirectory.path)


def entry_stat(entry: os.DirEntry[str]) -> Stat:
    try:
        info = entry.stat(follow_symlinks=False)  # a link is itself: the loader refuses it
    except OSError:
        return (-1, 0, 0, 0)  # unreadable: never equal to a recorded stat
    return stat_of(info)


def scan(
    events_dir: Path, under: str | None = None, *, shallow: bool = False
) -> Iterator[tuple[str, Stat]]:
    """Each event file's path relative to ``events_dir`` and its stat, in load order (of
    the subdirectory ``under`` alone, or of the top level alone when ``shallow``)."""
    prefix = len(str(events_dir)) + 1
    top = str(events_dir) if under is None else f"{events_dir}/{under}"
    for entry in event_entries(top, shallow=shallow):
        yield entry.path[prefix:], entry_stat(entry)
