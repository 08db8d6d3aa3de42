"""A table of the record: its columns (name, kind, meaning), its key, and its rows.

The shape every table of :mod:`timeline.views.record` has, and what the writers
(:mod:`timeline.views.sqlite`) read: rows are computed when a writer asks for them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import attrs

Row = tuple[Any, ...]


@attrs.frozen
class Column:
    """A column: its name, its kind (``text``, ``integer``, ``date``, ``boolean`` or
    ``json``, a list as JSON text), and what it holds."""

    name: str
    kind: str
    about: str


@attrs.frozen
class Table:
    """A table: its name, what a row is, its columns, its key, and its rows (a function:
    rows are computed when a writer asks, race by race)."""

    name: str
    about: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rows: Callable[[], Iterator[Row]]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def columns(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, about) for name, kind, about in spec)


def day(value: datetime.date | None) -> str | None:
    """A day as ISO 8601 text (None stays None)."""
    return value.isoformat() if value is not None else None
