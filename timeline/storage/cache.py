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
import hashlib
import os
import sys
from pathlib import Path

from timeline.engine.checks import RaceFacts
from timeline.engine.summary import RaceSummary
from timeline.errors import CacheDamaged, CacheError, Problem
from timeline.formats import cachefile
from timeline.model.events import Event
from timeline.storage.cachefiles import read_file, sweep, write_file
from timeline.storage.fingerprint import RACY_NS, digest_file, same, seed_stats
from timeline.storage.manifest import (
    Columns,
    Index,
    Manifest,
    Quick,
    Recorded,
    Seen,
    Span,
    decoded,
    label_order,
    shard_of_data,
    sums_data,
    sums_of_data,
    top_label,
)
from timeline.storage.repository import (
    Stat,
    root_of,
    scan,
)

#: Bump when the layout of the cache files changes.
FORMAT = 4

#: What a report's problem may be.
_SEVERITIES = frozenset({"error", "warning"})


def default_directory() -> Path:
    """``$TIMELINE_CACHE_DIR``, else the platform's user cache directory for timeline."""
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # only the default needs it

    return Path(platformdirs.user_cache_dir("timeline", appauthor=False))


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

    def _index(self) -> Index | None:
        index = decoded(Index.of_data, read_file(self.home / "index"))
        return index if index is not None and index.code == self.code else None

    def _manifest(self) -> Manifest | None:
        manifest = decoded(
            lambda data: Manifest.of_data(data, lambda name: read_file(self.home / name)),
            read_file(self.home / "manifest"),
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
        stale = self._stale(manifest, index, directories)
        pieces, removed, touched = self._compare(manifest, stale)
        named = index.summaries if index is not None else {}
        summaries = {r: named[n] for r, n in manifest.shards.items() if n in named}
        sums = {
            race: sums_of_data(race, data)
            for race, data in manifest.sums.items()
            if race not in touched
        }
        seeds_changed = self._seeds_changed(manifest, stale)
        return Recorded(manifest, pieces, touched, removed, seeds_changed, summaries, sums)

    @staticmethod
    def _stale(manifest: Manifest, index: Index | None, directories: dict[str, bytes]) -> set[str]:
        """The top directories (and ``seeds``) whose digest differs from the recorded one;
        every one of them when no digest recorded with this manifest can be trusted."""
        if index is not None and index.taken_ns == manifest.taken_ns:
            labels = directories.keys() | index.directories.keys()
            differ = {x for x in labels if directories.get(x) != index.directories.get(x)}
            return {top_label(label) for label in differ}
        return {*manifest.spans, *(top_label(x) for x in directories), "seeds"}

    def _compare(
        self, manifest: Manifest, stale: set[str]
    ) -> tuple[list[Span | Seen], set[str], set[str]]:
        """Every event file now, in load order, as :class:`Span` (a directory as recorded)
        and :class:`Seen` (a file of one that changed); the files changed or gone, and
        their races."""
        racy = manifest.taken_ns - RACY_NS
        pieces: list[Span | Seen] = []
        removed: set[str] = set()
        touched: set[str] = set()
        scanned = {label: self._scan(label) for label in stale if label.startswith("events")}
        for label in sorted(manifest.spans.keys() | scanned.keys(), key=label_order):
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
                if at is not None and not same(
                    manifest.entry(at), stat, self._events_dir, rel, manifest.taken_ns
                ):
                    removed.add(rel)
                    touched.add(manifest.races[at])
                    at = None
                pieces.append(Seen(rel, stat, at))
            for rel, at in was.items():  # gone
                removed.add(rel)
                touched.add(manifest.races[at])
        return pieces, removed, touched

    def _scan(self, label: str) -> list[tuple[str, Stat]]:
        """The event files of the fingerprint's directory ``label`` and their stats."""
        if label == "events":
            return list(scan(self._events_dir, shallow=True))
        return list(scan(self._events_dir, label[len("events/") :]))

    def _seeds_changed(self, manifest: Manifest, stale: set[str]) -> bool:
        """Whether any file under ``seeds/`` is added, gone or changed since recorded."""
        racy = manifest.taken_ns - RACY_NS
        if "seeds" not in stale and all(s[1] < racy for s, _ in manifest.seeds.values()):
            return False  # as recorded, and not too new to trust the stats
        seeds = dict(seed_stats(self._root))
        return seeds.keys() != manifest.seeds.keys() or not all(
            same(manifest.seeds[rel], stat, self._root / "seeds", rel, manifest.taken_ns)
            for rel, stat in seeds.items()
        )

    def seeds_now(self) -> dict[str, tuple[Stat, bytes]]:
        """Every seed's stat and digest, taken before any quote is checked against it."""
        seeds = self._root / "seeds"
        return {rel: (stat, digest_file(seeds / rel)) for rel, stat in seed_stats(self._root)}

    def race(self, name: str | None) -> list[tuple[str, Event]] | None:
        """The cached (relative path, event) of a race file, in load order; None if the
        file is missing or damaged."""
        if name is None:
            return None
        return decoded(shard_of_data, read_file(self.home / name))

    def mend(self, name: str, entries: list[tuple[str, Event]]) -> None:
        """Write race file ``name`` again from its files, read again (it was damaged)."""
        with contextlib.suppress(OSError):
            write_file(self.home / name, [[rel, cachefile.encode_event(e)] for rel, e in entries])

    def report(self, name: str) -> list[Problem] | None:
        """What ``validate`` found in the race of race file ``name``, if it was recorded."""
        data = read_file(self.home / f"report-{name[5:]}")
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
        (the others are as recorded), validate's ``reports``, the parts of the
        directories that changed, then the manifest, then the index."""
        old = recorded.manifest if recorded is not None else None
        known = {**(recorded.summaries if recorded is not None else {}), **summaries}
        try:
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)  # for this user alone
            names = {race: self._save_race(race, columns, written, old) for race in sums}
            for race, report in reports.items():
                if race in names:
                    self._save_report(names[race], report)
            previous = old.sums if old is not None else {}
            sums_data_ = {
                race: previous[race] if race in previous and race not in written else sums_data(s)
                for race, s in sums.items()
            }
            spans = self._save_parts(columns)
            manifest = Manifest(
                self.code, started, columns.ids, columns.races, spans, sums_data_, seeds, names
            )
            write_file(self.home / "manifest", manifest.data())
            by_name = {names[race]: known[race] for race in names if race in known}
            index = Index(self.code, started, directories, names, by_name, len(columns.ids))
            write_file(self.home / "index", index.data())
            current = {*names.values(), *(f"report-{n[5:]}" for n in names.values())}
            self._remove_stale(current | {name for _, _, name, _ in spans.values()})
        except OSError:
            return
        except CacheDamaged:  # a part of the old manifest, read only now, is damaged: the
            self._forget()  # next load reads every file and records them all again

    def _forget(self) -> None:
        """Drop the manifest and the index, so that nothing recorded is trusted."""
        for name in ("index", "manifest"):
            with contextlib.suppress(OSError):
                (self.home / name).unlink(missing_ok=True)

    def _save_race(
        self,
        race: str,
        columns: Columns,
        written: dict[str, list[tuple[str, Event]]],
        old: Manifest | None,
    ) -> str:
        """The name of ``race``'s file: as recorded when its files are, else named by a
        digest of its files' stats and digests, and written unless it exists already."""
        if race not in written and old is not None and race in old.shards:
            return old.shards[race]  # its files are as recorded
        entries = written[race]
        inputs = repr((self.code, race, [(rel, columns.entry(rel)) for rel, _ in entries]))
        name = f"race-{hashlib.blake2b(inputs.encode(), digest_size=12).hexdigest()}"
        if not (self.home / name).exists():
            write_file(self.home / name, [[rel, cachefile.encode_event(e)] for rel, e in entries])
        return name

    def _save_report(self, name: str, report: list[Problem]) -> None:
        """What ``validate`` found in the race of race file ``name``."""
        prefix = len(str(self._events_dir)) + 1
        data = [[p.path[prefix:], p.line, p.column, p.message, p.severity] for p in report]
        write_file(self.home / f"report-{name[5:]}", data)

    def _save_parts(self, columns: Columns) -> dict[str, tuple[int, int, str, int]]:
        """Write the part file of each directory that changed (named by a digest of its
        contents); every directory's span, with the name of its part."""
        spans = dict(columns.spans)
        for label, (paths, packed) in columns.parts.items():
            part = {"paths": "\0".join(paths), "packed": base64.b64encode(packed).decode("ascii")}
            content = hashlib.blake2b(digest_size=12)
            content.update(self.code)
            content.update(part["paths"].encode())
            content.update(packed)
            name = f"part-{content.hexdigest()}"
            if read_file(self.home / name) is None:  # missing, or damaged under its name
                write_file(self.home / name, part)
            start, end, _, newest = spans[label]
            spans[label] = (start, end, name, newest)
        return spans

    def _remove_stale(self, current: set[str]) -> None:
        """Remove the race, report and part files not in ``current`` (replaced by an edit:
        a reader that still wants one finds it gone and checks again), and leftovers."""
        for pattern in ("race-*", "report-*", "part-*"):
            for stale in list(self.home.glob(pattern)):
                if stale.name not in current:
                    stale.unlink(missing_ok=True)
        sweep(self.home)


def _code_key() -> bytes:
    """A digest of timeline's own source and the Python running it."""
    key = hashlib.blake2b(f"{FORMAT} {sys.version}".encode(), digest_size=16)
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        key.update(path.relative_to(package).as_posix().encode())
        key.update(path.read_bytes())
    return key.digest()
