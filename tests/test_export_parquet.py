"""`timeline export --format parquet`: the record as Parquet files, a view of the replay.

DuckDB reads the files as they are: their daily state is held to ``state_at`` on every
day of every real race and of a generated repository; every query docs/data-model.md
gives an analyst runs against the real data, and the ones with a known answer give it;
pyarrow (what pandas reads Parquet with) reads a table's folder with its race; a
repository with an error, or an output that is not an earlier export, writes nothing.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import duckdb
import pyarrow.parquet
import pyarrow.types
import pytest
from click.testing import CliRunner, Result

from timeline import Event, ReplayError, load_repository, state_at
from timeline.cli import main
from timeline.model.dates import parse_date
from timeline.model.events import Candidacy, Correction, Mention
from timeline.views.record import TABLES, race_rows

from helpers import NATO, REPO, check_daily, copy_repository, generated, read_back

_EVENTS = load_repository(REPO / "events").events
_SPEAKER = "us-house-speaker-2023-01"


def _export(events: Path, out: Path, *options: str) -> Result:
    return CliRunner().invoke(
        main,
        ["export", "--events", str(events), "--format", "parquet", "--out", str(out), *options],
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "record"
    result = _export(REPO / "events", out)
    assert 0 == result.exit_code, result.output
    assert [str(out)] == result.stdout.split()
    return out


def _views(record: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per table of the export at ``record``."""
    connection = duckdb.connect()
    for table in TABLES:
        connection.execute(
            f"create view {table.name} as from read_parquet('{record}/{table.name}/*/*.parquet',"
            " hive_partitioning = true, hive_types = {'race': varchar})"
        )
    return connection


