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
import contextlib
import functools
import hashlib
import json
import operator
import os
import pickle  # only to hash directory listings: nothing is ever unpickled
import re
import struct
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from stat import S_ISDIR, S_ISLNK
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from timeline.engine.fold import pick_race
from timeline.errors import CacheError, FileRefused, LoadError, Problem, TimelineError
from timeline.formats import cachefile
from timeline.formats.cachefile import expect_integer as _integer
from timeline.formats.cachefile import expect_text as _text
from timeline.model.events import Event
from timeline.storage.repository import (
    MAX_FILE_BYTES,
    MAX_SEED_BYTES,
    EventFile,
    Repository,
    Stat,
    digest,
    event_entries,
    read_regular,
    root_of,
    stat_of,
)

#: A file the cache compares by content is read up to this size (the larger of the
#: loader's two limits); a larger one is never equal to what was recorded.
_LARGEST = max(MAX_FILE_BYTES, MAX_SEED_BYTES)

#: Bump when the layout of the cache files changes.
FORMAT = 2

if TYPE_CHECKING:
    from timeline.storage.load import Check

_YAML = (".yaml", ".yml")

#: A file modified this close to the moment its stat was recorded is checked by content.
RACY_NS = 2_000_000_000

#: A cache file is read up to this size (a race file of 1,000 events is about 1 MB).
_LARGEST_CACHE_FILE = 1 << 30

T = TypeVar("T")

#: What :meth:`_Store._name` makes: a race file's name, and nothing that leaves the folder.
_RACE_FILE = re.compile(r"race-[0-9a-f]{24}")


def default_directory() -> Path:
    """``$TIMELINE_CACHE_DIR``, else the platform's user cache directory for timeline."""
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # only the default needs it

    return Path(platformdirs.user_cache_dir("timeline", appauthor=False))


@attrs.frozen
class _Manifest:
    """What every file looked like when the repository was checked, and its race."""

    code: bytes
    taken_ns: int  # the time just before the stats below were taken
    paths: list[str]  # relative to the events directory
    packed: bytes  # per path: size, mtime_ns, ctime_ns, inode, digest (packed: a pickle
    races: list[str]  # of 100,000 small tuples costs more memory than the events)
    seeds: dict[str, tuple[Stat, bytes]]
    shards: dict[str, str]  # race -> file name

    @classmethod
    def of(
        cls,
        code: bytes,
        taken_ns: int,
        files: dict[str, tuple[Stat, bytes, str]],
        seeds: dict[str, tuple[Stat, bytes]],
        shards: dict[str, str],
    ) -> _Manifest:
        packed = b"".join(_ENTRY.pack(*stat, digest) for stat, digest, _ in files.values())
        races = [race for _, _, race in files.values()]
        return cls(code, taken_ns, list(files), packed, races, seeds, shards)

    def data(self) -> dict[str, Any]:
        """As JSON data (bytes as hex or base64)."""
        return {
            "code": self.code.hex(),
            "taken_ns": self.taken_ns,
            "paths": self.paths,
            "packed": base64.b64encode(self.packed).decode("ascii"),
            "races": self.races,
            "seeds": {path: [list(stat), d.hex()] for path, (stat, d) in self.seeds.items()},
            "shards": self.shards,
        }

    @classmethod
    def of_data(cls, data: Any) -> _Manifest:
        """From :meth:`data`; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is not."""
        seeds = {
            _text(path): (_stat_of_data(stat), bytes.fromhex(d))
            for path, (stat, d) in data["seeds"].items()
        }
        manifest = cls(
            bytes.fromhex(data["code"]),
            _integer(data["taken_ns"]),
            [_text(path) for path in data["paths"]],
            base64.b64decode(data["packed"], validate=True),
            [_text(race) for race in data["races"]],
            seeds,
            _shards_of_data(data["shards"]),
        )
        if len(manifest.packed) != _ENTRY.size * len(manifest.paths) or len(manifest.races) != len(
            manifest.paths
        ):
            raise ValueError("a manifest's lists differ in length")
        return manifest

    @functools.cached_property
    def files(self) -> dict[str, tuple[Stat, bytes, str]]:
        """Relative path -> stat, digest, race."""
        return {
            path: ((size, mtime, ctime, inode), digest, race)
            for path, (size, mtime, ctime, inode, digest), race in zip(
                self.paths, _ENTRY.iter_unpack(self.packed), self.races, strict=True
            )
        }


