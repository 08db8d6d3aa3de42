"""Reading event files one by one: bytes, UTF-8, safe YAML, the event model, the checks
that need only the file and the seeds (the id is the file name, a source says when it
was published, no date in the future, every quote found in its seed document).

Each file's result is a :class:`FileRead`: its event (or None) and its problems, with
what the file looked like on disk. Files are independent, so from :data:`PARALLEL_FROM`
files on, worker processes read them. The checks across files are the engine's
(``timeline.engine.checks``); the loader (``load.py``) runs them.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs

from timeline.engine.checks import facts_in, future_dates
from timeline.errors import EventDataError, FileRefused, Problem, YamlProblem, format_path
from timeline.formats import yamlio
from timeline.formats.codec import structure_event
from timeline.model.events import Citation, Event
from timeline.model.quotes import divergence, normalize_quote, too_short
from timeline.model.seeds import METADATA, SeedRecord, seed_records
from timeline.model.sources import RECORDS, SourceRecord, source_records
from timeline.storage.repository import (
    MAX_FILE_BYTES,
    MAX_SEED_BYTES,
    Stat,
    digest,
    located,
    read_regular,
    stat_of,
)


@attrs.frozen
class FileRead:
    """One event file as read: its event (None if it has problems), its problems, and
    what it looked like on disk (``os.stat`` before reading, a digest of the bytes)."""

    path: str
    event: Event | None
    problems: tuple[Problem, ...]
    stat: Stat
    digest: bytes


PARALLEL_FROM = 500
_CHUNK = 250


#: Told how many of how many files have been read, as reading goes (a progress bar).
Progress = Callable[[int, int], None]  # as timeline.storage.load.Progress


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
    found = list(_event_problems(event, path, seeds, today))
    for where, message in found:
        problem(where, message)
    return None if found else event


def _event_problems(
    event: Event, path: str, seeds: SeedCache, today: datetime.date | None
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field, message) for what is wrong with a well-formed ``event`` in file ``path``:
    an id that is not the file's name, no publication date, a date after ``today``, a
    quote its seed does not back."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if event.id != stem:
        yield ("id",), f"id {event.id!r} must equal the file name stem {stem!r}"
    if event.reported is None:
        yield (
            ("sources",),
            "sources: no source says when it was published; give `published:` (a date)"
            " on at least one, so that --known-on knows when the event was reported",
        )
    if today is not None:
        yield from future_dates(event, today)
    yield from quote_problems(event, seeds)


def quote_problems(event: Event, seeds: SeedCache) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field, message) for each citation of ``event`` that its seed document does not back."""
    prefix: tuple[str | int, ...]
    for prefix, fact in facts_in(event):
        for kind, citations in (("sources", fact.sources), ("dissent", fact.dissent)):
            for index, citation in enumerate(citations):
                for key, message in seeds.check(citation):
                    where = (*prefix, kind, index, key)
                    yield where, f"{format_path(where)}: {message}"


def _describe(field: tuple[str | int, ...], message: str) -> str:
    return f"{format_path(field)}: {message}" if field else message


MAX_METADATA_BYTES = 1 << 20


def read_seed_metadata(root: Path) -> tuple[dict[str, SeedRecord], list[Problem]]:
    """The records of ``seeds/metadata.yaml`` (none when there is no such file), and what
    is wrong with it, each problem at its line."""
    return _read_known(root, METADATA, "the seeds' metadata", seed_records)


def read_source_records(root: Path) -> tuple[dict[str, SourceRecord], list[Problem]]:
    """The records of ``seeds/records.yaml`` (none when there is no such file), and what
    is wrong with it, each problem at its line."""
    return _read_known(root, RECORDS, "the sources' records", source_records)


K = TypeVar("K")


def _read_known(
    root: Path,
    rel: str,
    what: str,
    parse: Callable[[Any], tuple[dict[str, K], list[tuple[tuple[str, ...], str]]]],
) -> tuple[dict[str, K], list[Problem]]:
    """One of the files of what is known of the sources (``rel``, a regular file inside
    the repository's seeds/, at most :data:`MAX_METADATA_BYTES`), parsed by ``parse``."""
    path = root / rel
    if not os.path.lexists(path):
        return {}, []
    if os.path.realpath(path) != os.path.join(os.path.realpath(root), rel):
        message = (
            f"{rel} is reached through a symbolic link; only regular files inside the"
            " repository's seeds/ are read"
        )
        return {}, [Problem(rel, 1, 1, message)]
    try:
        raw, _ = read_regular(path, MAX_METADATA_BYTES, what)
        document = yamlio.parse(raw.decode("utf-8"))
    except FileRefused as exc:
        return {}, [Problem(rel, 1, 1, f"{rel} {exc}")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(rel, 1, 1, f"cannot be read: {exc}")]
    except YamlProblem as exc:
        return {}, [Problem(rel, exc.line, exc.column, exc.message)]
    records, findings = parse(document.data)
    return records, [Problem(rel, *document.locate(key), message) for key, message in findings]


def seed_documents(root: Path) -> tuple[set[str], set[str]]:
    """The entries directly in ``seeds/`` (the files of what is known of the sources left
    out), as documents: the
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
                if document in (METADATA, RECORDS) or entry.name.startswith("."):
                    continue
                if not entry.is_dir(follow_symlinks=False):
                    present.add(document)
                if entry.is_file(follow_symlinks=False):
                    regular.add(document)
    except OSError:
        pass
    return regular, present


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
        path = self._root / document  # a plain relative path: model/envelope.py checked it
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
