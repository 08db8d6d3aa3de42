"""The record as Parquet files, partitioned by race (the optional ``parquet`` extra).

The tables of :mod:`timeline.views.record`, written with pyarrow (the reference
implementation of Parquet, and what pandas, Polars and DuckDB themselves read and
write it with) as one directory per table and one partition per race, in the layout
Hive made usual and that DuckDB, pandas, Polars and Spark read as they are::

    OUT/record.json                       what every table and column holds
    OUT/daily_support/race=<race>/part-0.parquet
    OUT/events/race=<race>/part-0.parquet
    ...

The race is the directory's name, not a column of the files (Spark refuses a column
that is in both); readers add it back (DuckDB: ``read_parquet('OUT/events/*/*.parquet',
hive_partitioning = true)``). Every race has a file in every table, empty if it has no
rows there, so every table can be read even where a race has no ballots. Each column
carries its description in the file's schema.

Streaming: rows arrive race by race (:func:`~timeline.views.record.race_rows`) and go
to the open files of that race :data:`BATCH` at a time, so memory holds one batch per
table, never the record. All or nothing: the files are written to a temporary
directory beside ``OUT`` and renamed into place; an earlier export at ``OUT`` (its
description and its tables' folders, nothing else) is replaced, anything else there
is left alone and the export refused. A process killed outright (SIGKILL) can leave
its temporary directory, ``.OUT.PID.partial``, beside ``OUT``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from timeline.errors import CommandError
from timeline.views.record import TABLES, Table
from timeline.views.table import Row, TableRow

#: Rows written at a time to a file (a row group holds one batch at most).
BATCH = 65_536
#: The description of the export, at its top; it also marks a directory as an export.
DESCRIPTION = "record.json"
#: What ``record.json`` says it is.
FORMAT = "timeline record, Parquet, partitioned by race"


def write_parquet(
    rows: Iterable[TableRow],
    out: Path,
    tables: Sequence[Table] = TABLES,
) -> None:
    """Write the ``rows`` of ``tables`` (race by race, as ``race_rows`` gives them) under
    the directory ``out``, all or nothing. Raises ``OSError`` if it cannot be written,
    and ``CommandError`` if ``out`` holds anything but an earlier export (then it is left
    as it was)."""
    import pyarrow.parquet as parquet  # the optional extra: only this export needs it

    _check_replaceable(out)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.partial")
    shutil.rmtree(temporary, ignore_errors=True)
    try:
        temporary.mkdir(parents=True)
        files = _Files(parquet, temporary, tables)
        for name, row in rows:
            files.add(name, row)
        files.close_race()
        text = json.dumps(_description(tables), indent=2, ensure_ascii=False)
        (temporary / DESCRIPTION).write_text(text + "\n", encoding="utf-8")
        _replace(temporary, out)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def arrow_schema(table: Table) -> Any:
    """The pyarrow schema of ``table``'s files: its columns but the race, each described."""
    import pyarrow as pa

    kinds = {
        "text": pa.string(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
        "map": pa.map_(pa.string(), pa.int64()),
    }
    return pa.schema(
        [
            pa.field(column.name, kinds[column.kind], metadata={"description": column.about})
            for column in table.columns
            if column.name != "race"
        ],
        metadata={"description": table.about},
    )


class _Files:
    """The open files of the race being written, one per table, and their waiting rows."""

    def __init__(self, parquet: Any, directory: Path, tables: Sequence[Table]) -> None:
        self.parquet = parquet
        self.directory = directory
        self.tables = {table.name: table for table in tables}
        self.schemas = {table.name: arrow_schema(table) for table in tables}
        self.race_at = {table.name: table.names.index("race") for table in tables}
        self.race: str | None = None
        self.done: set[str] = set()
        self.writers: dict[str, Any] = {}
        self.waiting: dict[str, list[Row]] = {name: [] for name in self.tables}

    def add(self, name: str, row: Row) -> None:
        at = self.race_at[name]
        race = row[at]
        if race != self.race:
            self.close_race()
            if race in self.done:
                raise ValueError(f"the rows of race {race!r} must come together")
            self.race = race
        batch = self.waiting[name]
        batch.append(row[:at] + row[at + 1 :])
        if len(batch) >= BATCH:
            self._flush(name)

    def close_race(self) -> None:
        """Write what waits and close the race's files (an empty file for a table it has
        no rows in)."""
        if self.race is None:
            return
        for name in self.tables:
            self._flush(name)
            self.writers.pop(name).close()
        self.done.add(self.race)
        self.race = None

    def _flush(self, name: str) -> None:
        import pyarrow as pa

        writer = self.writers.get(name)
        schema = self.schemas[name]
        if writer is None:
            folder = self.directory / name / f"race={self.race}"
            folder.mkdir(parents=True, exist_ok=True)
            writer = self.parquet.ParquetWriter(
                folder / "part-0.parquet", schema, compression="zstd"
            )
            self.writers[name] = writer
        batch = self.waiting[name]
        if not batch:
            return
        values = list(zip(*batch, strict=True))
        arrays = [
            _array(pa, field.type, column) for field, column in zip(schema, values, strict=True)
        ]
        writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
        batch.clear()


def _array(pa: Any, kind: Any, values: tuple[Any, ...]) -> Any:
    if kind == pa.date32():  # a day is ISO 8601 text in a row: cast in Arrow, not here
        return pa.array(values, type=pa.string()).cast(pa.date32())
    if isinstance(kind, pa.MapType):
        return pa.array([list(v.items()) for v in values], type=kind)
    return pa.array(values, type=kind)


def _description(tables: Sequence[Table]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "layout": "TABLE/race=RACE/part-0.parquet",
        "tables": {
            table.name: {
                "description": table.about,
                "key": list(table.key),
                "columns": {
                    column.name: {"kind": column.kind, "description": column.about}
                    for column in table.columns
                },
            }
            for table in tables
        },
    }


def _check_replaceable(out: Path) -> None:
    """Refuse an ``out`` that is anything but nothing, an empty directory or an export."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise CommandError(f"{out} exists and is not a directory: not replaced")
    if any(out.iterdir()) and not _is_export(out):
        raise CommandError(
            f"{out} is not empty and is not an earlier export alone (its record.json and"
            " its tables' folders): not replaced"
        )


def _is_export(out: Path) -> bool:
    """An earlier export, and nothing else: its description and its tables' folders."""
    allowed = {DESCRIPTION, *(table.name for table in TABLES)}
    if any(entry.name not in allowed for entry in out.iterdir()):
        return False  # a file of the user's beside the export: not ours to remove
    try:
        found = json.loads((out / DESCRIPTION).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and found.get("format") == FORMAT


def _replace(new: Path, out: Path) -> None:
    """Put the directory ``new`` at ``out``, the earlier export there (if any) removed."""
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    shutil.rmtree(old, ignore_errors=True)
    _check_replaceable(out)  # as it was when the export began: nothing came in between
    if out.exists():
        out.rename(old)
    try:
        new.rename(out)
    except BaseException:  # an error, or an interrupt between the two renames
        with contextlib.suppress(OSError):
            old.rename(out)  # put the earlier export back
        raise
    shutil.rmtree(old, ignore_errors=True)