_ENTRY = struct.Struct("<qqqQ16s")


@attrs.frozen
class _Index:
    """What a warm load reads first: one digest per directory of what its files' stats were."""

    code: bytes
    taken_ns: int
    directories: dict[str, bytes]
    shards: dict[str, str]

    def data(self) -> dict[str, Any]:
        """As JSON data (bytes as hex)."""
        return {
            "code": self.code.hex(),
            "taken_ns": self.taken_ns,
            "directories": {label: d.hex() for label, d in self.directories.items()},
            "shards": self.shards,
        }

    @classmethod
    def of_data(cls, data: Any) -> _Index:
        """From :meth:`data`; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is not."""
        return cls(
            bytes.fromhex(data["code"]),
            _integer(data["taken_ns"]),
            {_text(label): bytes.fromhex(d) for label, d in data["directories"].items()},
            _shards_of_data(data["shards"]),
        )


def _decoded(decode: Callable[[Any], T], data: Any) -> T | None:
    """``decode(data)``, or None if ``data`` (from a cache file) is not what it should be."""
    if data is None:
        return None
    try:
        return decode(data)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, TimelineError):
        return None


def _shard_of_data(data: Any) -> list[tuple[int, str, Event]]:
    """A race file's entries: (position in load order, relative path, event)."""
    return [
        (_integer(position), _text(rel), cachefile.decode_event(event))
        for position, rel, event in data
    ]


def _shards_of_data(data: Any) -> dict[str, str]:
    shards = {_text(race): _text(name) for race, name in data.items()}
    for name in shards.values():  # a file name in the cache's folder, nothing else
        if _RACE_FILE.fullmatch(name) is None:
            raise ValueError("not a race file's name")
    return shards


def _stat_of_data(value: Any) -> Stat:
    size, mtime, ctime, inode = (_integer(v) for v in value)
    return size, mtime, ctime, inode