def _dicts(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cursor = connection.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_a_folder_per_table_and_a_partition_per_race(exported: Path) -> None:
    races = sorted({e.race for e in _EVENTS})
    described = json.loads((exported / "record.json").read_text(encoding="utf-8"))
    assert described["tables"].keys() == {t.name for t in TABLES}
    for table in TABLES:
        found = sorted(p.name for p in (exported / table.name).iterdir())
        assert found == [f"race={race}" for race in races], table.name
        for race in races:
            schema = pyarrow.parquet.read_schema(
                exported / table.name / f"race={race}" / "part-0.parquet"
            )
            assert schema.names == [n for n in table.names if n != "race"]  # the folder says it
            about = {c.name: c.about for c in table.columns}
            for field in schema:
                assert field.metadata[b"description"].decode() == about[field.name]


def test_pyarrow_reads_a_table_folder_with_its_race(exported: Path) -> None:
    """pandas.read_parquet(folder) is pyarrow's dataset read: the race comes back."""
    table = pyarrow.parquet.read_table(exported / "daily_race")
    assert set(table.column("race").to_pylist()) == {e.race for e in _EVENTS}
    assert str(table.schema.field("day").type) == "date32[day]"
    assert pyarrow.types.is_list(table.schema.field("holdouts").type)


def _check_daily(events: Sequence[Event], connection: duckdb.DuckDBPyConnection) -> int:
    """Hold the export's daily tables, as DuckDB reads them, to ``state_at``."""
    race_rows = _dicts(connection, "select * from daily_race order by race, day, known")
    assert all(isinstance(row["day"], datetime.date) for row in race_rows)  # a date type
    return check_daily(events, race_rows, _dicts(connection, "select * from daily_support"))


def test_the_daily_state_is_state_at_on_every_day_of_the_real_races(exported: Path) -> None:
    assert _check_daily(_EVENTS, _views(exported)) > 3000


def test_the_daily_state_is_state_at_on_every_day_of_a_generated_repository(
    tmp_path: Path,
) -> None:
    """Generated races (benchmarks/generate.py: electorate changes, withdrawals,
    retractions, corrections, months and intervals as dates), exported through the CLI
    as Parquet and as SQLite."""
    generated(tmp_path / "repo", 360, seed=3, per_race=120)
    events = load_repository(tmp_path / "repo" / "events").events
    assert {e.TYPE for e in events} >= {"retraction", "correction", "electorate_change"}
    result = _export(tmp_path / "repo" / "events", tmp_path / "record")
    assert 0 == result.exit_code, result.output
    assert _check_daily(events, _views(tmp_path / "record")) > 1000
    database = tmp_path / "record.db"
    result = CliRunner().invoke(
        main, ["export", "--events", str(tmp_path / "repo" / "events"), "--format", "sqlite",
               "--out", str(database)],
    )  # fmt: skip
    assert 0 == result.exit_code, result.output
    daily = read_back(database, "daily_race"), read_back(database, "daily_support")
    assert check_daily(events, *daily) > 1000


def _documented_queries() -> Iterator[tuple[str, str]]:
    """docs/data-model.md's DuckDB queries: (name, SQL), the views first (name '')."""
    page = (REPO / "docs" / "data-model.md").read_text(encoding="utf-8")
    yield from re.findall(r"<!-- duckdb(?:: (\w+))? -->\n```sql\n(.*?)```", page, re.DOTALL)


def test_every_documented_query_runs(exported: Path) -> None:
    queries = dict(_documented_queries())
    assert {"", "standing", "support", "backers", "moved", "revised", "traced"} <= set(queries)
    connection = duckdb.connect()
    connection.execute(queries.pop("").replace("'record/", f"'{exported}/"))
    answers = {name: _dicts(connection, sql) for name, sql in queries.items()}
    assert all(answers.values()), [name for name, rows in answers.items() if not rows]
    standing = {row["known"]: row for row in answers["standing"]}
    now = state_at(_EVENTS, datetime.date(2024, 6, 18), NATO)
    assert standing["now"]["holdouts"] == list(now.holdouts)
    backers = [row["member"] for row in answers["backers"]]
    assert {"DE", "ES", "FR", "GB", "US"} <= set(backers)
    ballots = {
        e.number: {m: t.candidate for t in e.votes for m in t.members}  # type: ignore[attr-defined]
        for e in _EVENTS
        if e.race == _SPEAKER and e.TYPE == "ballot"
    }
    moved = sorted(
        (m, ballots[14][m], ballots[15][m])
        for m in ballots[14].keys() & ballots[15].keys()
        if ballots[14][m] != ballots[15][m]
    )
    assert [(r["member"], r["on_14th"], r["on_15th"]) for r in answers["moved"]] == moved
    appointed = next(e for e in _EVENTS if e.race == NATO and e.TYPE == "appointment")
    assert appointed.id in {row["id"] for row in answers["traced"]}


def test_the_races_name_their_source_and_licence(exported: Path) -> None:
    races = {row["race"]: row for row in _dicts(_views(exported), "select * from races")}
    fivethirtyeight = races["fivethirtyeight-endorsement-primary-2020"]
    assert fivethirtyeight["source"] == "FiveThirtyEight / ABC News"
    assert fivethirtyeight["licence"] == "CC BY 4.0"
    assert races[_SPEAKER]["source_url"] == "https://clerk.house.gov/evs/"
    assert races[NATO]["licence"] is None  # news articles: no licence is stated


def test_an_error_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path / "repo")
    broken = sorted((repo / "events" / NATO).glob("*.yaml"))[3]
    broken.write_text("type: endorsement\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = _export(repo / "events", out / "record")
    assert 1 == result.exit_code
    assert "error" in result.output
    assert [] == list(out.iterdir())


def test_an_earlier_export_is_replaced_anything_else_is_refused(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path / "repo")
    out = tmp_path / "record"
    assert 0 == _export(repo / "events", out).exit_code
    gone = out / "events" / "race=a-race-no-longer-there"
    gone.mkdir()
    assert 0 == _export(repo / "events", out).exit_code  # an export: replaced whole
    assert not gone.exists()
    (out / "my-notes.txt").write_text("keep me\n", encoding="utf-8")  # beside an export
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n", encoding="utf-8")
    for target in (out, mine):
        result = _export(repo / "events", target)
        assert 1 == result.exit_code
        assert "is not an earlier export" in result.output
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (out / "record.json").is_file()
    assert ["notes.txt"] == [p.name for p in mine.iterdir()]
    assert [] == [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_current_directory_can_be_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy_repository(tmp_path / "repo")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    result = _export(repo / "events", Path("."))
    assert 0 == result.exit_code, result.output
    assert (tmp_path / "here" / "record.json").is_file()
    assert (tmp_path / "here" / "daily_race" / f"race={NATO}" / "part-0.parquet").is_file()


def test_parquet_needs_an_output_directory() -> None:
    result = CliRunner().invoke(
        main, ["export", "--events", str(REPO / "events"), "--format", "parquet"]
    )
    assert 2 == result.exit_code
    assert "--out" in result.output


def test_a_race_that_does_not_replay_as_reported_names_the_day() -> None:
    """Rutte's entry (the candidacy, and the mention a correction makes of the first)
    reported only after the endorsements of him: as reported on the days between, they
    back no candidate, which the export cannot tell."""
    late = parse_date("2024-06-01")

    def entry(event: Event) -> bool:
        if isinstance(event, Correction):
            return entry(event.replacement)
        return isinstance(event, Candidacy | Mention) and event.candidate == "mark-rutte"

    def reported_late(event: Event) -> Event:
        if not entry(event):
            return event
        undated = [attrs.evolve(s, published=None) for s in event.sources]
        return attrs.evolve(event, sources=(*undated, attrs.evolve(undated[0], published=late)))

    events = [reported_late(e) for e in _EVENTS if e.race == NATO]
    with pytest.raises(ReplayError, match=r"as reported by 2\d\d\d-\d\d-\d\d: "):
        list(race_rows(events, NATO))
