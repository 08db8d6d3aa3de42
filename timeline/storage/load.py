"""The one loader: read what changed, run the checks, and hand out races on demand.

A repository is a directory holding ``events/`` (the event files, any depth, ``*.yaml``
or ``*.yml``) and ``seeds/`` (the documents events quote). Every command loads it the
same way, with or without a cache (:class:`~timeline.storage.cache.Store`), the way an
event store's repository asks its snapshot store before it reads the log:

1. **What is unchanged.** With a store, the loader asks it what each file looked like
   when it was last checked (:meth:`Store.recorded`); an unchanged file's event is not
   read, only its :class:`~timeline.engine.checks.Facts` are used. Without one, every
   file is new.
2. **Read the rest** (``reading.py``): parse, build the event, the checks of one file.
3. **The checks across files** run on the facts of every file (``engine/checks.py``:
   unique ids, one publication date per document, the seeds' records, supersessions,
   early sources); then every version of the history of each race an edit touched is
   replayed, and for ``validate`` each race as known on every report day. The findings
   become ``path:line:col`` problems here, at the edge.
4. **Write back** what a valid repository is (:meth:`Store.save`): the races an edit
   touched, every file's facts, each race at a glance.

What a load returns, :class:`Loaded`, names every race and summarizes each from the
store without decoding an event; :meth:`Loaded.repository` decodes the races asked for.
Warnings do not stop loading, and a load does not look for them (``validate`` and
``new`` do): an appointment the rule does not support, an endorsement that changes
nothing.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from timeline.engine.checks import (
    Facts,
    Finding,
    RaceFacts,
    early_findings,
    facts_of,
    future_dates,
    publication_findings,
    race_facts,
    seed_record_findings,
    supersessions,
    suspects,
    usual_dates,
)
from timeline.engine.fold import pick_race
from timeline.engine.replay_checks import as_reported_findings, replay_findings
from timeline.engine.summary import RaceSummary, summarize
from timeline.errors import CacheDamaged, LoadError, Problem
from timeline.model.events import Event
from timeline.model.seeds import METADATA, SeedRecord, uncited
from timeline.storage.cache import Store
from timeline.storage.fingerprint import fingerprint
from timeline.storage.manifest import Columns, Recorded, Seen, Span
from timeline.storage.repository import EventFile, Repository, Stat, root_of, scan

if TYPE_CHECKING:
    from timeline.storage.reading import FileRead

#: Told how many of how many files have been read, as reading goes (a progress bar).
Progress = Callable[[int, int], None]


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


__all__ = [
    "Check",
    "Loaded",
    "Progress",
    "check_repository",
    "load_repository",
    "open_repository",
]


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


def load_repository(
    events_dir: Path, progress: Progress | None = None, *, store: Store | None = None
) -> Repository:
    """Load and check every event file under ``events_dir``, through ``store`` when given;
    raise ``LoadError`` on any error. Document paths in sources (``seeds/...``) are
    relative to the directory that holds ``events_dir``."""
    return open_repository(events_dir, progress, store=store).repository()


def open_repository(
    events_dir: Path, progress: Progress | None = None, *, store: Store | None = None
) -> Loaded:
    """Check the repository (errors only) and return it, its races not yet decoded when
    a store holds them; raise ``LoadError`` on any error."""
    problems, loaded = _load(events_dir, store, Mode(), None, progress)
    if problems:
        raise LoadError(tuple(problems))
    return loaded


def check_repository(
    events_dir: Path,
    *,
    today: datetime.date | None = None,
    as_reported: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    warnings: bool = True,
    store: Store | None = None,
) -> Check:
    """Check every event file under ``events_dir`` and report all problems found.

    With ``today``, an event dated entirely after it is an error too. With
    ``as_reported``, the race as known on each day a source appeared is replayed too
    (what ``--known-on`` shows must make sense on every day). Without ``warnings``, only
    errors are looked for. ``workers`` sets how many processes read files and
    ``progress`` is told how reading goes.
    """
    mode = Mode(today, as_reported, warnings)
    problems, loaded = _load(events_dir, store, mode, workers, progress)
    return Check(loaded, tuple(problems))


def _load(
    events_dir: Path,
    store: Store | None,
    mode: Mode,
    workers: int | None,
    progress: Progress | None,
    *,
    quick: bool = True,
) -> tuple[list[Problem], Loaded]:
    """The one load: every problem found (in the order of the checks) and what loaded.
    Without ``quick``, the store's index is not trusted to answer alone."""
    if not events_dir.is_dir():
        problem = Problem(str(events_dir), 1, 1, "is not a directory")
        return [problem], Loaded(events_dir, {}, _nothing, {}, 0)
    started = time.time_ns()
    directories, newest = fingerprint(events_dir) if store is not None else ({}, 0)
    if store is not None and mode.plain and quick:
        fast = store.unchanged(directories, newest)
        if fast is not None:  # the fast path: no file changed since the store was written

            def fetch(race: str) -> list[tuple[str, Event]]:
                assert fast is not None
                found = fast.fetch(race)
                if found is not None:
                    return found
                # a damaged race file: the load that reads what it must
                problems, loaded = _load(events_dir, store, mode, workers, progress, quick=False)
                if problems:
                    raise LoadError(tuple(problems))
                return loaded.entries(race)

            races = dict.fromkeys(fast.races)
            return [], Loaded(events_dir, races, fetch, fast.summaries, fast.files)
    recorded = store.recorded(directories) if store is not None else None
    run = _Run(events_dir, store, mode, recorded)
    try:
        problems = run.check(workers, progress)
    except CacheDamaged:  # a part of the manifest, read late, is damaged: read every file
        run = _Run(events_dir, store, mode, None)
        problems = run.check(workers, progress)
    if store is not None and not any(p.severity == "error" for p in problems) and run.news:
        run.save(store, directories, started)
    return problems, run.loaded()