def load_repository(
    events_dir: Path,
    *,
    directory: Path | None = None,
    race: str | None = None,
    one_race: bool = False,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Repository:
    """:func:`timeline.storage.load.load_repository` through the cache in ``directory``.

    A cache directory that someone else owns, or that others may write to, is not
    used: ``warn`` is told why, and the repository is loaded without a cache.

    With ``one_race``, only the events of ``race`` (or of the only race, when
    ``race`` is None) are read from the cache; the repository still names all
    its races. Raises ``LoadError`` as the uncached load does, and
    ``UnknownRaceError`` when the race must be chosen or does not exist.
    """
    home = directory or default_directory()
    distrust = untrusted(home)
    if distrust is not None:  # as git refuses a repository someone else owns
        if warn is not None:
            warn(f"not using the cache in {home}: {distrust}")
        from timeline.storage.load import load_repository as load_uncached

        repository = load_uncached(events_dir, progress)
        return repository.only(race) if one_race else repository
    cache = _Store(home, events_dir)
    started = time.time_ns()
    directories, newest = fingerprint(events_dir)
    index = cache.index()
    if index is not None and index.directories == directories and newest < index.taken_ns - RACY_NS:
        loaded = cache.races(index.shards, _wanted(index.shards, race, one_race))
        if loaded is not None:  # the fast path: no file changed since the index was written
            return _repository(events_dir, loaded, index.shards)
    manifest = cache.manifest()
    files = dict(_scan(events_dir))
    seeds = dict(_seed_stats(root_of(events_dir)))
    seeds_dir = root_of(events_dir) / "seeds"
    if manifest is not None:
        changed = [
            rel
            for rel, stat in files.items()
            if not _same(manifest.files.get(rel), stat, events_dir, rel, manifest.taken_ns)
        ]
        removed = manifest.files.keys() - files.keys()
        seeds_changed = seeds.keys() != manifest.seeds.keys() or not all(
            _same(manifest.seeds[rel], stat, seeds_dir, rel, manifest.taken_ns)
            for rel, stat in seeds.items()
        )
        if not changed and not removed and not seeds_changed:
            loaded = cache.races(manifest.shards, _wanted(manifest.shards, race, one_race))
            if loaded is not None:  # nothing changed after all: index it for next time
                cache.write_index(_Index(cache.code, started, directories, manifest.shards))
                return _repository(events_dir, loaded, manifest.shards)
    else:
        changed, removed, seeds_changed = list(files), set(), True
    # digests of the seeds before any quote is checked against them
    seed_entries = {rel: (stat, _digest_file(seeds_dir / rel)) for rel, stat in seeds.items()}
    check, recorded, verified = _check(
        cache, events_dir, manifest, files, changed, removed, seeds_changed, progress
    )
    del files, manifest  # 100,000 entries each: let them go before the cache is written
    if check.errors:
        raise LoadError(check.errors)
    cache.write(check.repository, recorded, seed_entries, directories, started, verified)
    return check.repository.only(race) if one_race else check.repository


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


def _wanted(shards: dict[str, str], race: str | None, one_race: bool) -> tuple[str, ...]:
    races = tuple(sorted(shards))
    return (pick_race(races, race),) if one_race else races


def _check(
    cache: _Store,
    events_dir: Path,
    manifest: _Manifest | None,
    files: dict[str, Stat],
    changed: list[str],
    removed: set[str],
    seeds_changed: bool,
    progress: Callable[[int, int], None] | None,
) -> tuple[Check, dict[str, tuple[Stat, bytes]], set[str]]:
    """Check the repository, reading only the files that changed; also return what each
    file looked like (stat, digest) when the event that was checked came from it, and
    the race files read from the cache and found whole."""
    from timeline.storage.load import (  # they need YAML and cattrs: imported only to read files
        FileRead,
        SeedCache,
        check_read,
        quote_problems,
        read_files,
    )

    root = root_of(events_dir)
    changed_set = set(changed)
    kept: dict[str, Event] = {}
    verified: set[str] = set()
    if manifest is not None and len(changed_set) < len(files):
        cached, verified = cache.whole_races(manifest.shards)  # a damaged one is read again
        kept = {rel: e for _, rel, e in cached if rel in files and rel not in changed_set}
    paths = [f"{events_dir}/{rel}" for rel in files if rel not in kept]
    fresh = read_files(paths, root, progress=progress)
    recorded: dict[str, tuple[Stat, bytes]] = {}
    touched = {
        manifest.files[rel][2]
        for rel in (*changed, *removed)
        if manifest is not None and rel in manifest.files
    }
    seeds = SeedCache(root) if seeds_changed else None

    def reads() -> Iterator[FileRead]:
        """Every file in the order of an uncached load: fresh reads (in that order too,
        streamed, so that 100,000 of them never wait in memory) or cached events."""
        for rel, stat in files.items():
            if rel not in kept:
                read = next(fresh)
                recorded[rel] = (read.stat, read.digest)
                if read.event is not None:
                    touched.add(read.event.race)
                yield read
                continue
            event, path = kept[rel], f"{events_dir}/{rel}"
            recorded[rel] = (stat, manifest.files[rel][1]) if manifest else (stat, b"")
            problems: tuple[Problem, ...] = ()
            if seeds is not None:  # the seeds changed: check this file's quotes again
                problems = tuple(
                    Problem(path, *EventFile(path).locate(where), message)
                    for where, message in quote_problems(event, seeds)
                )
            yield FileRead(path, None if problems else event, problems, stat, b"")

    # check_read reads every file before it replays, so `touched` is complete by then
    replay = touched if kept else None
    return check_read(root, reads(), replay=replay, warnings=False), recorded, verified


def _repository(
    events_dir: Path,
    loaded: list[tuple[int, str, Event]],
    shards: dict[str, str],
) -> Repository:
    loaded.sort(key=lambda item: item[0])  # in the order of an uncached load
    files = {event.id: EventFile(f"{events_dir}/{rel}") for _, rel, event in loaded}
    events = tuple(event for _, _, event in loaded)
    return Repository(root_of(events_dir), events, files, tuple(sorted(shards)))


def _scan(events_dir: Path) -> Iterator[tuple[str, Stat]]:
    """Each event file's path relative to ``events_dir`` and its stat, in load order."""
    prefix = len(str(events_dir)) + 1
    for entry in event_entries(str(events_dir)):
        yield entry.path[prefix:], _stat(entry)


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
                        yield entry.path[prefix:], _stat(entry)
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


def _stat(entry: os.DirEntry[str]) -> Stat:
    try:
        info = entry.stat(follow_symlinks=False)  # a link is itself: the loader refuses it
    except OSError:
        return (-1, 0, 0, 0)  # unreadable: never equal to a recorded stat
    return stat_of(info)


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


class _Store:
    """The cache files of one events directory."""

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

    def index(self) -> _Index | None:
        index = _decoded(_Index.of_data, _read(self.home / "index"))
        if index is None or index.code != self.code:
            return None
        return index

    def manifest(self) -> _Manifest | None:
        manifest = _decoded(_Manifest.of_data, _read(self.home / "manifest"))
        if manifest is None or manifest.code != self.code:
            return None
        return manifest

    def races(
        self, shards: dict[str, str], races: Sequence[str]
    ) -> list[tuple[int, str, Event]] | None:
        """The cached (position, relative path, event) of ``races``' files, ``position`` in
        the order of an uncached load; None if a race file is damaged."""
        wanted = {race: shards[race] for race in races}
        loaded, whole = self.whole_races(wanted)
        return loaded if len(whole) == len(wanted) else None

    def whole_races(self, shards: dict[str, str]) -> tuple[list[tuple[int, str, Event]], set[str]]:
        """The cached entries (as :meth:`races` gives them) of every race in ``shards``
        whose file is whole, and those files' names; the others are missing or damaged."""
        loaded: list[tuple[int, str, Event]] = []
        whole: set[str] = set()
        for name in shards.values():
            shard = _decoded(_shard_of_data, _read(self.home / name))
            if shard is not None:
                loaded.extend(shard)
                whole.add(name)
        return loaded, whole

    def write_index(self, index: _Index) -> None:
        try:
            _write(self.home / "index", index.data())
        except OSError:
            return

    def write(
        self,
        repository: Repository,
        recorded: dict[str, tuple[Stat, bytes]],
        seeds: dict[str, tuple[Stat, bytes]],
        directories: dict[str, bytes],
        started: int,
        verified: set[str],
    ) -> None:
        """Record a checked, valid repository (best effort: a cache that cannot be
        written only makes the next load slower). A race file is named by a digest of
        its inputs, so one of ``verified`` (read whole in this run) is already right."""
        prefix = len(str(self._events_dir)) + 1
        shards: dict[str, list[tuple[int, str, Event]]] = {}
        entries: dict[str, tuple[Stat, bytes, str]] = {}
        for position, event in enumerate(repository.events):  # in the order of the files
            rel = repository.files[event.id].location[prefix:]
            shards.setdefault(event.race, []).append((position, rel, event))
            entries[rel] = (*recorded.pop(rel), event.race)  # pop: one copy at a time
        names: dict[str, str] = {}
        try:
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)  # for this user alone
            for race in list(shards):
                shard = shards.pop(race)
                names[race] = self._name(race, shard, entries)
                path = self.home / names[race]
                if names[race] not in verified or not path.exists():  # only what an edit touched
                    _write(path, [[n, rel, cachefile.encode_event(e)] for n, rel, e in shard])
            manifest = _Manifest.of(self.code, started, entries, seeds, names)
            _write(self.home / "manifest", manifest.data())
            _write(self.home / "index", _Index(self.code, started, directories, names).data())
            current = set(names.values())
            for old in self.home.glob("race-*"):  # replaced by an edit: a reader that still
                if old.name not in current:  # wants one finds it gone and checks again
                    old.unlink(missing_ok=True)
            _sweep(self.home)
        except OSError:
            return

    def _name(self, race: str, shard: list[tuple[int, str, Event]], entries: dict[str, Any]) -> str:
        inputs = repr((self.code, race, [(n, rel, entries[rel]) for n, rel, _ in shard]))
        return f"race-{hashlib.blake2b(inputs.encode(), digest_size=12).hexdigest()}"


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
    blob = cachefile.dumps(data)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
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
