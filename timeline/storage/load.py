"""Reading and checking a repository of event files: the shell around the core.

A repository is a directory holding ``events/`` (the event files, any depth,
``*.yaml`` or ``*.yml``) and ``seeds/`` (the documents events quote).
:func:`check_repository` reads every file, parses it safely, builds the event
values, checks what needs the file system (the id matches the file name, ids
are unique, each quoted document exists and contains the quote), checks that
retractions and corrections point at real events, and replays every race in
every version of its history (before and after each correction), so a broken
repository fails whatever date is asked for. It reports every problem it
finds; :func:`load_repository` raises them together in one
:class:`~timeline.errors.LoadError` if any is an error.

Warnings do not stop loading, and a load does not look for them (``validate``
and ``new`` do). Two today: an appointment that the decision rule does not
support (the data may lack backings that were never reported, and a real
appointment must still be recordable), and an endorsement that changes nothing
(every member it names already backs the candidate with its conditions).
"""

from __future__ import annotations

import collections
import datetime
import multiprocessing
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from timeline.engine.fold import Replayer, replay_order, reported_by, told_at
from timeline.engine.query import superseded_by
from timeline.errors import (
    EventDataError,
    FileRefused,
    LoadError,
    Problem,
    ReplayError,
    YamlProblem,
    format_path,
)
from timeline.formats import yamlio
from timeline.formats.codec import structure_event
from timeline.model.events import (
    SUPERSEDING,
    Appointment,
    Citation,
    Correction,
    Endorsement,
    Event,
    Retraction,
)
from timeline.model.quotes import divergence, normalize_quote, too_short
from timeline.model.seeds import METADATA, SeedRecord, overlaps, seed_records, uncited
from timeline.model.state import RaceState
from timeline.storage.repository import (
    MAX_FILE_BYTES,
    MAX_SEED_BYTES,
    EventFile,
    Repository,
    Stat,
    digest,
    event_entries,
    located,
    read_regular,
    root_of,
    stat_of,
)

_ONE_DAY = datetime.timedelta(days=1)
_FIRST = datetime.date.min


@attrs.frozen
class Check:
    """What checking a repository found: the events that loaded and every problem."""

    repository: Repository
    problems: tuple[Problem, ...]
    files: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make the repository invalid."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems worth a look that do not make it invalid."""
        return tuple(p for p in self.problems if p.severity == "warning")


@attrs.frozen
class FileRead:
    """One event file as read: its event (None if it has problems), its problems, and
    what it looked like on disk (``os.stat`` before reading, a digest of the bytes)."""

    path: str
    event: Event | None
    problems: tuple[Problem, ...]
    stat: Stat
    digest: bytes


def load_repository(events_dir: Path, progress: Progress | None = None) -> Repository:
    """Load and check every event file under ``events_dir``; raise ``LoadError`` on any error.

    Document paths in sources (``seeds/...``) are relative to the directory
    that holds ``events_dir``.
    """
    check = check_repository(events_dir, progress=progress, warnings=False)
    if check.errors:
        raise LoadError(check.errors)
    return check.repository


def check_repository(
    events_dir: Path,
    *,
    today: datetime.date | None = None,
    as_reported: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    warnings: bool = True,
) -> Check:
    """Check every event file under ``events_dir`` and report all problems found.

    With ``today``, an event dated entirely after it is an error too. With
    ``as_reported``, the race as known on each day a source appeared is
    replayed too (what ``--known-on`` shows must make sense on every day).
    Without ``warnings``, only errors are looked for (a load needs no more).
    ``workers`` sets how many processes read files and ``progress`` is told how
    reading goes (see :func:`read_files`).
    """
    root = root_of(events_dir)
    if not events_dir.is_dir():
        problem = Problem(str(events_dir), 1, 1, "is not a directory")
        return Check(Repository(root, (), {}), (problem,), 0)
    paths = list(_event_paths(events_dir))
    reads = read_files(paths, root, today, workers, progress)
    return check_read(root, reads, as_reported=as_reported, warnings=warnings)


