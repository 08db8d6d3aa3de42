"""The relational model of the record is a view: its daily state is ``state_at``'s answer.

Every row of ``daily_race`` and ``daily_support`` is checked against ``state_at`` for
its race and day (as known now, and as known on that day), on every day of every race
of the real data and of drawn races; the other tables against the events they list.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence

from hypothesis import HealthCheck, assume, given, settings

from timeline import Event, load_repository, state_at
from timeline.engine.replay_checks import as_reported_findings
from timeline.engine.summary import summarize
from timeline.views.record import TABLES, days_of, record_rows

from helpers import NATO, REPO, check_daily
from strategies import races

_REAL = load_repository(REPO / "events")


Rows = dict[str, list[dict[str, object]]]


def tables(events: Sequence[Event]) -> Rows:
    """The record of ``events``: each table's rows, as mappings of its columns."""
    names = {table.name: table.names for table in TABLES}
    found: Rows = {name: [] for name in names}
    for name, row in record_rows(events):
        found[name].append(dict(zip(names[name], row, strict=True)))
    return found


def _table(found: Rows, name: str) -> list[dict[str, object]]:
    return found[name]


def _check_daily(events: Sequence[Event]) -> int:
    """Hold the daily tables to ``state_at``; the number of rows checked."""
    found = tables(events)
    return check_daily(events, found["daily_race"], found["daily_support"])


def test_the_daily_state_is_state_at_on_every_day_of_the_real_races() -> None:
    checked = _check_daily(_REAL.events)
    expected = 0
    for race in _REAL.races:
        mine = [e for e in _REAL.events if e.race == race]
        expected += 2 * len(days_of(summarize(mine, race), mine))
    assert checked == expected > 1000


@settings(max_examples=30, suppress_health_check=[HealthCheck.filter_too_much])
@given(races())
def test_the_daily_state_is_state_at_on_every_day_of_drawn_races(events: list[Event]) -> None:
    """Drawn races that validate would accept: as known on each report day too (an export
    refuses a repository with errors)."""
    assume(not any(f.severity == "error" for f in as_reported_findings(events)))
    _check_daily(events)


def test_the_rows_trace_to_their_events() -> None:
    """Every event is a row, every citation a row; every id a row names is an event's."""
    found = tables(_REAL.events)
    ids = {e.id for e in _REAL.events}
    events = _table(found, "events")
    assert sorted(str(r["id"]) for r in events) == sorted(ids)
    sources = _table(found, "sources")
    assert len(sources) == sum(len(e.sources) + len(e.dissent) for e in _REAL.events)
    for name in ("races", "daily_race", "daily_support"):
        for row in _table(found, name):
            assert set(row["event_ids"]) <= ids, (name, row)  # type: ignore[call-overload]
    nato = next(r for r in _table(found, "races") if r["race"] == NATO)
    assert (nato["opened"], nato["decided"], nato["appointed"]) == (
        "2023-07-04",
        "2024-06-26",
        "Mark Rutte",
    )
    romania = [r for r in _table(found, "conditions") if r["member"] == "RO"]
    assert romania
    assert all(r["candidate"] == "mark-rutte" for r in romania)


def _tables_section() -> str:
    """The section of docs/data-model.md that lists the tables, as :data:`TABLES` says."""
    lines = ["## Tables", ""]
    for table in TABLES:
        key = ", ".join(f"`{name}`" for name in table.key)
        lines += [f"### `{table.name}`", "", f"{table.about} Key: {key}.", ""]
        lines += ["| column | kind | what it holds |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.kind} | {c.about} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)


def test_the_data_model_page_describes_every_table_and_column() -> None:
    """docs/data-model.md ends with each table's section: its columns, kinds and meanings.

    To refresh it after changing a table: TIMELINE_UPDATE_DOCS=1 pytest tests/test_tables.py
    """
    path = REPO / "docs" / "data-model.md"
    page = path.read_text(encoding="utf-8")
    current = page[: page.index("## Tables\n")] + _tables_section()
    if os.environ.get("TIMELINE_UPDATE_DOCS") == "1":
        path.write_text(current, encoding="utf-8")
    assert current == page


def test_members_over_time_follow_the_electorate() -> None:
    """On every day an electorate changed, the members whose span covers the day are the
    state's electorate (as known now); Sweden joins NATO's on 7 March 2024."""
    found = tables(_REAL.events)
    spans = _table(found, "members")
    for race in _REAL.races:
        mine = [e for e in _REAL.events if e.race == race]
        for day in sorted({str(r["from_day"]) for r in spans if r["race"] == race}):
            at = datetime.date.fromisoformat(day)
            covering = {
                r["member"]
                for r in spans
                if r["race"] == race
                and str(r["from_day"]) <= day
                and (r["to_day"] is None or day <= str(r["to_day"]))
            }
            assert covering == set(state_at(mine, at, race).electorate), (race, day)
    sweden = [r for r in spans if r["race"] == NATO and r["member"] == "SE"]
    assert [("2024-03-07", None)] == [(r["from_day"], r["to_day"]) for r in sweden]


def test_votes_are_the_ballots_tallies() -> None:
    """Each roll call's votes are one row per member as its tally lists them; a count is
    one row with its count."""
    found = tables(_REAL.events)
    votes = _table(found, "votes")
    ballots = _table(found, "ballots")
    for event in _REAL.events:
        if event.TYPE != "ballot":
            continue
        mine = [(v["member"], v["candidate"]) for v in votes if v["event_id"] == event.id]
        expected = [
            (member, tally.candidate)
            for tally in event.votes  # type: ignore[attr-defined]
            for member in tally.members
        ]
        assert mine == expected
        assert any(b["event_id"] == event.id for b in ballots)
    assert len({(b["race"], b["number"]) for b in ballots}) == len(ballots)