def _nothing(race: str) -> list[tuple[str, Event]]:
    raise KeyError(race)


class _Run:
    """One load's work: the files as found, what the store recorded, what was read.

    Files as recorded are never looked at one by one: a directory as recorded is a span
    of the store's columns, and only the races an edit touched are decoded."""

    def __init__(
        self, events_dir: Path, store: Store | None, mode: Mode, recorded: Recorded | None
    ) -> None:
        self.events_dir = events_dir
        self.root = root_of(events_dir)
        self.store = store
        self.mode = mode
        self.recorded = recorded
        self.prefix = len(str(events_dir)) + 1
        self.pieces: list[Span | Seen] = (
            recorded.pieces
            if recorded is not None
            else [Seen(rel, stat, None) for rel, stat in scan(events_dir)]
        )
        self.manifest = recorded.manifest if recorded is not None else None
        self.removed: set[str] = set(recorded.removed) if recorded else set()  # and changed
        self.fresh: dict[str, tuple[Stat, bytes, str]] = {}  # rel -> stat, digest, race: read
        self.events: dict[str, dict[str, Event]] = {}  # race -> rel -> event, decoded
        self.facts: dict[str, Facts] = {}  # rel -> facts, of the races checked file by file
        self.touched: set[str] = set(recorded.touched) if recorded else set()
        self.sums: dict[str, RaceFacts] = dict(recorded.sums) if recorded else {}
        self.rels: dict[str, list[str]] = {}  # race -> its files, of races in memory
        self.excluded: set[str] = set()  # files as recorded whose id a file read now took
        self.reports: dict[str, list[Problem]] = {}  # race -> what validate found in it
        self.mending = False  # a damaged race file was found
        self._files_by_id: dict[str, str] = {}  # of the events in memory
        self.files = sum(p.end - p.start if isinstance(p, Span) else 1 for p in self.pieces)
        # the seeds as they are before any quote is checked (as recorded, if unchanged)
        self.seeds: dict[str, tuple[Stat, bytes]] = {}
        if store is not None:
            if recorded is not None and not recorded.seeds_changed:
                self.seeds = recorded.manifest.seeds
            else:
                self.seeds = store.seeds_now()

    # -- reading --

    def check(self, workers: int | None, progress: Progress | None) -> list[Problem]:
        """Read what changed and run every check; the problems in the order of the checks."""
        problems: list[Problem] = []
        paths = [
            f"{self.events_dir}/{p.rel}"
            for p in self.pieces
            if isinstance(p, Seen) and p.index is None
        ]
        reads = read_files(paths, self.root, self.mode.today, workers, progress) if paths else None
        kept_ids = self._kept_ids()
        ids: dict[str, str] = {}  # id -> the file read now that has it
        for piece in self.pieces:
            if not isinstance(piece, Seen) or piece.index is not None:
                continue
            assert reads is not None
            read = next(reads)
            self.fresh[piece.rel] = _UNREAD  # what is kept of a read: not the read, its memory
            problems.extend(read.problems)
            if read.event is None:
                continue
            event_id = read.event.id
            first = ids.get(event_id) or self._kept_file(event_id, kept_ids)
            if first is not None and load_order(first) < load_order(piece.rel):
                problems.append(self._duplicate(piece.rel, event_id, first))
                continue
            if first is not None:  # a file as recorded, later in load order, loses its id
                problems.append(self._duplicate(first, event_id, piece.rel))
                self.excluded.add(first)
                self.touched.add(self._kept_race(first))
            ids[event_id] = piece.rel
            race = read.event.race
            if self.store is not None:  # for the store: its stat, digest and race
                self.fresh[piece.rel] = (read.stat, read.digest, race)
            self.touched.add(race)
            self.events.setdefault(race, {})[piece.rel] = read.event
        if reads is not None:
            next(reads, None)  # the reader's last report of progress comes after its last file
        if self.recorded is not None and self.recorded.seeds_changed:
            self.touched.update(self.recorded.shards)
            problems.extend(self._quotes_again())
        for race in sorted(self.touched):
            rels, events = self._rels(race), self._race(race)
            if rels:  # facts made as they are summed: 100,000 of them never wait in memory
                self.sums[race] = race_facts(race, ((rel, facts_of(events[rel])) for rel in rels))
            else:
                self.sums.pop(race, None)
        if self.sums:  # the seeds are read for the events: with none, nothing of seeds/ is
            problems.extend(self._across())
        sums = [self.sums[race] for race in sorted(self.sums)]
        if not problems:
            problems.extend(map(self._located, supersessions(sums, self._race_of, load_order)))
        if not problems:
            problems.extend(map(self._located, early_findings(sums)))
        if not problems:
            problems.extend(self._replays())
        return problems

    def _kept_ids(self) -> set[str]:
        """The ids of the files as recorded (set operations on the columns: no loop here)."""
        if self.manifest is None:
            return set()
        found: set[str] = set()
        for piece in self.pieces:
            if isinstance(piece, Span):
                found.update(self.manifest.ids[piece.start : piece.end])
            elif piece.index is not None:
                found.add(self.manifest.ids[piece.index])
        return found

    def _kept_file(self, event_id: str, kept_ids: set[str]) -> str | None:
        """The file as recorded that holds ``event_id``, if one does (looked up only for an
        id that a file read now also has)."""
        if event_id not in kept_ids:
            return None
        assert self.manifest is not None
        for index, other in enumerate(self.manifest.ids):
            if other == event_id and self.manifest.path(index) not in self.removed:
                return self.manifest.path(index)
        return None

    def _kept_race(self, rel: str) -> str:
        assert self.manifest is not None
        return self.manifest.races[self.manifest.ids.index(_stem(rel))]

    def _duplicate(self, rel: str, event_id: str, first: str) -> Problem:
        path = f"{self.events_dir}/{rel}"
        line, column = EventFile(path).locate(("id",))
        message = f"id {event_id!r} is also used by {self.events_dir}/{first}"
        return Problem(path, line, column, message)

    def _rels(self, race: str) -> list[str]:
        """``race``'s files that loaded, in load order (its kept ones decoded for it)."""
        if race not in self.rels:
            have = self._race(race)
            self.rels[race] = sorted(have, key=load_order)
        return self.rels[race]

    def _facts(self, rel: str) -> Facts:
        """The facts of a file that loaded (a kept one's race was decoded for them)."""
        if rel not in self.facts:
            race = next(r for r, have in self.events.items() if rel in have)
            self.facts[rel] = facts_of(self.events[race][rel])
        return self.facts[rel]

    def _race(self, race: str) -> dict[str, Event]:
        """``race``'s events by relative path: those read now and those the store kept."""
        if race not in self.rels:
            have = self.events.setdefault(race, {})
            for rel, event in self._fetch_kept(race):
                have.setdefault(rel, event)
            for rel in self.excluded:
                have.pop(rel, None)
            self.rels[race] = sorted(have, key=load_order)
        return self.events[race]

    def _fetch_kept(self, race: str) -> list[tuple[str, Event]]:
        """The events of ``race`` as recorded (not changed or removed since): from the
        store, or read again if its file is damaged (unchanged, they check as before)."""
        if self.store is None or self.recorded is None or race not in self.recorded.shards:
            return []
        found = self.store.race(self.recorded.shards[race])
        if found is not None:
            return [(rel, event) for rel, event in found if rel not in self.removed]
        # damaged: read its files again and mend the file
        assert self.manifest is not None
        ids = {
            i for i, of in zip(self.manifest.ids, self.manifest.races, strict=True) if of == race
        }
        paths = [  # found by id among the files now: the manifest's paths may be damaged too
            f"{self.events_dir}/{rel}"
            for rel, _ in scan(self.events_dir)
            if _stem(rel) in ids and rel not in self.removed
        ]
        again = []
        for read in read_files(paths, self.root):
            if read.problems or read.event is None:
                raise LoadError(read.problems)  # changed while loading: as any bad file
            again.append((read.path[self.prefix :], read.event))
        self.store.mend(self.recorded.shards[race], again)
        if not self.mending:  # where one race file is damaged, others may be: mend them all
            self.mending = True
            for other in sorted(set(self.recorded.shards) - {race}):
                self._race(other)
        return [(rel, event) for rel, event in again if rel not in self.removed]

    @functools.cached_property
    def _race_of(self) -> Mapping[str, str]:
        """Event id -> race, of every file that loaded."""
        found: dict[str, str] = {}
        if self.manifest is not None:
            found.update(zip(self.manifest.ids, self.manifest.races, strict=True))
        for rel in (*self.removed, *self.excluded):
            found.pop(_stem(rel), None)
        for race, have in self.events.items():
            found.update((_stem(rel), race) for rel in have)
        return found

    def _quotes_again(self) -> Iterator[Problem]:
        """The seeds changed: every kept event's quotes are checked again."""
        from timeline.storage.reading import SeedCache, quote_problems

        seeds = SeedCache(self.root)
        for race in sorted(self.touched):
            events = self._race(race)
            for rel in list(self._rels(race)):
                if rel in self.fresh:
                    continue
                path = f"{self.events_dir}/{rel}"
                found = list(quote_problems(events[rel], seeds))
                for where, message in found:
                    yield Problem(path, *EventFile(path).locate(where), message)
                if found:  # as a file read with problems: its event did not load
                    self.rels[race].remove(rel)
                    del events[rel]

    def _across(self) -> Iterator[Problem]:
        """The checks across files on the races' sums; the races they point at are then
        checked file by file: publication dates, the seeds' records, future dates."""
        from timeline.storage.reading import read_seed_metadata

        records, seed_problems = read_seed_metadata(self.root)
        sums = [self.sums[race] for race in sorted(self.sums)]
        usual = usual_dates(sums, load_order)
        suspect = sorted(suspects(sums, usual, records, self.mode.today))
        facts = {race: [self._facts(rel) for rel in self._rels(race)] for race in suspect}
        for race in suspect:
            yield from map(self._located, publication_findings(facts[race], usual))
        yield from seed_problems
        documents = {document for race in sums for document in race.documents}
        yield from _metadata_problems(self.root, records, documents, self.mode.warnings)
        for race in suspect:
            yield from map(self._located, seed_record_findings(facts[race], records))
        if self.mode.warnings and records:
            for document in uncited(records, documents):
                message = f"{document} is cited by no event"
                yield Problem(METADATA, 1, 1, message, severity="warning")
        today = self.mode.today
        if today is not None:  # the files read now were checked as they were read
            for race in suspect:
                events = self._race(race)
                for rel in self._rels(race):
                    if rel not in self.fresh:
                        for where, message in future_dates(events[rel], today):
                            yield self._located(Finding(_stem(rel), where, message))

    def _replays(self) -> Iterator[Problem]:
        """Replay every version of each race an edit touched (each race, for ``validate``,
        unless the store has its report); as reported on each day, for ``validate``."""
        validating = self.mode.warnings and self.mode.as_reported
        for race in sorted(self.sums):
            if validating and race not in self.touched and self.store and self.recorded:
                report = self.store.report(self.recorded.shards[race])
                if report is not None:  # as found before: not written again
                    yield from report
                    continue
            if race not in self.touched and not self.mode.warnings and not self.mode.as_reported:
                continue  # unchanged since it was replayed and found valid
            events = [event for _, event in self.entries(race)]
            found = [self._located(f) for f in replay_findings(events, warnings=self.mode.warnings)]
            if not any(p.severity == "error" for p in found) and self.mode.as_reported:
                found += [self._located(f) for f in as_reported_findings(events)]
            if validating:
                self.reports[race] = found
            yield from found

    def _located(self, finding: Finding) -> Problem:
        path = f"{self.events_dir}/{self._file_of(finding.event)}"
        line, column = EventFile(path).locate(finding.field)
        return Problem(path, line, column, finding.message, finding.severity)

    def _file_of(self, event_id: str) -> str:
        """The file (relative to ``events/``) of the event ``event_id``."""
        if len(self._files_by_id) != sum(len(have) for have in self.events.values()):
            self._files_by_id = {_stem(rel): rel for have in self.events.values() for rel in have}
        found = self._files_by_id.get(event_id)
        if found is not None:
            return found
        assert self.manifest is not None
        return self.manifest.path(self.manifest.ids.index(event_id))

    # -- results --

    @property
    def news(self) -> bool:
        """Whether the store learns anything from this run: a file read or stat'ed anew, a
        race touched, a report made, the seeds changed (else the store is as it was)."""
        changed = any(isinstance(piece, Seen) for piece in self.pieces)
        recorded = self.recorded
        if recorded is None or recorded.seeds_changed or recorded.removed or changed:
            return True
        return bool(self.touched or self.reports)

    def entries(self, race: str) -> list[tuple[str, Event]]:
        """``race``'s events that loaded, with their files' paths, in load order."""
        have = self._race(race)
        return [(rel, have[rel]) for rel in self._rels(race)]

    def loaded(self) -> Loaded:
        entries: dict[str, list[tuple[str, Event]] | None] = dict.fromkeys(self.sums)
        summaries = self.recorded.summaries if self.recorded else {}
        kept = {race: s for race, s in summaries.items() if race not in self.touched}
        return Loaded(self.events_dir, entries, self.entries, kept, self.files)

    def save(self, store: Store, directories: dict[str, bytes], started: int) -> None:
        """Record a valid repository: the touched races' files, the stats of every file,
        each race's sums and summary, and validate's reports."""
        self.__dict__.pop("_race_of", None)  # lookups of the checks: let them go first
        self._files_by_id = {}
        columns = Columns()
        for piece in self.pieces:
            if isinstance(piece, Span):
                assert self.manifest is not None
                columns.span(self.manifest, piece)
            elif piece.index is not None:
                assert self.manifest is not None
                columns.kept(self.manifest, piece.index)
            else:
                stat, digest, race = self.fresh[piece.rel]
                event_id = self.events[race][piece.rel].id  # the event's own text, not a copy
                columns.file(piece.rel, event_id, race, stat, digest)
        written: dict[str, list[tuple[str, Event]]] = {}
        summaries: dict[str, RaceSummary] = {}
        for race in sorted(self.sums):
            if race in self.touched or self.recorded is None or race not in self.recorded.shards:
                written[race] = self.entries(race)
                summaries[race] = summarize([e for _, e in written[race]], race)
        store.save(
            columns,
            written,
            summaries,
            self.sums,
            self.reports,
            self.recorded,
            self.seeds,
            directories,
            started,
        )


#: What the loader keeps of a file read without a store to tell: nothing but that it was.
_UNREAD: tuple[Stat, bytes, str] = ((0, 0, 0, 0), b"", "")


def _stem(rel: str) -> str:
    """The file name of ``rel`` without its extension: the id of the event it holds."""
    name = rel[rel.rfind("/") + 1 :]
    return name[: name.rfind(".")]


def _metadata_problems(
    root: Path, records: Mapping[str, SeedRecord], documents: set[str], warnings: bool
) -> Iterator[Problem]:
    """The seeds' metadata against the seeds: each record has a seed; a seed without a
    record is a warning (once there is a metadata file)."""
    if not records:
        return
    from timeline.storage.reading import seed_documents

    regular, present = seed_documents(root)
    for document in sorted(records.keys() - present):
        yield Problem(METADATA, 1, 1, f"{document} is listed but is not a file in seeds/")
    if warnings:
        for document in sorted(regular - records.keys()):
            message = f"{document} has no record: say what is known of the article"
            yield Problem(METADATA, 1, 1, message, severity="warning")