def check_read(
    root: Path,
    reads: Iterable[FileRead],
    *,
    as_reported: bool = False,
    warnings: bool = True,
    replay: Collection[str] | None = None,
) -> Check:
    """The checks across files, on files already read one by one.

    ``replay`` limits the replay checks to those races (the cache knows which
    races an edit touched); the checks that span races always run.
    """
    problems: list[Problem] = []
    events: list[Event] = []
    files: dict[str, EventFile] = {}
    count = 0
    for read in reads:
        count += 1
        problems.extend(read.problems)
        event = read.event
        if event is None:
            continue
        if event.id in files:
            line, column = EventFile(read.path).locate(("id",))
            other = files[event.id].location
            message = f"id {event.id!r} is also used by {other}"
            problems.append(Problem(read.path, line, column, message))
            continue
        events.append(event)
        files[event.id] = EventFile(read.path)
    problems.extend(_publication_problems(events, files))
    if events:  # the seeds are read for the events: with none, nothing of seeds/ is
        records, seed_problems = read_seed_metadata(root)
        problems.extend(seed_problems)
        problems.extend(_seed_problems(root, records, events, files, warnings))
    if not problems:
        problems.extend(_supersession_problems(events, files))
    if not problems:
        problems.extend(_early_source_problems(events, files))
    if not problems:
        problems.extend(_replay_problems(events, files, replay, warnings))
    if not problems and as_reported:
        problems.extend(_as_reported_problems(events, files))
    return Check(Repository(root, tuple(events), files), tuple(problems), count)


#: Below this many files, reading in one process beats starting others.
PARALLEL_FROM = 500
_CHUNK = 250


#: Told how many of how many files have been read, as reading goes (a progress bar).
Progress = Callable[[int, int], None]


