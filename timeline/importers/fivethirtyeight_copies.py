"""FiveThirtyEight's dated copies of ``endorsements-2020.csv``: reading and checking them,
and the member id of each endorser.

A copy is named ``YYYY-MM-DD_<anything>.csv`` by the day it reflects; each is read whole,
its header and every row checked, before any event is built (``fivethirtyeight.py``).
An endorser is known by name and state, and by category too where two rows of one copy
share a name and a state.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import attrs

from timeline.errors import ImportFailure

COLUMNS = (
    "date", "position", "city", "state", "endorser", "endorsee", "endorser party",
    "source", "order", "category", "body", "district", "points",
)  # fmt: skip

#: A copy is read up to this size (the largest is about 106 KB) and this many rows.
MAX_COPY_BYTES = 4 << 20
MAX_ROWS = 20_000
_COPY_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})_[^/]*\.csv")

_Key = tuple[str, ...]  # an endorser: (name, state) or (name, state, category)


@attrs.frozen
class Copy:
    """One dated copy of the file: its day and its rows."""

    day: datetime.date
    path: Path
    rows: tuple[dict[str, str], ...]


def read_copies(folder: Path) -> list[Copy]:
    """Every ``YYYY-MM-DD_*.csv`` under ``folder``, read and checked, oldest first."""
    copies = []
    for path in sorted(folder.glob("*.csv")):
        name = _COPY_NAME.fullmatch(path.name)
        if name is None:
            raise ImportFailure(f"{path}: name a copy YYYY-MM-DD_<anything>.csv by its day")
        if not path.is_file() or path.stat().st_size > MAX_COPY_BYTES:
            raise ImportFailure(f"{path}: not a regular file of at most {MAX_COPY_BYTES} bytes")
        try:
            day = datetime.date.fromisoformat(name.group(1))
            text = path.read_text(encoding="utf-8")
        except (ValueError, OSError) as exc:
            raise ImportFailure(f"{path}: cannot be read: {exc}") from None
        copies.append(Copy(day, path, _rows(path, text)))
    if not copies:
        raise ImportFailure(f"{folder}: no copies (YYYY-MM-DD_*.csv) found")
    if len({copy.day for copy in copies}) != len(copies):
        raise ImportFailure(f"{folder}: two copies are of the same day")
    return copies


def _rows(path: Path, text: str) -> tuple[dict[str, str], ...]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise ImportFailure(f"{path}:1: the header is not the 13 columns of endorsements-2020.csv")
    rows: list[dict[str, str]] = []
    for line, values in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            raise ImportFailure(f"{path}: more than {MAX_ROWS} rows")
        if len(values) != len(COLUMNS):
            raise ImportFailure(f"{path}:{line}: {len(values)} columns, not {len(COLUMNS)}")
        row = dict(zip(COLUMNS, values, strict=True))
        row["line"] = str(line)
        problem = _row_problem(row)
        if problem:
            raise ImportFailure(f"{path}:{line}: {problem}")
        rows.append(row)
    return tuple(rows)


def _row_problem(row: dict[str, str]) -> str | None:
    if not row["endorser"].strip():
        return "no endorser"
    if not re.fullmatch(r"[0-9]{1,3}", row["points"]):
        return f"points {row['points']!r} is not a whole number"
    if bool(row["date"]) != bool(row["endorsee"]):
        return "an endorsement has both a date and an endorsee, a potential endorser neither"
    if row["date"]:
        try:
            datetime.date.fromisoformat(row["date"])
        except ValueError:
            return f"date {row['date']!r} is not YYYY-MM-DD"
    return None


def slug(text: str) -> str:
    """``text`` as a slug: ``Nydia M. Velázquez`` -> ``nydia-m-velazquez``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower().replace("'", "")))


def _name_key(row: dict[str, str]) -> tuple[str, str]:
    """An endorser's name and state, as a slug: the copies spell one name in several
    ways (``William Lacy Clay Jr.``, ``William Lacy Clay, Jr.``)."""
    return (slug(row["endorser"]), row["state"])


def _shared_names(copies: Sequence[Copy]) -> set[tuple[str, str]]:
    """Names and states that two rows of one copy share: two people, or two seats."""
    shared = set()
    for copy in copies:
        seen: set[tuple[str, str]] = set()
        for row in copy.rows:
            pair = _name_key(row)
            if pair in seen:
                shared.add(pair)
            seen.add(pair)
    return shared


class EndorserIds:
    """Member ids of endorsers: ``<state>-<name>``, and the category where two rows of
    one copy share a name and a state."""

    def __init__(self, copies: Sequence[Copy]) -> None:
        self._shared = _shared_names(copies)
        self._ids: dict[_Key, str] = {}

    def of(self, row: dict[str, str]) -> str:
        """The id of the endorser of ``row``."""
        pair = _name_key(row)
        key = (*pair, slug(row["category"])) if pair in self._shared else pair
        found = self._ids.get(key)
        if found is None:
            parts = (row["state"] or "us", key[0], *key[2:])
            found = slug("-".join(parts))[:64].strip("-")
            if found in self._ids.values():
                raise ImportFailure(f"two endorsers would share the id {found!r}")
            self._ids[key] = found
        return found
