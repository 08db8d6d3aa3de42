"""One load's work: the files as found against what the store recorded, the files read,
the checks across files and the replays, and the findings located as ``path:line:col``.

:mod:`timeline.storage.load` makes a :class:`Run` for each load (see its docstring for
the steps); a run is private to that load.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

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
from timeline.engine.replay_checks import as_reported_findings, replay_findings
from timeline.engine.summary import RaceSummary, summarize
from timeline.errors import LoadError, Problem
from timeline.model.events import Event
from timeline.model.seeds import METADATA, SeedRecord, uncited
from timeline.storage.cache import Store
from timeline.storage.loaded import Loaded, Mode, Progress, load_order, read_files, stem
from timeline.storage.manifest import Columns, Recorded, Seen, Span
from timeline.storage.repository import EventFile, Stat, root_of, scan


class Run:
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
        self._files_by_id: dict[str, tuple[str, str]] = {}  # id -> file, race: in memory
        self._mapped = 0  # how many events were in memory when it was made
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
        problems = self._read_changed(workers, progress)
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

    def _read_changed(self, workers: int | None, progress: Progress | None) -> list[Problem]:
        """Read the files the store does not hold as they are, keep their events (a
        duplicate id loses to the file first in load order); the problems found."""
        problems: list[Problem] = []
        unread = [p for p in self.pieces if isinstance(p, Seen) and p.index is None]
        if not unread:
            return problems
        paths = [f"{self.events_dir}/{p.rel}" for p in unread]
        reads = read_files(paths, self.root, self.mode.today, workers, progress)
        kept_ids = self._kept_ids()
        ids: dict[str, str] = {}  # id -> the file read now that has it
        for piece, read in zip(unread, reads, strict=False):  # reads has one more: below
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
        next(reads, None)  # the reader's last report of progress comes after its last file
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
        return self.manifest.races[self.manifest.ids.index(stem(rel))]

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
            if stem(rel) in ids and rel not in self.removed
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
            found.pop(stem(rel), None)
        for race, have in self.events.items():
            found.update((stem(rel), race) for rel in have)
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
        from timeline.storage.reading import read_seed_metadata, read_source_records

        records, seed_problems = read_seed_metadata(self.root)
        sums = [self.sums[race] for race in sorted(self.sums)]
        usual = usual_dates(sums, load_order)
        suspect = sorted(suspects(sums, usual, records, self.mode.today))
        facts = {race: [self._facts(rel) for rel in self._rels(race)] for race in suspect}
        for race in suspect:
            yield from map(self._located, publication_findings(facts[race], usual))
        yield from seed_problems
        yield from read_source_records(self.root)[1]
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
                            yield self._located(Finding(stem(rel), where, message))

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
        """The file (relative to ``events/``) of the event ``event_id``: from a map of the
        events in memory (made again, on a miss, if events were added or removed since),
        else from the manifest (an event not decoded), else from a map made anew."""
        found = self._files_by_id.get(event_id)
        if found is not None and found[0] in self.events.get(found[1], ()):
            return found[0]
        total = sum(len(have) for have in self.events.values())
        if total != self._mapped:
            found = self._map_files(total).get(event_id)
            if found is not None:
                return found[0]
        if self.manifest is not None and event_id in self.manifest.ids:
            return self.manifest.path(self.manifest.ids.index(event_id))
        return self._map_files(total)[event_id][0]

    def _map_files(self, total: int) -> dict[str, tuple[str, str]]:
        self._mapped = total
        self._files_by_id = {
            stem(rel): (rel, race) for race, have in self.events.items() for rel in have
        }
        return self._files_by_id

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
        self._files_by_id, self._mapped = {}, 0
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