def read_files(
    paths: list[str],
    root: Path,
    today: datetime.date | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[FileRead]:
    """Each file read, parsed and checked on its own, in the order of ``paths``.

    Parsing YAML is most of the cost of a cold load, and files are independent:
    from :data:`PARALLEL_FROM` files on, worker processes (one per usable core
    unless ``workers`` says otherwise) read chunks of them. ``progress`` is told
    after every chunk of files.
    """
    if workers is None:
        workers = _cores() if len(paths) >= PARALLEL_FROM else 1
    chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    done = 0
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield from _read_chunk(chunk, root, today)
            done += len(chunk)
            if progress is not None:
                progress(done, len(paths))
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        for reads in pool.imap(_read_job, [(chunk, root, today) for chunk in chunks]):
            yield from reads
            done += len(reads)
            if progress is not None:
                progress(done, len(paths))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read_job(job: tuple[list[str], Path, datetime.date | None]) -> list[FileRead]:
    return list(_read_chunk(*job))


def _read_chunk(paths: list[str], root: Path, today: datetime.date | None) -> Iterator[FileRead]:
    seeds = SeedCache(root)
    for path in paths:
        yield _read_file(path, seeds, today)


def _read_file(path: str, seeds: SeedCache, today: datetime.date | None) -> FileRead:
    problems: list[Problem] = []
    try:
        # the stat is taken on the open file, before reading: a change after it shows
        # as a new stat; a link, a FIFO or a device is refused unread
        raw, info = read_regular(path, MAX_FILE_BYTES, "event files")
    except FileRefused as exc:
        problems.append(Problem(path, 1, 1, str(exc)))
        return FileRead(path, None, tuple(problems), (0, 0, 0, 0), b"")
    except OSError as exc:
        problems.append(Problem(path, 1, 1, f"cannot be read: {exc.strerror}"))
        return FileRead(path, None, tuple(problems), (0, 0, 0, 0), b"")
    event = _load_file(path, raw, seeds, problems, today)
    return FileRead(path, event, tuple(problems), stat_of(info), digest(raw))


def _event_paths(events_dir: Path) -> Iterator[str]:
    for entry in event_entries(str(events_dir)):
        yield entry.path


def _load_file(
    path: str,
    raw: bytes,
    seeds: SeedCache,
    problems: list[Problem],
    today: datetime.date | None,
) -> Event | None:
    document: yamlio.Document | None = None

    def problem(field: tuple[str | int, ...], message: str) -> None:
        nonlocal document
        if document is None:
            document = located(text)
        problems.append(Problem(path, *document.locate(field), message))

    try:  # read_regular has bounded its size
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        problems.append(Problem(path, line, 1, message))
        return None
    try:
        data = yamlio.load(text)
    except YamlProblem as exc:
        problems.append(Problem(path, exc.line, exc.column, exc.message))
        return None
    try:
        event = structure_event(data)
    except EventDataError as exc:
        for field, message in exc.problems:
            problem(field, _describe(field, message))
        return None
    before = len(problems)
    stem = os.path.splitext(os.path.basename(path))[0]
    if event.id != stem:
        problem(("id",), f"id {event.id!r} must equal the file name stem {stem!r}")
    if event.reported is None:
        problem(
            ("sources",),
            "sources: no source says when it was published; give `published:` (a date)"
            " on at least one, so that --known-on knows when the event was reported",
        )
    prefix: tuple[str | int, ...]
    for prefix, fact in _facts_in(event):
        if today is not None and fact.date.earliest is not None and fact.date.earliest > today:
            where = (*prefix, "date")
            problem(
                where, f"{format_path(where)}: {fact.date.text} is in the future (today is {today})"
            )
    for where, message in quote_problems(event, seeds):
        problem(where, message)
    if len(problems) > before:
        return None
    return event


def early_sources(event: Event) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field, message) for each source of ``event`` (or of a correction's replacement)
    published before the event can have happened: a source cannot report what had not
    happened yet. Dissent is not held to this: it may say what a source expected. The
    envelope of a retraction or a correction is not either: it is dated when the fix was
    made, after what it cites."""
    prefix: tuple[str | int, ...]
    for prefix, fact in _facts_in(event):
        if isinstance(fact, Retraction | Correction):
            continue
        start = fact.date.earliest
        if start is None:
            continue
        for index, citation in enumerate(fact.sources):
            published = citation.published
            if published is not None and published.latest < start:
                where = (*prefix, "sources", index, "published")
                yield (
                    where,
                    f"{format_path(where)}: the source was published by {published.latest},"
                    f" before the event ({fact.date.text}) can have happened: cite a report"
                    " from after it, or keep this one as dissent",
                )


def quote_problems(event: Event, seeds: SeedCache) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field, message) for each citation of ``event`` that its seed document does not back."""
    prefix: tuple[str | int, ...]
    for prefix, fact in _facts_in(event):
        for kind, citations in (("sources", fact.sources), ("dissent", fact.dissent)):
            for index, citation in enumerate(citations):
                for key, message in seeds.check(citation):
                    where = (*prefix, kind, index, key)
                    yield where, f"{format_path(where)}: {message}"


def _describe(field: tuple[str | int, ...], message: str) -> str:
    return f"{format_path(field)}: {message}" if field else message


def _facts_in(event: Event) -> Iterator[tuple[tuple[str | int, ...], Event]]:
    """The event, and a correction's replacement, each with its path in the file."""
    yield (), event
    if isinstance(event, Correction):
        yield ("replacement",), event.replacement


def _dated_citations(
    events: Iterable[Event],
) -> dict[str, list[tuple[str, Event, tuple[str | int, ...]]]]:
    """Per seed document, each citation that dates it: (date as written, event, where)."""
    cited: dict[str, list[tuple[str, Event, tuple[str | int, ...]]]] = {}
    for event in events:
        for prefix, fact in _facts_in(event):
            for kind, citations in (("sources", fact.sources), ("dissent", fact.dissent)):
                for index, citation in enumerate(citations):
                    if citation.document is not None and citation.published is not None:
                        where = (*prefix, kind, index, "published")
                        cited.setdefault(citation.document, []).append(
                            (citation.published.text, event, where)
                        )
    return cited


def _usual_date(uses: Sequence[tuple[str, Event, tuple[str | int, ...]]]) -> tuple[str, int]:
    """The date most citations give a document, and how many give it (ties: the first)."""
    return collections.Counter(date for date, _, _ in uses).most_common(1)[0]


def publication_dates(events: Iterable[Event]) -> dict[str, str]:
    """Each cited seed document's publication date: the one most of its citations give
    (what :func:`check_repository` holds every citation of it to)."""
    return {document: _usual_date(uses)[0] for document, uses in _dated_citations(events).items()}


def _publication_problems(
    events: Sequence[Event], files: Mapping[str, EventFile]
) -> Iterator[Problem]:
    """A seed document has one publication date: the one most citations give it."""
    for document, uses in _dated_citations(events).items():
        usual, times = _usual_date(uses)
        for date, event, where in uses:
            if date != usual:
                yield Problem(
                    files[event.id].location,
                    *files[event.id].locate(where),
                    f"{format_path(where)}: {date}, but {times} other citations"
                    f" date {document} {usual}; a document has one publication date",
                )


#: The seeds' metadata file is read up to this size.
MAX_METADATA_BYTES = 1 << 20


def read_seed_metadata(root: Path) -> tuple[dict[str, SeedRecord], list[Problem]]:
    """The records of ``seeds/metadata.yaml`` (none when there is no such file), and what
    is wrong with it, each problem at its line."""
    path = root / METADATA
    if not os.path.lexists(path):
        return {}, []
    if os.path.realpath(path) != os.path.join(os.path.realpath(root), METADATA):
        message = (
            f"{METADATA} is reached through a symbolic link; only regular files inside the"
            " repository's seeds/ are read"
        )
        return {}, [Problem(METADATA, 1, 1, message)]
    try:
        raw, _ = read_regular(path, MAX_METADATA_BYTES, "the seeds' metadata")
        document = yamlio.parse(raw.decode("utf-8"))
    except FileRefused as exc:
        return {}, [Problem(METADATA, 1, 1, f"{METADATA} {exc}")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(METADATA, 1, 1, f"cannot be read: {exc}")]
    except YamlProblem as exc:
        return {}, [Problem(METADATA, exc.line, exc.column, exc.message)]
    records, findings = seed_records(document.data)
    return records, [Problem(METADATA, *document.locate(key), message) for key, message in findings]


def _seed_problems(
    root: Path,
    records: Mapping[str, SeedRecord],
    events: Sequence[Event],
    files: Mapping[str, EventFile],
    warnings: bool,
) -> Iterator[Problem]:
    """The seeds' metadata against the seeds and the citations: each record has a seed;
    a citation's publication date can be the record's; the metadata file is not an
    article. A seed without a record, and a seed no event cites, are warnings (once there
    is a metadata file)."""
    regular, present = _seed_files(root)
    if records:
        for document in sorted(records.keys() - present):
            yield Problem(METADATA, 1, 1, f"{document} is listed but is not a file in seeds/")
        if warnings:  # a seed without a record still has its quotes checked: a warning
            for document in sorted(regular - records.keys()):
                yield Problem(
                    METADATA,
                    1,
                    1,
                    f"{document} has no record: say what is known of the article",
                    severity="warning",
                )
    cited: set[str] = set()
    for event in events:
        for prefix, fact in _facts_in(event):
            for kind, citations in (("sources", fact.sources), ("dissent", fact.dissent)):
                for index, citation in enumerate(citations):
                    if citation.document is None:
                        continue
                    cited.add(citation.document)
                    where = (*prefix, kind, index)
                    message = _seed_citation_problem(citation, records.get(citation.document))
                    if message is not None:
                        file = files[event.id]
                        dated = citation.published and citation.document != METADATA
                        field = (*where, "published" if dated else "document")
                        yield Problem(
                            file.location, *file.locate(field), f"{format_path(field)}: {message}"
                        )
    if warnings and records:
        for document in uncited(records, cited):
            yield Problem(METADATA, 1, 1, f"{document} is cited by no event", severity="warning")


def _seed_citation_problem(citation: Citation, record: SeedRecord | None) -> str | None:
    if citation.document == METADATA:
        return f"{METADATA} is the seeds' metadata, not an article; cite the article"
    if record is None or record.published is None or citation.published is None:
        return None
    if overlaps(citation.published, record.published):
        return None
    return (
        f"{citation.published.text}, but {METADATA} dates {citation.document}"
        f" {record.published.text}"
    )


def _seed_files(root: Path) -> tuple[set[str], set[str]]:
    """The entries directly in ``seeds/`` (the metadata file left out), as documents: the
    regular files, and every entry that is not a folder (a link to a seed is refused
    where it is cited); none when ``seeds/`` is a link (what it points at is outside the
    repository)."""
    if os.path.islink(root / "seeds"):
        return set(), set()
    regular, present = set(), set()
    try:
        with os.scandir(root / "seeds") as scan:
            for entry in scan:
                document = f"seeds/{entry.name}"
                if document == METADATA or entry.name.startswith("."):
                    continue
                if not entry.is_dir(follow_symlinks=False):
                    present.add(document)
                if entry.is_file(follow_symlinks=False):
                    regular.add(document)
    except OSError:
        pass
    return regular, present


def _early_source_problems(
    events: Sequence[Event], files: Mapping[str, EventFile]
) -> Iterator[Problem]:
    """Sources published before their event can have happened (see :func:`early_sources`),
    in events that no retraction or correction supersedes: a merged event is fixed by a
    new one, and the fix stands in its place."""
    superseded = superseded_by(events)
    for event in events:
        if event.id in superseded:
            continue
        for where, message in early_sources(event):
            file = files[event.id]
            yield Problem(file.location, *file.locate(where), message)


def _supersession_problems(
    events: Sequence[Event], files: Mapping[str, EventFile]
) -> Iterator[Problem]:
    """Retractions and corrections name an existing event of their race, once each."""
    by_id = {e.id: e for e in events}
    claimed: dict[str, str] = {}
    for event in replay_order(e for e in events if isinstance(e, Retraction | Correction)):
        target_id = event.target
        field = ("retracts",) if isinstance(event, Retraction) else ("corrects",)
        where = files[event.id]
        target = by_id.get(target_id)
        if target is None:
            message = f"there is no event {target_id!r} to supersede"
        elif target.race != event.race:
            message = f"{target_id} belongs to race {target.race!r}, not {event.race!r}"
        elif isinstance(target, SUPERSEDING):
            message = f"{target_id} is itself a {target.TYPE}; supersede the original event"
        elif target_id in claimed:
            message = f"{target_id} is already superseded by {claimed[target_id]}"
        else:
            claimed[target_id] = event.id
            continue
        yield Problem(where.location, *where.locate(field), message)


def _replay_problems(
    events: Sequence[Event],
    files: Mapping[str, EventFile],
    only: Collection[str] | None,
    warnings: bool = True,
) -> Iterator[Problem]:
    """Replay every version of every race's history; report what does not fit.

    A race's history changes on the day each retraction or correction counts:
    before the first, the events as filed; from then on, as superseded. Each
    version is replayed up to the day before the next change, so every
    ``state_at`` query replays a prefix of one of these runs.
    """
    seen: set[Problem] = set()
    for race, mine in _by_race(events).items():
        if only is not None and race not in only:
            continue
        changes = [e for e in mine if isinstance(e, Retraction | Correction)]
        # the last day of each version: the day before each change counts, and the end of time
        last_days = sorted({c.date.latest - _ONE_DAY for c in changes if c.date.latest > _FIRST})
        for last in [*last_days, datetime.date.max]:
            history = told_at(mine, last, race)
            corrected = {
                c.corrects: c.id
                for c in changes
                if isinstance(c, Correction) and c.date.counts_by(last)
            }
            for problem in _replay(race, history, files, corrected, warn=warnings):
                if problem not in seen:
                    seen.add(problem)
                    yield problem


def _as_reported_problems(
    events: Sequence[Event], files: Mapping[str, EventFile]
) -> Iterator[Problem]:
    """Replay each race as known on each day a report appeared; report what does not fit.

    An event reported before the events it needs (an endorsement before any
    report of the candidacy) would make ``--known-on`` fail on those days.
    """
    seen: set[tuple[str, str]] = set()
    for race, mine in _by_race(events).items():
        days = sorted({e.reported for e in mine if e.reported is not None})
        previous: list[Event] = []
        saved = [RaceState(race)]  # saved[i]: the state after the first i * _EVERY events
        for day in days:
            # A later day adds reports, mostly of recent events: the replay of the day
            # before stands up to the first event that differs; resume from a saved state.
            history = told_at(mine, datetime.date.max, race, known_on=day)
            base = min(_common_prefix(previous, history) // _EVERY, len(saved) - 1)
            del saved[base + 1 :]
            corrected = {
                e.corrects: e.id for e in reported_by(mine, day) if isinstance(e, Correction)
            }
            replayed = _replay(race, history, files, corrected, start=base, saved=saved, warn=False)
            for problem in replayed:
                if problem.severity == "error" and (problem.path, problem.message) not in seen:
                    seen.add((problem.path, problem.message))
                    yield attrs.evolve(problem, message=f"as reported by {day}: {problem.message}")
            previous = history


#: Events between the states saved while replaying a race as reported on each day.
_EVERY = 64


def _common_prefix(first: Sequence[Event], second: Sequence[Event]) -> int:
    """How many events the two replay orders share at their start."""
    for index, (a, b) in enumerate(zip(first, second, strict=False)):
        if a is not b:
            return index
    return min(len(first), len(second))


def _by_race(events: Sequence[Event]) -> dict[str, list[Event]]:
    grouped: dict[str, list[Event]] = {}
    for event in events:
        grouped.setdefault(event.race, []).append(event)
    return dict(sorted(grouped.items()))


def _replay(
    race: str,
    history: list[Event],
    files: Mapping[str, EventFile],
    corrected: dict[str, str],
    *,
    start: int = 0,
    saved: list[RaceState] | None = None,
    warn: bool = True,
) -> Iterator[Problem]:
    """The problems of replaying ``history`` (in replay order); with ``saved``, from the
    state ``saved[start]`` after ``start * _EVERY`` events, saving a state every ``_EVERY``.
    Without ``warn``, errors only: no check for warnings is made."""
    replayer = Replayer(saved[start] if saved is not None else RaceState(race))
    first = start * _EVERY if saved is not None else 0
    for index in range(first, len(history)):
        event = history[index]
        if saved is not None and index > first and index % _EVERY == 0:
            saved.append(replayer.state())  # the state after ``index`` events
        repeated = replayer.repeats(event) if warn and type(event) is Endorsement else ()
        try:
            replayer.apply(event)  # an event that does not fit changes nothing
        except ReplayError as exc:
            path, position = _where(event, (*exc.field,), files, corrected)
            yield Problem(path, *position, exc.message)
            continue
        if repeated:
            assert isinstance(event, Endorsement)
            path, position = _where(event, ("members",), files, corrected)
            members = ", ".join(event.members)
            yield Problem(
                path,
                *position,
                f"{members} already back{'s' if len(event.members) == 1 else ''}"
                f" {event.candidate} since {', '.join(repeated)}, with"
                f" {'these conditions' if event.conditions else 'no new condition'}:"
                " this endorsement changes nothing",
                severity="warning",
            )
        if (
            warn
            and isinstance(event, Appointment)
            and replayer.rule is not None
            and replayer.rule.decides  # a tracker's rule decides nothing: no warning
            and not replayer.state().meets_rule(event.candidate)  # the one rule function
        ):
            path, position = _where(event, ("candidate",), files, corrected)
            rule = replayer.rule.value if replayer.rule else ""
            yield Problem(
                path,
                *position,
                f"{event.candidate} is appointed, but the {rule}"
                f" rule is not met by the backing recorded on this date",
                severity="warning",
            )


def _where(
    event: Event,
    field: tuple[str | int, ...],
    files: Mapping[str, EventFile],
    corrected: dict[str, str],
) -> tuple[str, tuple[int, int]]:
    """The file and position of ``field`` of ``event``: an event replaced by a correction
    is reported in the correction's file, under ``replacement``."""
    if event.id in corrected:
        event_file = files[corrected[event.id]]
        return event_file.location, event_file.locate(("replacement", *field))
    event_file = files[event.id]
    return event_file.location, event_file.locate(field)


class SeedCache:
    """Seed documents, read once each, normalized for quote look-up."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._why: dict[str, str] = {}  # document -> why it is not read, when it is there
        self._texts: dict[str, str | None] = {}

    def check(self, citation: Citation) -> Iterator[tuple[str, str]]:
        """(field, message) for each way ``citation`` fails to match its document (a quote
        of any source must also be long enough to prove something)."""
        if citation.quote is None:  # an official record, cited by its identifier
            return
        short = too_short(citation.quote)
        if short is not None:
            yield "quote", short
            return
        if citation.document is None:
            return
        text = self._text(citation.document)
        if text is None:
            why = self._why.get(citation.document, "does not exist in the repository's seeds/")
            yield "document", f"{citation.document} {why}"
        elif normalize_quote(quote := citation.quote) not in text:
            raw = self._read(citation.document)  # again: only a quote not found needs it
            where = f"; {divergence(quote, raw)}" if raw is not None else ""
            yield "quote", f"not found verbatim in {citation.document}{where}"

    def _read(self, document: str) -> str | None:
        """The document as written, if it is a regular UTF-8 file inside ``seeds/``, reached
        through no symbolic link (``seeds/`` itself a link would check quotes against files
        outside the repository), of at most :data:`MAX_SEED_BYTES`."""
        path = self._root / document  # a plain relative path: events.py checked it
        try:
            if path.resolve() != self._root.resolve() / document:
                self._why[document] = (
                    "is reached through a symbolic link; only regular files inside the"
                    " repository's seeds/ are read"
                )
                return None
            raw, _ = read_regular(path, MAX_SEED_BYTES, "seed documents")
            return raw.decode("utf-8")
        except FileRefused as exc:
            self._why[document] = str(exc)
        except UnicodeDecodeError:
            self._why[document] = "is not UTF-8 text"
        except OSError:
            pass
        return None

    def has(self, document: str) -> bool:
        """Whether ``document`` is a readable text file inside the repository's ``seeds/``."""
        return self._text(document) is not None

    def _text(self, document: str) -> str | None:
        if document not in self._texts:
            text = self._read(document)
            self._texts[document] = normalize_quote(text) if text is not None else None
        return self._texts[document]
