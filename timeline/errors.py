"""The one exception tree of the library.

Every failure a user can cause (a malformed file, an impossible date, a member
outside the electorate) is a :class:`TimelineError` carrying structured fields,
so the shell can print ``path:line:col: error: message`` without parsing
strings. Nothing here does I/O.
"""

from __future__ import annotations

import unicodedata

import attrs

#: The Unicode bidi controls: they reorder what a terminal or a page shows ("Trojan
#: Source"), so text from files shows them escaped.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def one_line(text: str) -> str:
    """``text`` with control characters, line breaks, bidi controls and other invisible
    formatting characters escaped (``\\n``, ``\\x1e``, ``\\u202e``, ``\\u200b``), and a lone
    surrogate (from a file name that is not UTF-8), so that a problem always prints as one
    line whatever names a file contains, nothing in it can drive a terminal or hide in it,
    and printing it cannot fail."""
    if text.isprintable():  # most text: no control, line break or bidi control (Cf) in it
        return text
    return "".join(_escaped(c) for c in text)


def _escaped(character: str) -> str:
    category = unicodedata.category(character)
    if category in ("Cc", "Zl", "Zp"):
        return repr(character)[1:-1]
    if category in ("Cf", "Cs") or character in BIDI_CONTROLS:  # invisible formatting
        code = ord(character)  # (bidi controls among them), a lone surrogate
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return character


def printable(text: str) -> str:
    """Text for a terminal: each of its lines made :func:`one_line`, its line breaks kept."""
    return "\n".join(one_line(line) for line in text.split("\n"))


@attrs.frozen
class Problem:
    """One thing wrong with one file, located as precisely as we know; always one line."""

    path: str = attrs.field(converter=one_line)
    line: int
    column: int
    message: str = attrs.field(converter=one_line)
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class TimelineError(Exception):
    """Base class of every error the library raises on purpose.

    ``exit_code`` is the status the command line exits with: 1 for bad data (a file, a
    record, what is on disk), 2 for bad usage (an option or argument that names nothing,
    or a choice the command cannot make alone). The command line prints every one through
    one formatter (``timeline.cli.common.failure``)."""

    exit_code = 1


class UsageProblem(TimelineError):
    """What was asked of a command cannot be done as asked: an option names nothing, or a
    choice must be made (exit status 2)."""

    exit_code = 2


class CommandError(TimelineError):
    """A command cannot do what it was asked with the data it has or was given (the values
    of a new event that make no valid event), or cannot write its result (exit status 1)."""


class LoadError(TimelineError):
    """One or more event files could not be read; ``problems`` lists them all, and
    ``notes`` says what follows from them (``nothing written: ...``)."""

    def __init__(self, problems: tuple[Problem, ...], notes: tuple[str, ...] = ()) -> None:
        self.problems = problems
        self.notes = notes
        super().__init__("\n".join([*(str(p) for p in problems), *notes]))


class InvalidField(TimelineError, ValueError):
    """A value that breaks an event's invariant; ``field`` is its path inside the object."""

    def __init__(self, field: tuple[str | int, ...], message: str) -> None:
        self.field = field
        super().__init__(message)


class DateError(TimelineError, ValueError):
    """Text that is not a date in the accepted EDTF forms."""


class ReplayError(TimelineError):
    """An event does not fit the state of the race it is replayed onto.

    ``field`` is the path of the offending value inside the event (for example
    ``("members", 3)``) so that the shell can point at its line.
    """

    def __init__(self, event_id: str, message: str, field: tuple[str | int, ...] = ()) -> None:
        self.event_id = event_id
        self.message = message
        self.field = field
        super().__init__(f"{event_id}: {message}")


class UnknownRaceError(UsageProblem):
    """The requested race is not in the repository, or a race must be chosen (usage:
    exit status 2 in every command)."""


class RepositoryNotFoundError(TimelineError):
    """No ``events/`` directory was found from the working directory upward."""


class FileRefused(TimelineError):
    """A path that is not read: not a regular file, a symbolic link, or too large.
    The message completes "<path> ..."."""


class YamlProblem(TimelineError):
    """A YAML text that is not a plain event document; ``line`` and ``column`` locate it."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column, self.message = line, column, message
        super().__init__(f"{line}:{column}: {message}")


def format_path(path: tuple[str | int, ...]) -> str:
    """``("sources", 0, "quote")`` -> ``sources[0].quote``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(file)"


class EventDataError(TimelineError, ValueError):
    """Plain data that is not a valid event; ``problems`` are (path, message) pairs."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{format_path(p)}: {m}" for p, m in problems))


class CacheError(TimelineError):
    """The cache directory cannot be used safely (someone else's, or writable by others)."""


class CacheDamaged(CacheError):
    """A part of the cache, read late in a load, is missing or damaged: the loader starts
    again without the cache (never shown to a user)."""


class GitError(TimelineError):
    """git could not answer: not a repository, an unknown revision, or no git at all."""


class ImportFailure(TimelineError):
    """A data set cannot be imported as it is: the message says which file and why."""


class MissingExtraError(TimelineError):
    """An optional feature's packages are not installed: the message says what to install."""
