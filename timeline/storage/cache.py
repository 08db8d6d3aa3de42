"""A cache of parsed, validated events, so that a warm command reads one race, not every file.

A cold load parses every event file and checks the whole repository. The
cache keeps the result, per events directory, in a user cache directory
(``$TIMELINE_CACHE_DIR``, else the platform's, e.g. ``~/.cache/timeline``;
never inside ``events/``)::

    <cache dir>/<key of the events directory>/
        manifest      what every file looked like when checked, and the race it holds
        race-<key>    one race's events (one file per race)

A warm load compares each event file and seed document with the manifest and,
when nothing changed, decodes the one race a command asks for. It never
changes a result (``tests/test_cache.py`` checks cached against uncached loads
after random edits):

- **What changed.** A file is unchanged when its size, modification time,
  change time and inode are as recorded. A file modified within
  :data:`RACY_NS` of the moment those were recorded could change again without
  its time moving (timestamps are coarse), so such a file is trusted only if
  the digest of its bytes is as recorded (git's "racily clean" entries).
- **What is redone.** Changed and added files are parsed again; unchanged ones
  come from the cache. The checks across files run again, and the replay
  checks for the races an edit touched. A change to ``seeds/`` checks every
  quote again. Race files are named by a digest of their inputs, so only the
  files of the races an edit touched are written again, and the files they
  replace are removed. Only a valid repository is cached; a repository with
  errors is checked in full every time, so its errors are reported as without
  a cache.
- **Damage.** Every cache file starts with a digest of its contents; a
  truncated or corrupt file fails that check and is rebuilt (a race file from
  that race's event files alone). The cache is
  keyed by the digest of timeline's own source, so a new version never reads
  an old cache.
- **Concurrency.** Files are written to a temporary name and renamed into
  place, so a reader sees an old file or a new one, never half of one; race
  files are named by a digest of their inputs and the manifest is written
  last. Two processes at once at worst both do the work.
- **Trust.** Cache files hold data only: JSON, decoded into timeline's own
  classes by ``cachefile.py``, whose validators run again; no bytes in a
  cache file can run code. A cache directory owned by someone else, writable
  by others, or a link, is not used (one warning, then a load without the
  cache), as git refuses a repository owned by someone else; folders are
  made for the user alone (0700), files are read only if the user owns them.
  The digest in each file detects damage, not forgery: it needs no key,
  since only the user can write there.
- **Leftovers.** A writer killed before renaming its temporary file (kill -9)
  leaves it behind; the next write removes temporary files whose process is
  gone or that are older than :data:`STALE_NS`.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import datetime
import hashlib
import json
import operator
import os
import pickle  # only to hash directory listings: nothing is ever unpickled
import re
import struct
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from stat import S_ISDIR, S_ISLNK
from typing import Any, TypeVar

import attrs

from timeline.engine.checks import RaceFacts
from timeline.engine.summary import RaceSummary
from timeline.errors import CacheDamaged, CacheError, FileRefused, Problem, TimelineError
from timeline.formats import cachefile
from timeline.formats.cachefile import expect_integer as _integer
from timeline.formats.cachefile import expect_text as _text
from timeline.model.events import Event
from timeline.storage.repository import (
    MAX_FILE_BYTES,
    MAX_SEED_BYTES,
    Stat,
    digest,
    entry_stat,
    read_regular,
    root_of,
    scan,
)

#: A file the cache compares by content is read up to this size (the larger of the
#: loader's two limits); a larger one is never equal to what was recorded.
_LARGEST = max(MAX_FILE_BYTES, MAX_SEED_BYTES)

#: Bump when the layout of the cache files changes.
FORMAT = 4

_YAML = (".yaml", ".yml")

#: A file modified this close to the moment its stat was recorded is checked by content.
RACY_NS = 2_000_000_000

#: A cache file is read up to this size (a race file of 1,000 events is about 1 MB).
_LARGEST_CACHE_FILE = 1 << 30

T = TypeVar("T")

#: What :meth:`Store.save` names: a race file's name, and nothing that leaves the folder.
_RACE_FILE = re.compile(r"race-[0-9a-f]{24}")
#: What a report's problem may be.
_SEVERITIES = frozenset({"error", "warning"})
#: A manifest part's name.
_PART_FILE = re.compile(r"part-[0-9a-f]{24}")


def default_directory() -> Path:
    """``$TIMELINE_CACHE_DIR``, else the platform's user cache directory for timeline."""
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # only the default needs it

    return Path(platformdirs.user_cache_dir("timeline", appauthor=False))


