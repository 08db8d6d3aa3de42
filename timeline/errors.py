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
    """``text`` with control characters, line breaks and bidi controls escaped (``\\n``,
    ``\\x1e``, ``\\u202e``), so that a problem always prints as one line whatever names a
    file contains, and nothing in it can drive a terminal."""
    return "".join(_escaped(c) for c in text)


def _escaped(character: str) -> str:
    if character in BIDI_CONTROLS:  # repr shows these as they are: escape them here
        return f"\\u{ord(character):04x}"
    if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
        return repr(character)[1:-1]
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
    """Base class of every error the library raises on purpose."""


class LoadError(TimelineError):
    """One or more event files could not be read; ``problems`` lists them all."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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


class UnknownRaceError(TimelineError):
    """The requested race is not in the repository, or a race must be chosen."""


class RepositoryNotFoundError(TimelineError):
    """No ``events/`` directory was found from the working directory upward."""
