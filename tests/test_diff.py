"""diff(D1, D2) says everything that changed: applied to state(D1) it gives state(D2)."""

from __future__ import annotations

import datetime
import json

from click.testing import CliRunner
from diffs import apply_diff
from hypothesis import given

from timeline import Event, load_repository, state_at
from timeline.cli import main
from timeline.engine.diff import diff

from helpers import NATO, REPO
from strategies import query_days, races


@given(races(), query_days, query_days)
def test_a_diff_applied_to_the_first_state_gives_the_second(
    events: list[Event], first: datetime.date, second: datetime.date
) -> None:
    """Forwards and backwards in time: the diff leaves nothing out. An incomplete diff
    (say, one that forgot conditions or candidate order) would fail on random races."""
    before, after = state_at(events, first), state_at(events, second)
    assert after == apply_diff(before, diff(before, after))


@given(races(), query_days)
def test_the_diff_of_a_state_with_itself_is_empty(events: list[Event], at: datetime.date) -> None:
    state = state_at(events, at)
    change = diff(state, state)
    assert ((), (), (), (), (), None) == (
        change.fields,
        change.joined,
        change.left,
        change.entered,
        change.changed,
        change.decided,
    )


def test_the_week_of_18_june_in_words() -> None:
    result = CliRunner().invoke(
        main,
        [
            "diff",
            "--events",
            str(REPO / "events"),
            "--race",
            NATO,
            "--from",
            "2024-06-17",
            "--to",
            "2024-06-20",
        ],
    )
    assert 0 == result.exit_code
    lines = result.stdout.splitlines()
    assert "nato-secretary-general-2024: from 2024-06-17 to 2024-06-20" == lines[0]
    assert "+5 events counted" == lines[1]
    assert lines[2].startswith("started backing Mark Rutte: AL BE BG CA")
    assert any(line.startswith("RO moved from Klaus Iohannis to Mark Rutte") for line in lines)
    assert "Klaus Iohannis: status declared -> withdrawn" in lines
    assert "the decision rule is now met" == lines[-1]


def test_the_json_diff_names_what_changed() -> None:
    result = CliRunner().invoke(
        main,
        ["diff", "--events", str(REPO / "events"), "--race", NATO,
         "--from", "2024-03-06", "--to", "2024-03-12", "--format", "json"],
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert (["SE"], [], None) == (data["joined"], data["entered"], data["decided"])
    iohannis = next(c for c in data["changed"] if c["id"] == "klaus-iohannis")
    assert [{"field": "status", "from": "mentioned", "to": "declared"}] == [
        f for f in iohannis["fields"] if f["field"] == "status"
    ]
    assert ["RO"] == [b["member"] for b in iohannis["backing_added"]]
    repo = load_repository(REPO / "events").only(NATO).events
    assert data["events_counted"] == (
        state_at(repo, datetime.date(2024, 3, 12)).applied
        - state_at(repo, datetime.date(2024, 3, 6)).applied
    )


def test_a_diff_across_the_opening_gives_the_rule_in_words() -> None:
    """Across the race's opening the rule changes from none to consensus: the text says
    its words (it printed a repr) and the JSON gives them (it raised a TypeError)."""
    window = ["--events", str(REPO / "events"), "--race", NATO,
              "--from", "2020-01-01", "--to", "2024-07-01"]  # fmt: skip
    text = CliRunner().invoke(main, ["diff", *window])
    assert 0 == text.exit_code
    assert any(
        line.startswith("rule: ") and "consensus" in line for line in text.stdout.split("\n")
    )
    assert "Rule(" not in text.stdout
    as_json = CliRunner().invoke(main, ["diff", *window, "--format", "json"])
    assert 0 == as_json.exit_code, as_json.output
    rule = [f for f in json.loads(as_json.stdout)["fields"] if f["field"] == "rule"]
    assert [{"field": "rule", "from": None, "to": "consensus"}] == rule