class _Manifest:
    """What every file looked like when the repository was checked, in load order, each
    top directory's files a contiguous span.

    The manifest file holds what every load after an edit needs of every file: ids and
    races (each column one text, NUL between items: 100,000 items decode as one string,
    not 100,000 objects), each directory's span and newest modification time, and per race
    the sums of the checks across files. The paths, stats and digests of a directory's
    files are in a part file of their own (``part-…``, named by a digest of its contents),
    read only when that directory changed: an edit reads and writes one part, not all."""

    def __init__(
        self,
        code: bytes,
        taken_ns: int,
        ids: list[str],
        races: list[str],
        spans: dict[str, tuple[int, int, str, int]],  # label -> start, end, part, newest
        sums: dict[str, Any],
        seeds: dict[str, tuple[Stat, bytes]],
        shards: dict[str, str],
        read_part: Callable[[str], Any] | None = None,
    ) -> None:
        self.code = code
        self.taken_ns = taken_ns  # the time just before the stats were taken
        self.ids = ids
        self.races = races
        self.spans = spans
        self.sums = sums  # per race: what the checks across files need of it, as data
        self.seeds = seeds
        self.shards = shards  # race -> file name
        self._read_part = read_part
        self._parts: dict[str, tuple[list[str], bytes]] = {}
        self._starts = sorted((start, label) for label, (start, _, _, _) in spans.items())

    def data(self) -> dict[str, Any]:
        """As JSON data (bytes as hex)."""
        return {
            "code": self.code.hex(),
            "taken_ns": self.taken_ns,
            "ids": "\0".join(self.ids),
            "races": "\0".join(self.races),
            "spans": {label: list(span) for label, span in self.spans.items()},
            "sums": self.sums,
            "seeds": {path: [list(stat), d.hex()] for path, (stat, d) in self.seeds.items()},
            "shards": self.shards,
        }

    @classmethod
    def of_data(cls, data: Any, read_part: Callable[[str], Any]) -> _Manifest:
        """From :meth:`data`; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is not."""
        seeds = {
            _text(path): (_stat_of_data(stat), bytes.fromhex(d))
            for path, (stat, d) in data["seeds"].items()
        }
        ids, races = _column(data["ids"]), _column(data["races"])
        if len(ids) != len(races):
            raise ValueError("a manifest's columns differ in length")
        spans = {_text(label): _span(span, len(ids)) for label, span in data["spans"].items()}
        sums = {_text(race): value for race, value in data["sums"].items()}
        shards = _shards_of_data(data["shards"])
        return cls(
            bytes.fromhex(data["code"]),
            _integer(data["taken_ns"]),
            ids,
            races,
            spans,
            sums,
            seeds,
            shards,
            read_part,
        )

    def part(self, label: str) -> tuple[list[str], bytes]:
        """The paths and packed stats and digests of the files of directory ``label``;
        :class:`CacheDamaged` if its part file is missing or damaged."""
        if label not in self._parts:
            start, end, name, _ = self.spans[label]
            data = self._read_part(name) if self._read_part is not None else None
            if data is None:
                raise CacheDamaged(name)
            try:
                paths, packed = _column(data["paths"]), base64.b64decode(data["packed"])
            except (TypeError, KeyError, ValueError):
                raise CacheDamaged(name) from None
            if len(paths) != end - start or len(packed) != _ENTRY.size * len(paths):
                raise CacheDamaged(name)
            self._parts[label] = (paths, packed)
        return self._parts[label]

    def _label_of(self, index: int) -> str:
        at = bisect.bisect_right(self._starts, (index, "\uffff")) - 1
        return self._starts[at][1]

    def path(self, index: int) -> str:
        label = self._label_of(index)
        return self.part(label)[0][index - self.spans[label][0]]

    def entry(self, index: int) -> tuple[Stat, bytes]:
        """The stat and digest of the file at ``index``."""
        label = self._label_of(index)
        offset = (index - self.spans[label][0]) * _ENTRY.size
        size, mtime, ctime, inode, digest_ = _ENTRY.unpack_from(self.part(label)[1], offset)
        return (size, mtime, ctime, inode), digest_


def _column(data: Any) -> list[str]:
    """A column of the manifest: one text, its items apart by NUL (none when empty)."""
    text = _text(data)
    return text.split("\0") if text else []


