"""What the cache records, as data: the manifest, its parts, the index, and the values
the store answers the loader with.

The manifest file holds what every load after an edit needs of every file (ids and
races as NUL-joined columns, each top directory's span, per race the sums of the
checks across files); each directory's paths, stats and digests are in a part file of
their own. The index is what a warm load reads first. Every ``of_data`` decodes JSON
data from a cache file and raises ``ValueError`` (or ``TypeError``, ``KeyError``) on
anything else; :func:`decoded` turns that into None.
"""

from __future__ import annotations

import base64
import bisect
import datetime
import re
import struct
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from timeline.engine.checks import RaceFacts
from timeline.engine.summary import RaceSummary
from timeline.errors import CacheDamaged, TimelineError
from timeline.formats import cachefile
from timeline.formats.cachefile import expect_integer as _integer
from timeline.formats.cachefile import expect_text as _text
from timeline.model.events import Event
from timeline.storage.repository import Stat

T = TypeVar("T")

#: A race file's name, and nothing that leaves the cache's folder.
RACE_FILE = re.compile(r"race-[0-9a-f]{24}")
#: A manifest part's name.
_PART_FILE = re.compile(r"part-[0-9a-f]{24}")


class Manifest:
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
    def of_data(cls, data: Any, read_part: Callable[[str], Any]) -> Manifest:
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
            if len(paths) != end - start or len(packed) != ENTRY.size * len(paths):
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
        offset = (index - self.spans[label][0]) * ENTRY.size
        size, mtime, ctime, inode, digest_ = ENTRY.unpack_from(self.part(label)[1], offset)
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


ENTRY = struct.Struct("<qqqQ16s")


@attrs.frozen
class Index:
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
            "summaries": {name: summary_data(s) for name, s in self.summaries.items()},
            "files": self.files,
        }

    @classmethod
    def of_data(cls, data: Any) -> Index:
        """From :meth:`data`; ``ValueError`` (or ``TypeError``, ``KeyError``) if it is not."""
        return cls(
            bytes.fromhex(data["code"]),
            _integer(data["taken_ns"]),
            {_text(label): bytes.fromhex(d) for label, d in data["directories"].items()},
            _shards_of_data(data["shards"]),
            {_text(name): summary_of_data(s) for name, s in data["summaries"].items()},
            _integer(data["files"]),
        )


def summary_data(summary: RaceSummary) -> list[Any]:
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


def summary_of_data(data: Any) -> RaceSummary:
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


def sums_data(sums: RaceFacts) -> list[Any]:
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


def sums_of_data(race: str, data: Any) -> RaceFacts:
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

    manifest: Manifest
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
        self._manifest: Manifest | None = None
        self._where: dict[str, dict[str, int]] = {}

    def span(self, manifest: Manifest, span: Span) -> None:
        """A directory as recorded: its ids and races copied, its part file kept."""
        start, end, name, newest = manifest.spans[span.label]
        at = len(self.ids)
        self.ids += manifest.ids[start:end]
        self.races += manifest.races[start:end]
        self.spans[span.label] = (at, at + end - start, name, newest)
        self._manifest = manifest

    def file(self, rel: str, event_id: str, race: str, stat: Stat, digest_: bytes) -> None:
        """A file of a directory that changed."""
        label = directory_label(rel)
        start, end, _, newest = self.spans.get(label, (len(self.ids), len(self.ids), "", 0))
        self.spans[label] = (start, end + 1, "", max(newest, stat[1]))
        paths, packed = self.parts.setdefault(label, ([], bytearray()))
        paths.append(rel)
        packed += ENTRY.pack(*stat, digest_)
        self.ids.append(event_id)
        self.races.append(race)

    def kept(self, manifest: Manifest, index: int) -> None:
        """The file at ``index`` of ``manifest``, as recorded, in a directory that changed."""
        stat, digest_ = manifest.entry(index)
        self.file(manifest.path(index), manifest.ids[index], manifest.races[index], stat, digest_)

    def entry(self, rel: str) -> tuple[Stat, bytes]:
        """The stat and digest of the file ``rel``."""
        label = directory_label(rel)
        packed: bytes | bytearray
        if label in self.parts:
            paths, packed = self.parts[label]
        else:
            assert self._manifest is not None
            paths, packed = self._manifest.part(label)
        if label not in self._where or len(self._where[label]) != len(paths):
            self._where[label] = dict(zip(paths, range(len(paths)), strict=True))
        offset = self._where[label][rel] * ENTRY.size
        size, mtime, ctime, inode, digest_ = ENTRY.unpack_from(packed, offset)
        return (size, mtime, ctime, inode), digest_


@attrs.frozen
class Quick:
    """A store that no file changed since: its races, how to decode one, what it knows."""

    races: tuple[str, ...]
    fetch: Callable[[str], list[tuple[str, Event]] | None]
    summaries: dict[str, RaceSummary]
    files: int


def decoded(decode: Callable[[Any], T], data: Any) -> T | None:
    """``decode(data)``, or None if ``data`` (from a cache file) is not what it should be."""
    if data is None:
        return None
    try:
        return decode(data)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, TimelineError):
        return None


def shard_of_data(data: Any) -> list[tuple[str, Event]]:
    """A race file's entries: (relative path, event), in load order."""
    return [(_text(rel), cachefile.decode_event(event)) for rel, event in data]


def _shards_of_data(data: Any) -> dict[str, str]:
    shards = {_text(race): _text(name) for race, name in data.items()}
    for name in shards.values():  # a file name in the cache's folder, nothing else
        if RACE_FILE.fullmatch(name) is None:
            raise ValueError("not a race file's name")
    return shards


def _stat_of_data(value: Any) -> Stat:
    size, mtime, ctime, inode = (_integer(v) for v in value)
    return size, mtime, ctime, inode


def directory_label(rel: str) -> str:
    """The directory of :func:`fingerprint` that a file (relative to ``events/``) is in."""
    slash = rel.find("/")
    return "events" if slash < 0 else f"events/{rel[:slash]}"


def top_label(label: str) -> str:
    """The top directory of a fingerprint's label (``events/a/b`` -> ``events/a``)."""
    parts = label.split("/")
    return "/".join(parts[:2]) if parts[0] == "events" else parts[0]


def label_order(label: str) -> tuple[int, str]:
    """The load order of directories: the top of ``events/`` first, then by name."""
    return (0, "") if label == "events" else (1, label)
