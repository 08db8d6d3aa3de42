"""Dates as reported: exact days, months, years and EDTF uncertainty.

A report rarely gives more than it knows: "in April", "on Tuesday", "before
she backed Rutte". :class:`Date` keeps the text as written (an EDTF string,
ISO 8601-2) and the closed interval of days it may denote, ``earliest`` to
``latest``; ``earliest`` is ``None`` for an open start such as ``../2024-04-02``.

Rule: an event *counts* at a day D once its latest possible day is D or
earlier (``latest <= D``). A date that straddles D (``earliest <= D < latest``)
has possibly already happened, but the fold never applies it early. This
keeps the state at D a statement of what is certain by D, and makes "the
events that count at D" a prefix of the replay order.

Plain ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD``, and intervals of them
(``A/B``, ``../B``), are parsed here directly, since nearly every date uses
them and the EDTF grammar costs milliseconds a date (tests/test_dates.py checks
that both give the same answer); anything else goes to the maintained ``edtf``
parser, imported only then.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import re
from collections.abc import Callable
from typing import Any

import attrs

from timeline.errors import DateError

# Plain year, year-month or year-month-day; other months (EDTF seasons 21-41) go to edtf.
_PLAIN = re.compile(r"(\d{4})(?:-(0\d|1[0-2])(?:-(\d{2}))?)?")
# EDTF's seasons (21-32), parsed here: edtf gives a winter only its December. A season
# runs three months (spring March to May, north and south alike by its number); a
# winter (24, 28) or a southern summer (30) runs from December into the next year's
# February. A qualifier (? ~ %) does not change the days a date allows.
_SEASON = re.compile(r"(\d{4})-(2[1-9]|3[0-2])([?~%])?")
_SEASON_MONTHS = {21: 3, 22: 6, 23: 9, 24: 12, 25: 3, 26: 6, 27: 9, 28: 12,
                  29: 9, 30: 12, 31: 3, 32: 6}  # fmt: skip

#: A date is at most this long. The longest the format needs (an interval of two
#: qualified days) is about 25 characters; an EDTF set of hundreds of days in one
#: field took seconds to parse.
MAX_DATE_CHARS = 48


@attrs.frozen
class Date:
    """A reported date: the EDTF text and the interval of days it allows."""

    text: str
    earliest: datetime.date | None
    latest: datetime.date

    @property
    def exact(self) -> bool:
        """True when the date names a single day."""
        return self.earliest == self.latest

    def counts_by(self, day: datetime.date) -> bool:
        """True when the event certainly happened by ``day`` (its latest day has come)."""
        return self.latest <= day

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=16384)
def parse_date(text: str) -> Date:
    """Parse an EDTF date; raise :class:`DateError` with a readable reason if it is not one.

    Cached: a repository repeats its days (every source of one article gives the
    same date), and equal dates then share one immutable value.
    """
    text = text.strip()
    if len(text) > MAX_DATE_CHARS:
        raise DateError(
            f"{text[:20]!r}… is {len(text)} characters long; a date is at most {MAX_DATE_CHARS}"
        )
    simple = _simple(text)
    if simple is not None:
        return simple
    start, slash, end = text.partition("/")
    upper = _simple(end) if slash else None
    lower = _simple(start) if upper is not None and start not in ("", "..") else None
    if upper is not None and (lower is not None or start in ("", "..")):
        # the common intervals of plain dates, without the cost of the EDTF grammar
        return _checked(Date(text, lower.earliest if lower else None, upper.latest))
    return _edtf(text)


def _simple(text: str) -> Date | None:
    """A plain date or a season, each perhaps with one qualifier at its end (``?``, ``~``,
    ``%``: uncertain or approximate, the same days), parsed here; None for anything else."""
    match = _PLAIN.fullmatch(text[:-1] if text[-1:] in ("?", "~", "%") else text)
    if match is not None:
        return _plain(text, *match.groups())
    season = _SEASON.fullmatch(text)
    if season is None:
        return None
    year, first = int(season.group(1)), _SEASON_MONTHS[int(season.group(2))]
    if year < 1:
        raise DateError(f"{text!r} is not a real date: there is no year 0")
    last_year, last = (year + 1, 2) if first == 12 else (year, first + 2)
    if last_year > datetime.MAXYEAR:
        raise DateError(f"{text!r} ends after the year {datetime.MAXYEAR}")
    end = datetime.date(last_year, last, _days_in(last_year, last))
    return Date(text, datetime.date(year, first, 1), end)


def _checked(date: Date) -> Date:
    if date.earliest is not None and date.earliest > date.latest:
        raise DateError(f"{date.text!r} ends before it begins")
    return date


def _plain(text: str, year_s: str, month_s: str | None, day_s: str | None) -> Date:
    year = int(year_s)
    if year < 1:
        raise DateError(f"{text!r} is not a real date: there is no year 0")
    if month_s is None:
        return Date(text, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    month = int(month_s)
    if not 1 <= month <= 12:
        raise DateError(f"{text!r} is not a real date: month {month_s} does not exist")
    last = _days_in(year, month)
    if day_s is None:
        return Date(text, datetime.date(year, month, 1), datetime.date(year, month, last))
    day = int(day_s)
    if not 1 <= day <= last:
        month_name = MONTHS[month - 1]
        raise DateError(f"{text!r} is not a real date: {month_name} {year} has {last} days")
    exact = datetime.date(year, month, day)
    return Date(text, exact, exact)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _days_in(year: int, month: int) -> int:
    """The number of days in a month (``calendar.monthrange`` without importing calendar,
    which costs a command's start-up more than all of this module)."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _edtf(text: str) -> Date:
    import edtf  # imported here, on demand: it costs ~0.2 s and few dates need it

    try:
        # edtf prints a debugging line when some texts fail ("trying to ..."): swallowed,
        # so that nothing but timeline's own output reaches standard output (JSON stays JSON)
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = edtf.parse_edtf(text)
    except Exception as exc:  # edtf raises its own parse errors and TypeErrors alike
        raise DateError(
            f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY, "
            "or EDTF such as 2023-10~ (approximate), ../2024-06-18 (on or before), "
            "2024-03/2024-06 (between)"
        ) from exc
    # An empty start ("/2024-04-02") or end ("2024-04-02/") is unknown, as ".." is open;
    # edtf guesses 10 years.
    try:
        earliest = None if text.startswith("/") else _bound(parsed.lower_strict)
        latest = None if text.endswith("/") else _bound(parsed.upper_strict)
    except Exception as exc:  # edtf parses some texts it cannot bound ("0000?", "2024-06-1X")
        raise DateError(f"{text!r} is not a date timeline can place in the calendar") from exc
    if latest is None:
        raise DateError(f"{text!r} has no latest possible day; an event needs one")
    return _checked(Date(text, earliest, latest))


def _bound(method: Callable[[], Any]) -> datetime.date | None:
    import edtf  # on demand, see _edtf

    try:
        value = method()
    except TypeError:  # edtf fails this way on open ("..") interval ends
        return None
    if isinstance(value, float):  # +/- infinity for open or unknown ends
        return None
    result: datetime.date = edtf.struct_time_to_date(value)
    return result