def _span(data: Any, size: int) -> tuple[int, int, str, int]:
    start, end, name, newest = data
    start, end, newest = _integer(start), _integer(end), _integer(newest)
    if not 0 <= start <= end <= size or _PART_FILE.fullmatch(_text(name)) is None:
        raise ValueError("a span outside the manifest")
    return start, end, name, newest


_ENTRY = struct.Struct("<qqqQ16s")


@attrs.frozen
class _Index:
    """What a warm load reads first: one digest per directory of what its files' stats
    were, each race's file, and each race at a glance (by race file)."""

    code: bytes
    taken_ns: int
    directories: dict[str, bytes]
    shards: dict[str, str]
    summaries: dict[str, RaceSummary]  # race file name -> its race at a glance
    files: int

    def data(self) -> dict[str, Any]:
        """As JSON data (bytes as hex)."""
        return {
            "code": self.code.hex(),
            "taken_ns": self.taken_ns,
            "directories": {label: d.hex() for label, d in self.directories.items()},
            "shards": self.shards,
            "summaries": {name: _summary_data(s) for name, s in self.summaries.items()},
            "files": self.files,
        }

    @classmethod
    def of_data(cls, data: Any) -> _Index:
        """From :meth:`data`; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is not."""
        return cls(
            bytes.fromhex(data["code"]),
            _integer(data["taken_ns"]),
            {_text(label): bytes.fromhex(d) for label, d in data["directories"].items()},
            _shards_of_data(data["shards"]),
            {_text(name): _summary_of_data(s) for name, s in data["summaries"].items()},
            _integer(data["files"]),
        )


def _summary_data(summary: RaceSummary) -> list[Any]:
    def day(value: datetime.date | None) -> int | None:
        return value.toordinal() if value is not None else None

    return [
        summary.race,
        summary.office,
        day(summary.opened),
        day(summary.decided),
        summary.appointed,
        summary.events,
    ]


def _summary_of_data(data: Any) -> RaceSummary:
    race, office, opened, decided, appointed, events = data

    def day(value: Any) -> datetime.date | None:
        return datetime.date.fromordinal(_integer(value)) if value is not None else None

    return RaceSummary(
        _text(race),
        _text(office) if office is not None else None,
        day(opened),
        day(decided),
        _text(appointed) if appointed is not None else None,
        _integer(events),
    )


def _sums_data(sums: RaceFacts) -> list[Any]:
    return [
        {
            document: {date: list(first) for date, first in by_date.items()}
            for document, by_date in sums.dates.items()
        },
        sorted(sums.documents),
        [[i, kind, target, list(order)] for i, kind, target, order in sums.superseding],
        [[i, list(where), message] for i, where, message in sums.early],
        sums.starts,
    ]


def _field(data: Any) -> tuple[str | int, ...]:
    return tuple(v if isinstance(v, int) and not isinstance(v, bool) else _text(v) for v in data)


def _sums_of_data(race: str, data: Any) -> RaceFacts:
    dates, documents, superseding, early, starts = data
    return RaceFacts(
        race,
        {
            _text(document): {
                _text(date): (_integer(count), _text(rel), _integer(index))
                for date, (count, rel, index) in by_date.items()
            }
            for document, by_date in dates.items()
        },
        frozenset(_text(d) for d in documents),
        tuple(
            (_text(i), _text(kind), _text(target), _order(order))
            for i, kind, target, order in superseding
        ),
        tuple((_text(i), _field(where), _text(message)) for i, where, message in early),
        _integer(starts),
    )


def _order(data: Any) -> tuple[int, int, int]:
    first, second, third = (_integer(v) for v in data)
    return first, second, third


@attrs.frozen
class Span:
    """The files of a directory all as recorded: ``[start, end)`` of the manifest's columns."""

    label: str
    start: int
    end: int


@attrs.frozen
class Seen:
    """A file of a directory that changed: its stat now, and its place in the manifest's
    columns when it is as recorded (else None: it is read)."""

    rel: str
    stat: Stat
    index: int | None


@attrs.frozen
class Recorded:
    """What the store recorded, against the files as they are now: ``pieces`` lists every
    event file now, in load order, by :class:`Span` and :class:`Seen`."""

    manifest: _Manifest
    pieces: list[Span | Seen]
    touched: set[str]  # the races of files changed or removed since
    removed: set[str]  # relative paths recorded that are changed or gone
    seeds_changed: bool
    summaries: dict[str, RaceSummary]  # race -> at a glance, of the races recorded
    sums: dict[str, RaceFacts]  # race -> what the checks across files need, of races untouched

    @property
    def shards(self) -> dict[str, str]:
        return self.manifest.shards


