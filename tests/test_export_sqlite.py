"""`timeline export --format sqlite`: the record as a database, a view of the replay.

The database's daily state is held to ``state_at`` on every day of every real race; its
quotes are searchable; a repository with an error exits 1 and writes nothing; and the
real Datasette, started on a loopback port against the exported file, answers questions
an analyst asks through its JSON API.
"""

from __future__ import annotations

import collections
import datetime
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import load_repository, state_at
from timeline.cli import main
from timeline.engine.summary import summarize
from timeline.views.record import TABLES, days_of, record_rows

from helpers import NATO, REPO, check_daily, copy_repository, read_back

_EVENTS = load_repository(REPO / "events").events


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sqlite") / "record.db"
    result = CliRunner().invoke(
        main, ["export", "--events", str(REPO / "events"), "--format", "sqlite", "--out", str(out)]
    )
    assert 0 == result.exit_code, result.output
    assert [str(out), str(out.with_name("record.metadata.json"))] == result.stdout.split()
    return out


def _rows(database: Path, sql: str, *arguments: object) -> list[sqlite3.Row]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        return list(connection.execute(sql, arguments))


def test_every_table_has_every_row(exported: Path) -> None:
    counted = collections.Counter(name for name, _ in record_rows(_EVENTS))
    for table in TABLES:
        (count,) = _rows(exported, f"select count(*) from {table.name}")
        assert count[0] == counted[table.name], table.name


def test_the_database_daily_state_is_state_at_on_every_day(exported: Path) -> None:
    """Every row of both daily tables, every day of every real race, now and then."""
    checked = check_daily(
        _EVENTS, read_back(exported, "daily_race"), read_back(exported, "daily_support")
    )
    assert checked > 3000


def test_quotes_are_searchable_and_trace_to_their_events(exported: Path) -> None:
    found = _rows(
        exported,
        "select sources.event_id, sources.quote from sources_fts"
        " join sources on sources.rowid = sources_fts.rowid"
        " where sources_fts match 'Orban' order by sources.event_id",
    )
    assert found
    ids = {e.id for e in _EVENTS}
    assert all(row["event_id"] in ids and "Orb" in row["quote"] for row in found)


def test_a_repository_with_an_error_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    repo = copy_repository(tmp_path / "repo")
    broken = sorted((repo / "events" / NATO).glob("*.yaml"))[3]
    broken.write_text("type: endorsement\n", encoding="utf-8")
    out = tmp_path / "out" / "record.db"
    out.parent.mkdir()
    result = CliRunner().invoke(
        main, ["export", "--events", str(repo / "events"), "--format", "sqlite", "--out", str(out)]
    )
    assert 1 == result.exit_code
    assert "error" in result.output
    assert [] == list(out.parent.iterdir())


def test_sqlite_needs_an_output_file() -> None:
    result = CliRunner().invoke(
        main, ["export", "--events", str(REPO / "events"), "--format", "sqlite"]
    )
    assert 2 == result.exit_code
    assert "--out" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def datasette(exported: Path) -> Iterator[str]:
    """The real Datasette serving the exported file on a loopback port; its base URL."""
    port = _free_port()
    metadata = exported.with_name("record.metadata.json")
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(exported), "-m", str(metadata),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read() if server.stderr else "") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()


def _ask(base: str, sql: str) -> list[dict[str, object]]:
    query = urllib.parse.urlencode({"sql": sql, "_shape": "array"})
    with urllib.request.urlopen(f"{base}/record.json?{query}", timeout=30) as answer:
        found: list[dict[str, object]] = json.load(answer)
        return found


def test_datasette_answers_which_members_backed_rutte_before_march_2024(datasette: str) -> None:
    found = _ask(
        datasette,
        "select distinct json_each.value as member from daily_support, json_each(backers)"
        f" where race = '{NATO}' and candidate = 'mark-rutte' and known = 'now'"
        " and day < '2024-03-01' order by member",
    )
    before_march = datetime.date(2024, 2, 29)
    expected: set[str] = set()
    day = datetime.date(2023, 7, 4)
    while day <= before_march:
        rutte = state_at(_EVENTS, day, NATO).candidate("mark-rutte")
        if rutte is not None:
            expected |= {b.member for b in rutte.backers}
        day += datetime.timedelta(days=1)
    assert [row["member"] for row in found] == sorted(expected)
    assert {"US", "GB", "FR", "DE"} <= expected


def test_datasette_answers_who_moved_between_the_speakers_14th_and_15th_ballots(
    datasette: str,
) -> None:
    found = _ask(
        datasette,
        "select a.member, a.candidate as before, b.candidate as after"
        " from votes a join votes b on a.member = b.member and a.race = b.race"
        " where a.race = 'us-house-speaker-2023-01' and a.ballot = 14 and b.ballot = 15"
        " and a.candidate is not b.candidate order by a.member",
    )
    ballots = {
        e.number: {m: t.candidate for t in e.votes for m in t.members}  # type: ignore[attr-defined]
        for e in _EVENTS
        if e.race == "us-house-speaker-2023-01" and e.TYPE == "ballot"
    }
    moved = sorted(
        (member, ballots[14][member], ballots[15][member])
        for member in ballots[14].keys() & ballots[15].keys()
        if ballots[14][member] != ballots[15][member]
    )
    assert [(r["member"], r["before"], r["after"]) for r in found] == moved
    assert moved  # McCarthy won on the 15th: some members moved to him


def test_datasette_shows_the_tables_as_described(datasette: str) -> None:
    with urllib.request.urlopen(f"{datasette}/-/metadata.json", timeout=30) as answer:
        metadata = json.load(answer)
    described = metadata["databases"]["record"]["tables"]
    assert {t.name for t in TABLES} <= set(described)
    assert "holdouts" in described["daily_race"]["columns"]


def test_datasette_shows_each_races_days_with_its_source_and_licence(datasette: str) -> None:
    """Each race has a query of its days; its page names the race's source and licence,
    as seeds/records.yaml states them (FiveThirtyEight's data is CC BY 4.0)."""
    race = "fivethirtyeight-endorsement-primary-2020"
    with urllib.request.urlopen(f"{datasette}/record/{race}-days", timeout=30) as answer:
        page = answer.read().decode("utf-8")
    assert "CC BY 4.0" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert "FiveThirtyEight / ABC News" in page
    query = f"{datasette}/record/{NATO}-days.json?_shape=array"  # under Datasette's 1,000 rows
    with urllib.request.urlopen(query, timeout=30) as answer:
        days = json.load(answer)
    mine = [e for e in _EVENTS if e.race == NATO]
    every = [day.isoformat() for day in days_of(summarize(mine, NATO), mine)]
    assert [row["day"] for row in days] == [day for day in every for _ in ("now", "then")]
