"""The record as one SQLite database, for SQL and for Datasette (the optional ``sqlite`` extra).

The tables of :mod:`timeline.views.record`, written with sqlite-utils (made for exactly
this: typed tables from rows, keys, foreign keys, indexes and full-text search without
hand-written SQL): a primary key on each, ``sources`` and ``conditions`` pointing at
``events``, an index on each race-and-day lookup, full-text search over the quotes and
over the events' summaries and notes. Beside the database, :func:`datasette_metadata`
gives what Datasette shows: a title and a description of each table and column.

All or nothing: the database is written to a temporary file in the same folder and
renamed into place, so a failed export leaves no half-written database where the output
should be (and an older one, if any, as it was). Like ``plot``, this is the one part of
``views`` that writes a file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from timeline.views.record import Table

#: The SQLite type of each kind of column (a list is JSON text; a day, ISO 8601 text).
_TYPES: dict[str, type] = {"text": str, "date": str, "json": str, "integer": int, "boolean": int}

#: Foreign keys: (table, column) -> (table, column) it points at.
FOREIGN_KEYS = {
    ("events", "race"): ("races", "race"),
    ("sources", "event_id"): ("events", "id"),
    ("conditions", "event_id"): ("events", "id"),
    ("candidates", "race"): ("races", "race"),
    ("members", "race"): ("races", "race"),
    ("ballots", "event_id"): ("events", "id"),
    ("votes", "event_id"): ("events", "id"),
    ("daily_race", "race"): ("races", "race"),
    ("daily_support", "race"): ("races", "race"),
}

#: The indexes beyond the keys: the lookups an analyst makes first.
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "events": [("race", "counts_from"), ("type",), ("candidate",)],
    "sources": [("document",), ("race",)],
    "conditions": [("race", "member"), ("candidate",)],
    "members": [("race", "member")],
    "ballots": [("race", "number")],
    "votes": [("race", "ballot"), ("member",), ("candidate",)],
    "daily_race": [("day",)],
    "daily_support": [("race", "candidate", "day"), ("day",)],
}

#: Full-text search: table -> the columns searched.
SEARCHED = {"sources": ["quote", "claim"], "events": ["summary", "note"]}


def write_sqlite(tables: Sequence[Table], out: Path) -> None:
    """Write ``tables`` as the SQLite database ``out``, all or nothing (``OSError`` if it
    cannot be written; then nothing is left at ``out`` that was not there before)."""
    import sqlite_utils  # the optional extra: only this export needs it

    temporary = out.with_name(f".{out.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    try:
        database = sqlite_utils.Database(temporary)
        for table in tables:
            _write_table(database, table)
        for name, columns in SEARCHED.items():
            database[name].enable_fts(columns, create_triggers=False)  # type: ignore[union-attr]
        database.close()
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _write_table(database: Any, table: Table) -> None:
    foreign = [
        (column, target[0], target[1])
        for (name, column), target in FOREIGN_KEYS.items()
        if name == table.name
    ]
    created = database[table.name].create(
        {column.name: _TYPES[column.kind] for column in table.columns},
        pk=table.key[0] if len(table.key) == 1 else table.key,
        foreign_keys=foreign,
    )
    created.insert_all(_records(table.names, table.rows()), batch_size=2000)
    for columns in INDEXES.get(table.name, []):
        created.create_index(list(columns))


def _records(names: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield dict(zip(names, row, strict=True))


def datasette_metadata(tables: Sequence[Table], database: str) -> dict[str, Any]:
    """What Datasette shows of the database named ``database`` (its file name without
    ``.db``): a title, and a description of each table and of each of its columns."""
    described = {
        table.name: {
            "description": table.about,
            "columns": {column.name: column.about for column in table.columns},
        }
        for table in tables
    }
    return {
        "title": "timeline: the record of each race",
        "description": "Races, their events and sources (each with its quote), and each"
        " race's state on every day as known then and as known now, derived from the"
        " event files by timeline; every row names the events it derives from.",
        "databases": {database: {"tables": described}},
    }