class Columns:
    """The manifest of a new recording, built in load order: a directory as recorded
    keeps its part file; the files of a directory that changed make a new part."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.races: list[str] = []
        self.spans: dict[str, tuple[int, int, str, int]] = {}  # label -> start, end, part
        self.parts: dict[str, tuple[list[str], bytearray]] = {}  # new parts: paths, packed
        self._manifest: _Manifest | None = None
        self._where: dict[str, dict[str, int]] = {}

    def span(self, manifest: _Manifest, span: Span) -> None:
        """A directory as recorded: its ids and races copied, its part file kept."""
        start, end, name, newest = manifest.spans[span.label]
        at = len(self.ids)
        self.ids += manifest.ids[start:end]
        self.races += manifest.races[start:end]
        self.spans[span.label] = (at, at + end - start, name, newest)
        self._manifest = manifest

    def file(self, rel: str, event_id: str, race: str, stat: Stat, digest_: bytes) -> None:
        """A file of a directory that changed."""
        label = _label(rel)
        start, end, _, newest = self.spans.get(label, (len(self.ids), len(self.ids), "", 0))
        self.spans[label] = (start, end + 1, "", max(newest, stat[1]))
        paths, packed = self.parts.setdefault(label, ([], bytearray()))
        paths.append(rel)
        packed += _ENTRY.pack(*stat, digest_)
        self.ids.append(event_id)
        self.races.append(race)

    def kept(self, manifest: _Manifest, index: int) -> None:
        """The file at ``index`` of ``manifest``, as recorded, in a directory that changed."""
        stat, digest_ = manifest.entry(index)
        self.file(manifest.path(index), manifest.ids[index], manifest.races[index], stat, digest_)

    def entry(self, rel: str) -> tuple[Stat, bytes]:
        """The stat and digest of the file ``rel``."""
        label = _label(rel)
        packed: bytes | bytearray
        if label in self.parts:
            paths, packed = self.parts[label]
        else:
            assert self._manifest is not None
            paths, packed = self._manifest.part(label)
        if label not in self._where or len(self._where[label]) != len(paths):
            self._where[label] = dict(zip(paths, range(len(paths)), strict=True))
        offset = self._where[label][rel] * _ENTRY.size
        size, mtime, ctime, inode, digest_ = _ENTRY.unpack_from(packed, offset)
        return (size, mtime, ctime, inode), digest_


@attrs.frozen
class Quick:
    """A store that no file changed since: its races, how to decode one, what it knows."""

    races: tuple[str, ...]
    fetch: Callable[[str], list[tuple[str, Event]] | None]
    summaries: dict[str, RaceSummary]
    files: int


def _decoded(decode: Callable[[Any], T], data: Any) -> T | None:
    """``decode(data)``, or None if ``data`` (from a cache file) is not what it should be."""
    if data is None:
        return None
    try:
        return decode(data)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, TimelineError):
        return None


def _shard_of_data(data: Any) -> list[tuple[str, Event]]:
    """A race file's entries: (relative path, event), in load order."""
    return [(_text(rel), cachefile.decode_event(event)) for rel, event in data]


def _shards_of_data(data: Any) -> dict[str, str]:
    shards = {_text(race): _text(name) for race, name in data.items()}
    for name in shards.values():  # a file name in the cache's folder, nothing else
        if _RACE_FILE.fullmatch(name) is None:
            raise ValueError("not a race file's name")
    return shards


def _stat_of_data(value: Any) -> Stat:
    size, mtime, ctime, inode = (_integer(v) for v in value)
    return size, mtime, ctime, inode


def untrusted(directory: Path) -> str | None:
    """Why the cache directory ``directory`` (and the folders timeline keeps in it) must
    not be used, or None: owned by another user, or writable by others, it could hold
    files someone else wrote. A directory not made yet is made by us, for us alone."""
    if not hasattr(os, "getuid"):  # not POSIX: ownership cannot be asked this way
        return None
    folders = [directory]
    # missing: made later, ours; unreadable: every read then fails, and there is no cache
    with contextlib.suppress(OSError):
        folders += [entry for entry in directory.iterdir() if entry.name[:1] != "."]
    for folder in folders:
        try:
            info = folder.lstat()
        except OSError:
            continue
        if S_ISLNK(info.st_mode):
            return f"{folder} is a symbolic link"
        if info.st_uid != os.getuid():
            return f"{folder} is owned by someone else (uid {info.st_uid})"
        if info.st_mode & 0o022:
            return f"{folder} can be written by others (mode {info.st_mode & 0o777:o})"
    return None


