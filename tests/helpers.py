"""Helpers shared by the tests that work on a copy of the repository."""

from __future__ import annotations

import datetime
import hashlib
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from timeline import Event, state_at

REPO = Path(__file__).resolve().parent.parent
RACE = "events/nato-secretary-general-2024"


NATO = "nato-secretary-general-2024"


def copy_repository(target: Path, races: tuple[str, ...] | None = (NATO,)) -> Path:
    """Copy the project's events/ (of ``races`` only; None: every race), seeds/ and docs/
    into ``target``; return it. Most tests work on the NATO race, as a repository that
    holds that race alone; the tests of several races copy them all."""
    for name in ("seeds", "docs"):
        shutil.copytree(REPO / name, target / name)
    for race in sorted(p.name for p in (REPO / "events").iterdir() if p.is_dir()):
        if races is None or race in races:
            shutil.copytree(REPO / "events" / race, target / "events" / race)
    return target


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the hash of its content, to prove nothing changed."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def the_one_problem(repo: Path, name: str, text: str) -> str:
    """Write ``text`` as the NATO race's event file ``name`` in ``repo`` (the working
    directory), run ``timeline validate`` and return the one line about that file; the
    run must exit 1, print no traceback, and say one thing about the file."""
    from click.testing import CliRunner

    from timeline.cli import main

    (repo / RACE / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if name in line]
    assert len(lines) == 1, result.output
    return lines[0]


def generated(out: Path, events: int, seed: int, per_race: int) -> Path:
    """A repository of ``events`` generated events at ``out`` (benchmarks/generate.py,
    which is not a package: loaded from its file); return ``out``."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module  # its classes look themselves up there
    try:
        spec.loader.exec_module(module)
        module.generate(out, events, seed=seed, per_race=per_race)
    finally:
        del sys.modules["generate"]
    return out


def check_daily(
    events: Sequence[Event],
    race_rows: Sequence[Mapping[str, object]],
    support_rows: Sequence[Mapping[str, object]],
) -> int:
    """Hold the record's daily tables (their rows as mappings, from any format: a day as
    a date or as ISO text) to ``state_at`` on each of their rows; how many days held."""

    def day_of(row: Mapping[str, object]) -> datetime.date:
        day = row["day"]
        return day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))

    support = {(r["race"], day_of(r), r["known"], r["candidate"]): r for r in support_rows}
    for row in race_rows:
        race, day = str(row["race"]), day_of(row)
        state = state_at(events, day, race, day if row["known"] == "then" else None)
        leader = state.leader
        assert row["leader"] == (leader.id if leader is not None else None)
        assert row["holdouts"] == list(state.holdouts)
        assert row["rule_met"] == state.decided
        assert row["appointed"] == state.appointed
        assert row["events_counted"] == state.applied
        for candidate in state.candidates:
            line = support.pop((race, day, row["known"], candidate.id))
            backers = sorted(state.backers_in_electorate(candidate))
            assert line["status"] == candidate.status.value
            assert (line["backers"], line["members"]) == (backers, len(backers))
            assert line["score"] == state.score(candidate)
            assert line["meets_rule"] == state.meets_rule(candidate.id)
    assert not support  # no row for a candidate the state does not have
    return len(race_rows)


def read_back(database: Path, table: str) -> list[dict[str, object]]:
    """The rows of ``table`` of an exported SQLite database as the record gave them: lists
    and maps from their JSON text, booleans from SQLite's integers."""
    import json
    import sqlite3

    from timeline.views.record import TABLES

    kinds = {c.name: c.kind for t in TABLES if t.name == table for c in t.columns}
    found = []
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        for row in connection.execute(f"select * from {table}"):
            values: dict[str, object] = dict(row)
            for name, kind in kinds.items():
                if kind in ("list", "map") and values[name] is not None:
                    values[name] = json.loads(str(values[name]))
                elif kind == "boolean" and values[name] is not None:
                    values[name] = bool(values[name])
            found.append(values)
    return found
