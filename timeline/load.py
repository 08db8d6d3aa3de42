"""Reading a repository of event files: the imperative shell around the core.

A repository is a directory holding ``events/`` (the event files, any depth,
``*.yaml`` or ``*.yml``) and ``seeds/`` (the documents events quote). Loading
reads every file, parses it safely, builds the event values, checks what
needs the file system (the id matches the file name, ids are unique, each
quoted document exists and contains the quote) and replays every race once,
so a broken repository fails whatever date is asked for. Every problem found
is collected and raised together in one :class:`~timeline.errors.LoadError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from timeline import yamlio
from timeline.codec import EventDataError, format_path, structure_event
from timeline.errors import LoadError, Problem, ReplayError, RepositoryNotFoundError
from timeline.events import Citation, Event
from timeline.fold import apply, races, replay_order
from timeline.state import RaceState

#: Event files larger than this are refused unread: a development fits in a page.
MAX_FILE_BYTES = 256 * 1024

_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")


@attrs.frozen
class EventFile:
    """Where an event came from: its file and the position of each field in it."""

    path: Path
    document: yamlio.Document

    def locate(self, field: tuple[str | int, ...]) -> tuple[int, int]:
        """Line and column of ``field`` (or its nearest ancestor) in the file."""
        return self.document.locate(field)


@attrs.frozen
class Repository:
    """The loaded events of a repository, with the file each came from."""

    root: Path
    events: tuple[Event, ...]
    files: Mapping[str, EventFile]

    @property
    def races(self) -> tuple[str, ...]:
        """The race ids in this repository."""
        return races(self.events)


def find_repository(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) holding ``events/``."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / "events").is_dir():
            return directory
    raise RepositoryNotFoundError(f"no events/ directory in {here} or any parent; use --events DIR")


def load_repository(events_dir: Path) -> Repository:
    """Load and check every event file under ``events_dir``; raise ``LoadError`` on any problem.

    Document paths in sources (``seeds/...``) are relative to the directory
    that holds ``events_dir``.
    """
    if not events_dir.is_dir():
        raise LoadError((Problem(str(events_dir), 1, 1, "is not a directory"),))
    root = events_dir.parent
    problems: list[Problem] = []
    events: list[Event] = []
    files: dict[str, EventFile] = {}
    seeds = _SeedCache(root)
    for path in _event_paths(events_dir):
        loaded = _load_file(path, seeds, problems)
        if loaded is None:
            continue
        event, event_file = loaded
        if event.id in files:
            line, column = event_file.locate(("id",))
            other = files[event.id].path
            problems.append(
                Problem(str(path), line, column, f"id {event.id!r} is also used by {other}")
            )
            continue
        events.append(event)
        files[event.id] = event_file
    if not problems:
        problems.extend(_replay_problems(events, files))
    if problems:
        raise LoadError(tuple(problems))
    return Repository(root, tuple(events), files)


def _event_paths(events_dir: Path) -> Iterator[Path]:
    for directory, subdirs, names in os.walk(events_dir):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                yield Path(directory, name)


def _load_file(
    path: Path, seeds: _SeedCache, problems: list[Problem]
) -> tuple[Event, EventFile] | None:
    def problem(line: int, column: int, message: str) -> None:
        problems.append(Problem(str(path), line, column, message))

    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem(1, 1, f"cannot be read: {exc.strerror}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problem(1, 1, f"is {len(raw)} bytes; event files are limited to {MAX_FILE_BYTES}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem(line, 1, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return None
    try:
        document = yamlio.parse(text)
    except yamlio.YamlProblem as exc:
        problem(exc.line, exc.column, exc.message)
        return None
    try:
        event = structure_event(document.data)
    except EventDataError as exc:
        for field, message in exc.problems:
            problem(*document.locate(field), _describe(field, message))
        return None
    event_file = EventFile(path, document)
    before = len(problems)
    if event.id != path.stem:
        problem(
            *document.locate(("id",)),
            f"id {event.id!r} must equal the file name stem {path.stem!r}",
        )
    for kind, citations in (("sources", event.sources), ("dissent", event.dissent)):
        for index, citation in enumerate(citations):
            for key, message in seeds.check(citation):
                problem(*document.locate((kind, index, key)), f"{kind}[{index}].{key}: {message}")
    if len(problems) > before:
        return None
    return event, event_file


def _describe(field: tuple[str | int, ...], message: str) -> str:
    return f"{format_path(field)}: {message}" if field else message


def _replay_problems(events: list[Event], files: Mapping[str, EventFile]) -> Iterator[Problem]:
    for race in races(events):
        state = RaceState(race)
        for event in replay_order(e for e in events if e.race == race):
            try:
                state = apply(state, event)
            except ReplayError as exc:
                event_file = files[exc.event_id]
                line, column = event_file.locate(exc.field)
                yield Problem(str(event_file.path), line, column, exc.message)


def normalize_quote(text: str) -> str:
    """Text as quotes are compared: typographic quotes made straight, whitespace collapsed."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


class _SeedCache:
    """Seed documents, read once each, normalized for quote look-up."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._seeds = (root / "seeds").resolve()
        self._texts: dict[str, str | None] = {}

    def check(self, citation: Citation) -> Iterator[tuple[str, str]]:
        """(field, message) for each way ``citation`` fails to match its document."""
        if citation.document is None:
            return
        text = self._text(citation.document)
        if text is None:
            yield "document", f"{citation.document} does not exist in the repository's seeds/"
        elif normalize_quote(citation.quote) not in text:
            yield "quote", f"not found verbatim in {citation.document}"

    def _text(self, document: str) -> str | None:
        if document not in self._texts:
            path = (self._root / document).resolve()
            inside = path.is_relative_to(self._seeds)
            try:
                text = path.read_text(encoding="utf-8") if inside and path.is_file() else None
            except (OSError, UnicodeDecodeError):
                text = None
            self._texts[document] = normalize_quote(text) if text is not None else None
        return self._texts[document]
