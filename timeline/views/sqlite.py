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

from timeline.views.record import TABLES, Table
from timeline.views.table import Row, TableRow

#: The SQLite type of each kind of column (a list or a map is JSON text; a day, ISO 8601).
_TYPES: dict[str, type] = {
    "text": str,
    "date": str,
    "list": str,
    "map": str,
    "integer": int,
    "boolean": int,
}
#: Rows inserted at a time (each table's rows wait in a buffer of this many at most).
BATCH = 2000

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


def write_sqlite(rows: Iterable[TableRow], out: Path, tables: Sequence[Table] = TABLES) -> None:
    """Write the ``rows`` of ``tables`` (as :func:`~timeline.views.record.race_rows` gives
    them) as the SQLite database ``out``, all or nothing (``OSError`` if it cannot be
    written; then nothing is left at ``out`` that was not there before). The rows are
    streamed: a table's rows are inserted :data:`BATCH` at a time."""
    import sqlite_utils  # the optional extra: only this export needs it

    temporary = out.with_name(f".{out.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    try:
        database = sqlite_utils.Database(temporary)
        created = {table.name: (_create(database, table), table.names) for table in tables}
        waiting: dict[str, list[Row]] = {name: [] for name in created}
        for name, row in rows:
            batch = waiting[name]
            batch.append(row)
            if len(batch) >= BATCH:
                _insert(*created[name], batch)
        for name, batch in waiting.items():
            _insert(*created[name], batch)
        for table in tables:
            for columns in INDEXES.get(table.name, []):
                created[table.name][0].create_index(list(columns))
        for name, searched in SEARCHED.items():
            if name in created:
                created[name][0].enable_fts(searched, create_triggers=False)
        database.close()
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _create(database: Any, table: Table) -> Any:
    foreign = [
        (column, target[0], target[1])
        for (name, column), target in FOREIGN_KEYS.items()
        if name == table.name
    ]
    return database[table.name].create(
        {column.name: _TYPES[column.kind] for column in table.columns},
        pk=table.key[0] if len(table.key) == 1 else table.key,
        foreign_keys=foreign,
    )


def _insert(created: Any, names: tuple[str, ...], batch: list[Row]) -> None:
    """Insert ``batch`` (then empty it)."""
    created.insert_all((dict(zip(names, row, strict=True)) for row in batch), batch_size=BATCH)
    batch.clear()


def datasette_metadata(
    database: str, races: Sequence[Row] = (), tables: Sequence[Table] = TABLES
) -> dict[str, Any]:
    """What Datasette shows of the database named ``database`` (its file name without
    ``.db``): a title, a description of each table and of each of its columns, and for
    each race (its row of ``races``) a query of its daily state that names its source
    and licence, which Datasette shows beside the query's results."""
    described = {
        table.name: {
            "description": table.about,
            "columns": {column.name: column.about for column in table.columns},
        }
        for table in tables
    }
    names = next((table.names for table in tables if table.name == "races"), ())
    queries = {}
    for row in races:
        race = dict(zip(names, row, strict=True))
        queries[f"{race['race']}-days"] = {  # not a table's name: a query would hide it
            "title": f"{race['office']}: the race day by day",
            "description": f"The state of the race {race['race']} on every day from its"
            " opening to its decision, as known then and as known now. Source: "
            f"{race['source']}; licence: {race['licence'] or 'not stated'}.",
            "sql": "select day, known, leader, rule_met, appointed, holdout_count, holdouts,"
            f" event_ids from daily_race where race = {_quoted(race['race'])}"
            " order by day, known",
            **_attributed(race),
        }
    return {
        "title": "timeline: the record of each race",
        "description": "Races, their events and sources (each with its quote), and each"
        " race's state on every day as known then and as known now, derived from the"
        " event files by timeline; every row names the events it derives from. Each"
        " race's sources and licences are in the races table and its query.",
        "databases": {database: {"tables": described, "queries": queries}},
    }


def _quoted(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _attributed(race: dict[str, Any]) -> dict[str, str]:
    """Datasette's source and licence keys of a race, those known."""
    keys = {
        "source": race["source"],
        "source_url": race["source_url"],
        "license": race["licence"],
        "license_url": race["licence_url"],
    }
    return {key: value for key, value in keys.items() if value is not None}
