"""The ``timeline`` command, driven as a user would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import load_repository
from timeline.cli import main

REPO = Path(__file__).resolve().parent.parent
COUNCIL = REPO / "tests" / "data" / "council"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_state_on_18_june_shows_hungary_slovakia_and_romania_as_the_only_holdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run("state", "--at", "2024-06-18")
    assert 0 == code
    assert "Holdouts (1): RO" in out
    assert "HU backs on condition: Hungary keeps the opt-out" in out
    assert "SK backs on condition: NATO protects Slovak airspace" in out
    assert "Klaus Iohannis (klaus-iohannis): declared, from RO, put forward by RO" in out
    assert "Rule: consensus — not met: 31 of 32 back Mark Rutte." in out


def test_json_has_the_documented_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run("state", "--at", "2024-06-18", "--format", "json")
    assert 0 == code
    data = json.loads(out)
    assert {
        "at",
        "race",
        "electorate",
        "candidates",
        "holdouts",
        "decided",
        "appointed",
    } <= set(data)
    expected = ("2024-06-18", "nato-secretary-general-2024", ["RO"], False, None)
    keys = ("at", "race", "holdouts", "decided", "appointed")
    assert expected == tuple(data[key] for key in keys)
    assert 32 == len(data["electorate"])
    rutte = next(c for c in data["candidates"] if c["id"] == "mark-rutte")
    assert {"id", "name", "status", "backers"} <= set(rutte)
    hungary = next(b for b in rutte["backers"] if b["member"] == "HU")
    assert {"member", "conditions"} <= set(hungary)
    assert 1 == len(hungary["conditions"])


def test_appointed_is_the_candidate_id_once_appointed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = run("state", "--at", "2024-06-26", "--format", "json")
    data = json.loads(out)
    expected = ("mark-rutte", True, "2024-10-01")
    assert expected == (data["appointed"], data["decided"], data["takes_office"])


def test_at_defaults_to_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("TIMELINE_TODAY", "2024-03-06")
    _, out, _ = run("state", "--format", "json")
    assert (json.loads(out)["at"], len(json.loads(out)["electorate"])) == ("2024-03-06", 31)


def test_the_repository_is_found_upward_from_a_subdirectory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO / "tests" / "data")
    # tests/data has no events/ of its own, so the project's events/ is found
    _, out, _ = run("state", "--at", "2024-06-18", "--format", "json")
    assert "nato-secretary-general-2024" == json.loads(out)["race"]


def test_events_option_overrides_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = run("state", "--events", str(COUNCIL / "events"), "--at", "2031-03-20")
    assert "Appointed: Anna Berg" in out


def test_no_repository_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("state", "--at", "2024-06-18")
    assert 1 == code
    assert err.startswith("error: no events/ directory in ")


def test_a_repository_with_two_races_needs_race(tmp_path: Path) -> None:
    shutil.copytree(REPO / "events", tmp_path / "events")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copytree(COUNCIL / "events", tmp_path / "events" / "council")
    shutil.copy(COUNCIL / "seeds" / "forum-bulletin.txt", tmp_path / "seeds")
    events = str(tmp_path / "events")
    code, out, _ = run("state", "--events", events, "--at", "2031-03-20")
    assert (0, True, False) == (code, "Appointed: Anna Berg" in out, "NATO" in out)
    code, out, _ = run("state", "--events", events, "--at", "2024-06-18")
    assert (0, False, True) == (code, "Anna Berg" in out, "NATO Secretary General" in out)
    code, out, _ = run("state", "--events", events, "--at", "2025-01-01")
    assert (0, True) == (code, out.startswith("No race is open on 2025-01-01. Races: "))
    code, _, err = run("explain", "RO", "--events", events, "--at", "2025-01-01")
    # a choice the command cannot make alone is bad usage: exit 2, in every command
    assert (2, True) == (code, "choose a race with --race (none is open on 2025-01-01" in err)
    code, out, _ = run(
        "state", "--events", events, "--at", "2031-03-20", "--race", "north-sea-forum-chair-2031"
    )
    assert (code, "Appointed: Anna Berg" in out) == (0, True)
    code, _, err = run("state", "--events", events, "--race", "nope")
    assert (code, "no race 'nope'" in err) == (2, True)
    code, _, err = run("new", "mention", "--events", events, "--date", "2025-01-01")
    assert (code, "error: choose a race with --race" in err) == (2, True)
    code, _, err = run("export", "--events", events, "--format", "timelinejs")
    assert (code, err.startswith("error: a TimelineJS timeline shows one race")) == (2, True)


@pytest.mark.parametrize("bad", ["2024-02-30", "18/06/2024", "2024-6-1x"])
def test_an_impossible_at_is_a_usage_error(bad: str) -> None:
    code, _, err = run("state", "--at", bad)
    assert 2 == code
    assert "is not a real day in the form YYYY-MM-DD" in err


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "timeline", "state", "--at", "2024-06-18", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ["RO"] == json.loads(result.stdout)["holdouts"]


def test_a_date_before_the_race_opened_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run("state", "--at", "2023-01-01", "--race", "nato-secretary-general-2024")
    assert 0 == code
    assert "had not opened by this date" in out


def test_every_exception_of_the_library_is_defined_in_errors_py() -> None:
    """One exception tree: outside timeline/errors.py, only the command line's way out
    (click's exceptions) and private signals that never leave their module."""
    import ast

    allowed = {("cli/common.py", "Failure"), ("cli/common.py", "UsageFailure")}
    found = []
    for path in sorted((REPO / "timeline").rglob("*.py")):
        relative = path.relative_to(REPO / "timeline").as_posix()
        if relative == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = [ast.unparse(base) for base in node.bases]
            raises = any(b.endswith(("Error", "Exception", "Problem", "Failure")) for b in bases)
            if raises and (relative, node.name) not in allowed:
                found.append(f"{relative}: {node.name}")
    assert [] == found


def test_no_free_id_for_a_new_event_is_a_clear_error(tmp_path: Path) -> None:
    from timeline.errors import CommandError
    from timeline.storage.write import write_new_event

    event = load_repository(REPO / "events").only("nato-secretary-general-2024").events[0]
    taken = {event.id, *(f"{event.id}-{n}" for n in range(2, 1000))}
    with pytest.raises(CommandError, match="no free id from"):
        write_new_event(tmp_path, event, taken)
    assert [] == list(tmp_path.iterdir())