def _seed_stats(root: Path) -> Iterator[tuple[str, Stat]]:
    """Every file under ``seeds/`` (quotes are checked against them) and its stat."""
    seeds = root / "seeds"
    prefix = len(str(seeds)) + 1
    stack = [str(seeds)]
    while stack:
        try:
            with os.scandir(stack.pop()) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        yield entry.path[prefix:], entry_stat(entry)
        except OSError:
            continue


def _digest_file(path: Path) -> bytes:
    """The digest of a seed (b"" for one not read: a link, a FIFO, too large, unreadable)."""
    try:
        return digest(read_regular(path, _LARGEST)[0])
    except (OSError, FileRefused):
        return b""


def fingerprint(events_dir: Path) -> tuple[dict[str, bytes], int]:
    """A digest per directory of the names and stats of its event files (and of every file
    under ``seeds/``), and the newest modification time among them.

    Equal digests mean no file was added, removed, renamed or touched; this is
    the one cost of a warm load that grows with the repository (a stat per
    file). Stat calls are cheap to run side by side in two processes, so from
    :data:`FORK_FROM` directories on a forked child takes half of them.
    """
    seeds = root_of(events_dir) / "seeds"
    roots = [("seeds", str(seeds), False), ("events", str(events_dir), True)]
    try:
        with os.scandir(events_dir) as scan:
            subdirectories = sorted(
                e.path for e in scan if not e.name.startswith(".") and _is_directory(e)
            )
    except OSError:
        subdirectories = []
    if len(subdirectories) < FORK_FROM or not _can_fork():
        return _fingerprint(roots, events_dir, subdirectories)
    half = subdirectories[len(subdirectories) // 2 :]
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through the pipe
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as out:
                digests, newest = _fingerprint([], events_dir, half)
                found = {label: value.hex() for label, value in digests.items()}
                out.write(json.dumps([found, newest]).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(writer)
    mine = _fingerprint(roots, events_dir, subdirectories[: len(subdirectories) // 2])
    with os.fdopen(reader, "rb") as incoming:
        data = incoming.read()
    os.waitpid(child, 0)
    try:  # data, as everything timeline reads: never a pickle
        found, newest = json.loads(data)
        theirs = ({label: bytes.fromhex(value) for label, value in found.items()}, int(newest))
    except (ValueError, TypeError, AttributeError):  # the child failed: do its half here
        theirs = _fingerprint([], events_dir, half)
    return {**mine[0], **theirs[0]}, max(mine[1], theirs[1])


#: From this many directories under events/, :func:`fingerprint` uses a second process.
FORK_FROM = 16


def _can_fork() -> bool:
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir() and not entry.is_symlink()
    except OSError:
        return False


def _fingerprint(
    roots: list[tuple[str, str, bool]], events_dir: Path, subdirectories: list[str]
) -> tuple[dict[str, bytes], int]:
    """``fingerprint`` of ``roots`` (label, path, top level only?) and of each of
    ``subdirectories`` of the events directory with everything below it."""
    digests: dict[str, bytes] = {}
    newest = 0
    prefix = len(str(events_dir)) + 1
    stack = [(label, path, shallow) for label, path, shallow in roots]
    stack += [(f"events/{path[prefix:]}", path, False) for path in subdirectories]
    while stack:  # a hot loop: one stat per file, and as little else as can be
        label, path, shallow = stack.pop()
        events = label.startswith("events")
        found: list[tuple[str, int, int, int, int]] = []
        try:
            with os.scandir(path) as scan:
                for entry in scan:
                    name = entry.name
                    if events and not (name.endswith(_YAML) and name[0] != "."):
                        if name[0] != "." and not shallow and _is_directory(entry):
                            stack.append((f"{label}/{name}", entry.path, False))
                        continue  # not an event file
                    try:
                        info = entry.stat()
                    except OSError:
                        found.append((name, -1, 0, 0, 0))
                        continue
                    if S_ISDIR(info.st_mode):  # a directory, named like a file or in seeds/
                        if not shallow and not entry.is_symlink():
                            stack.append((f"{label}/{name}", entry.path, False))
                        continue
                    found.append(
                        (name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                    )
        except OSError:
            found.append(("", -1, 0, 0, 0))  # unreadable
        if found:
            newest = max(newest, max(map(operator.itemgetter(2), found)))
        digests[label] = hashlib.blake2b(pickle.dumps(found), digest_size=16).digest()
    return digests, newest


def _same(recorded: Any, stat: Stat, directory: Path, rel: str, taken_ns: int) -> bool:
    """True when the file ``rel`` in ``directory`` is certainly as ``recorded`` (stat, digest)."""
    if recorded is None or recorded[0] != stat or stat[0] < 0:
        return False
    if stat[1] < taken_ns - RACY_NS:
        return True
    try:  # racily clean: the stat cannot tell, the content can
        return bool(digest(read_regular(directory / rel, _LARGEST)[0]) == recorded[1])
    except (OSError, FileRefused):
        return False


class Store:
    """The cache files of one events directory: what the loader asks before it reads."""

    def __init__(self, directory: Path, events_dir: Path) -> None:
        events = events_dir.resolve()
        home = directory.resolve()
        if home == events or home.is_relative_to(events):
            raise CacheError(
                f"the cache directory {directory} is inside {events_dir}; choose another"
                " with --cache-dir or TIMELINE_CACHE_DIR"
            )
        key = hashlib.blake2b(str(events).encode(), digest_size=12).hexdigest()
        self.home = home / key
        self.code = _code_key()
        self._events_dir = events_dir  # event files' locations start with it
        self._root = root_of(events_dir)

    def _index(self) -> _Index | None:
        index = _decoded(_Index.of_data, _read(self.home / "index"))
        return index if index is not None and index.code == self.code else None

    def _manifest(self) -> _Manifest | None:
        manifest = _decoded(
            lambda data: _Manifest.of_data(data, lambda name: _read(self.home / name)),
            _read(self.home / "manifest"),
        )
        return manifest if manifest is not None and manifest.code == self.code else None

    def unchanged(self, directories: dict[str, bytes], newest: int) -> Quick | None:
        """The races as recorded, when no file changed since (every directory's digest as
        recorded, and no file modified too close to the recording to trust its stat)."""
        index = self._index()
        if index is None or index.directories != directories or newest >= index.taken_ns - RACY_NS:
            return None
        if any(name not in index.summaries for name in index.shards.values()):
            return None
        summaries = {race: index.summaries[name] for race, name in index.shards.items()}
        shards = index.shards
        return Quick(tuple(sorted(shards)), lambda r: self.race(shards[r]), summaries, index.files)

    def recorded(self, directories: dict[str, bytes]) -> Recorded | None:
        """What was recorded, against the files now: the directories whose digest is as
        recorded are taken whole, unread and not stat'ed again; the files of the others
        are compared one by one (a file modified too close to the recording by content).
        None when nothing usable is recorded (a part of the manifest damaged, say)."""
        try:
            return self._recorded(directories)
        except CacheDamaged:
            return None

    def _recorded(self, directories: dict[str, bytes]) -> Recorded | None:
        manifest = self._manifest()
        if manifest is None:
            return None
        index = self._index()
        racy = manifest.taken_ns - RACY_NS
        stale: set[str] | None = None
        if index is not None and index.taken_ns == manifest.taken_ns:
            labels = directories.keys() | index.directories.keys()
            differ = {x for x in labels if directories.get(x) != index.directories.get(x)}
            stale = {_top(label) for label in differ}
        pieces: list[Span | Seen] = []
        removed: set[str] = set()
        touched: set[str] = set()
        if stale is None:  # no trusted digests: every file is compared
            stale = {*manifest.spans, *(_top(x) for x in directories), "seeds"}
        scanned: dict[str, list[tuple[str, Stat]]] = {}
        for label in stale:
            if label == "events":
                scanned[label] = list(scan(self._events_dir, shallow=True))
            elif label.startswith("events/"):
                scanned[label] = list(scan(self._events_dir, label[len("events/") :]))
        for label in sorted(manifest.spans.keys() | scanned.keys(), key=_label_order):
            start, end, _, newest = manifest.spans.get(label, (0, 0, "", 0))
            if label not in scanned:
                if newest < racy:  # as recorded, and old enough for its stats to be trusted
                    pieces.append(Span(label, start, end))
                    continue
                scanned[label] = [
                    (manifest.path(i), manifest.entry(i)[0]) for i in range(start, end)
                ]
            was = {manifest.path(i): i for i in range(start, end)} if end > start else {}
            for rel, stat in scanned[label]:
                at = was.pop(rel, None)
                if at is not None and not _same(
                    manifest.entry(at), stat, self._events_dir, rel, manifest.taken_ns
                ):
                    removed.add(rel)
                    touched.add(manifest.races[at])
                    at = None
                pieces.append(Seen(rel, stat, at))
            for rel, at in was.items():  # gone
                removed.add(rel)
                touched.add(manifest.races[at])
        if "seeds" not in stale and all(s[1] < racy for s, _ in manifest.seeds.values()):
            seeds_changed = False  # as recorded, and not too new to trust the stats
        else:
            seeds = dict(_seed_stats(self._root))
            seeds_changed = seeds.keys() != manifest.seeds.keys() or not all(
                _same(manifest.seeds[rel], stat, self._root / "seeds", rel, manifest.taken_ns)
                for rel, stat in seeds.items()
            )
        named = index.summaries if index is not None else {}
        summaries = {r: named[n] for r, n in manifest.shards.items() if n in named}
        sums = {
            race: _sums_of_data(race, data)
            for race, data in manifest.sums.items()
            if race not in touched
        }
        return Recorded(manifest, pieces, touched, removed, seeds_changed, summaries, sums)

    def seeds_now(self) -> dict[str, tuple[Stat, bytes]]:
        """Every seed's stat and digest, taken before any quote is checked against it."""
        seeds = self._root / "seeds"
        return {rel: (stat, _digest_file(seeds / rel)) for rel, stat in _seed_stats(self._root)}

    def race(self, name: str | None) -> list[tuple[str, Event]] | None:
        """The cached (relative path, event) of a race file, in load order; None if the
        file is missing or damaged."""
        if name is None:
            return None
        return _decoded(_shard_of_data, _read(self.home / name))

    def mend(self, name: str, entries: list[tuple[str, Event]]) -> None:
        """Write race file ``name`` again from its files, read again (it was damaged)."""
        with contextlib.suppress(OSError):
            _write(self.home / name, [[rel, cachefile.encode_event(e)] for rel, e in entries])

    def report(self, name: str) -> list[Problem] | None:
        """What ``validate`` found in the race of race file ``name``, if it was recorded."""
        data = _read(self.home / f"report-{name[5:]}")
        prefix = str(self._events_dir)
        try:  # one pass: 30,000 warnings are built and checked as they are read
            found = [
                Problem(f"{prefix}/{rel}", line, column, message, severity)
                for rel, line, column, message, severity in data
                if type(rel) is str and type(message) is str
            ]
        except (TypeError, ValueError):
            return None
        whole = len(found) == len(data) and all(
            type(p.line) is int and type(p.column) is int and p.severity in _SEVERITIES
            for p in found
        )
        return found if whole else None

    def save(
        self,
        columns: Columns,
        written: dict[str, list[tuple[str, Event]]],
        summaries: dict[str, RaceSummary],
        sums: dict[str, RaceFacts],
        reports: dict[str, list[Problem]],
        recorded: Recorded | None,
        seeds: dict[str, tuple[Stat, bytes]],
        directories: dict[str, bytes],
        started: int,
    ) -> None:
        """Record a checked, valid repository (best effort: a cache that cannot be
        written only makes the next load slower): the files of the races in ``written``
        (the others are as recorded), validate's ``reports``, then the manifest, then
        the index. A race file is named by a digest of its files' stats and digests."""
        old = recorded.manifest if recorded is not None else None
        names: dict[str, str] = {}
        by_name: dict[str, RaceSummary] = {}
        known = {**(recorded.summaries if recorded is not None else {}), **summaries}
        prefix = len(str(self._events_dir)) + 1
        try:
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)  # for this user alone
            for race in sums:
                if race not in written and old is not None and race in old.shards:
                    name = old.shards[race]  # its files are as recorded
                else:
                    entries = written[race]
                    inputs = repr(
                        (self.code, race, [(rel, columns.entry(rel)) for rel, _ in entries])
                    )
                    name = f"race-{hashlib.blake2b(inputs.encode(), digest_size=12).hexdigest()}"
                    if not (self.home / name).exists():
                        encoded = [[rel, cachefile.encode_event(e)] for rel, e in entries]
                        _write(self.home / name, encoded)
                names[race] = name
                if race in known:
                    by_name[name] = known[race]
                if race in reports:
                    report = [
                        [p.path[prefix:], p.line, p.column, p.message, p.severity]
                        for p in reports[race]
                    ]
                    _write(self.home / f"report-{name[5:]}", report)
            previous = old.sums if old is not None else {}
            sums_data = {
                race: previous[race] if race in previous and race not in written else _sums_data(s)
                for race, s in sums.items()
            }
            spans = dict(columns.spans)
            for label, (paths, packed) in columns.parts.items():  # the directories that changed
                part = {
                    "paths": "\0".join(paths),
                    "packed": base64.b64encode(packed).decode("ascii"),
                }
                content = hashlib.blake2b(digest_size=12)
                content.update(self.code)
                content.update(part["paths"].encode())
                content.update(packed)
                name = f"part-{content.hexdigest()}"
                if not (self.home / name).exists():
                    _write(self.home / name, part)
                start, end, _, newest = spans[label]
                spans[label] = (start, end, name, newest)
            manifest = _Manifest(
                self.code, started, columns.ids, columns.races, spans, sums_data, seeds, names
            )
            _write(self.home / "manifest", manifest.data())
            index = _Index(self.code, started, directories, names, by_name, len(columns.ids))
            _write(self.home / "index", index.data())
            current = {*names.values(), *(f"report-{n[5:]}" for n in names.values())}
            current |= {name for _, _, name, _ in spans.values()}
            old_files = ("race-*", "report-*", "part-*")
            for stale in [path for pattern in old_files for path in self.home.glob(pattern)]:
                if stale.name not in current:  # replaced by an edit: a reader that still
                    stale.unlink(missing_ok=True)  # wants one finds it gone and checks again
            _sweep(self.home)
        except OSError:
            return


def _label(rel: str) -> str:
    """The directory of :func:`fingerprint` that a file (relative to ``events/``) is in."""
    slash = rel.find("/")
    return "events" if slash < 0 else f"events/{rel[:slash]}"


def _top(label: str) -> str:
    """The top directory of a fingerprint's label (``events/a/b`` -> ``events/a``)."""
    parts = label.split("/")
    return "/".join(parts[:2]) if parts[0] == "events" else parts[0]


def _label_order(label: str) -> tuple[int, str]:
    return (0, "") if label == "events" else (1, label)


def _code_key() -> bytes:
    """A digest of timeline's own source and the Python running it."""
    key = hashlib.blake2b(f"{FORMAT} {sys.version}".encode(), digest_size=16)
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        key.update(path.relative_to(package).as_posix().encode())
        key.update(path.read_bytes())
    return key.digest()


#: A temporary file older than this is left over from a writer that was killed.
STALE_NS = 10 * 60 * 1_000_000_000


def _sweep(home: Path, now_ns: int | None = None) -> None:
    """Remove the temporary files of writers that died before renaming them (kill -9):
    those whose process is gone, and any older than :data:`STALE_NS`."""
    now = time.time_ns() if now_ns is None else now_ns
    for temporary in home.glob(".*.*.*"):
        _, _, rest = temporary.name[1:].partition(".")
        pid_text = rest.split(".")[-2] if rest.count(".") >= 1 else ""
        try:
            pid = int(pid_text)
            age = now - temporary.lstat().st_mtime_ns
        except (ValueError, OSError):
            continue
        if age > STALE_NS or (pid != os.getpid() and not _alive(pid)):
            temporary.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # signal 0 asks only on POSIX; elsewhere go by age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, as another user's
        return True
    return True


def _write(path: Path, data: Any) -> None:
    """Write JSON ``data`` as a cache file, atomically (a temporary file, renamed)."""
    head, blob = cachefile.dump_parts(data)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(head)
            file.write(blob)
        os.replace(temporary, path)  # atomic: readers see the old file or the new one
    finally:
        temporary.unlink(missing_ok=True)


def _read(path: Path) -> Any:
    """The JSON data of a cache file, or None if it is missing, damaged, not ours (owned by
    someone else), a link or not a regular file. Data only: no bytes can run code."""
    try:
        blob, info = read_regular(path, _LARGEST_CACHE_FILE)
    except (OSError, FileRefused):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return cachefile.loads(blob)
