"""A table of the record: its name, its columns (name, kind, meaning) and its key.

The shape every table of :mod:`timeline.views.record` has, and what the writers
(:mod:`timeline.views.sqlite`, :mod:`timeline.views.parquet`) read; the rows come
apart, race by race, as ``(table name, row)`` pairs.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

Row = tuple[Any, ...]
#: A row and the name of its table: how the rows of the record come, race by race.
TableRow = tuple[str, Row]


@attrs.frozen
class Column:
    """A column: its name, its kind, and what it holds. The kinds: ``text``,
    ``integer``, ``boolean``, ``date`` (a day, as ISO 8601 text in a row), ``list`` (a
    list of text) and ``map`` (text to whole numbers: a member's weights)."""

    name: str
    kind: str
    about: str


@attrs.frozen
class Table:
    """A table: its name, what a row is, its columns and its key."""

    name: str
    about: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def columns(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, about) for name, kind, about in spec)


def day(value: datetime.date | None) -> str | None:
    """A day as ISO 8601 text (None stays None)."""
    return value.isoformat() if value is not None else None
