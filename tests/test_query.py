"""Questions about the log: what may already have happened, log, conflicts."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given

from timeline import Event, load_repository, state_at
from timeline.cli import main
from timeline.engine.query import possibly_already

from helpers import NATO as NATO_RACE
from helpers import RACE as RACE_DIR
from helpers import REPO
from strategies import RACE, query_days, races

NATO = load_repository(REPO / "events").only(NATO_RACE).events


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


def test_events_whose_date_straddles_the_day_are_possibly_already() -> None:
    race = "nato-secretary-general-2024"
    assert ["2024-04-02-kallas-withdraws", "2024-04-romania-conditions"] == ids(
        possibly_already(NATO, datetime.date(2024, 4, 1), race)
    )
    assert ["2024-04-romania-conditions"] == ids(
        possibly_already(NATO, datetime.date(2024, 4, 2), race)
    )
    assert [] == possibly_already(NATO, datetime.date(2024, 4, 30), race)


@given(races(), query_days)
def test_every_event_counts_is_possibly_already_or_is_later(
    events: list[Event], at: datetime.date
) -> None:
    """Each event is in exactly one of: counts at D, possibly already at D, entirely after D."""
    counts = {e.id for e in events if e.date.latest <= at}
    possibly = {e.id for e in possibly_already(events, at, RACE)}
    later = {e.id for e in events if e.date.earliest is not None and e.date.earliest > at}
    assert not counts & possibly
    assert not possibly & later
    assert not counts & later
    assert {e.id for e in events} == counts | possibly | later


def test_state_lists_what_is_possibly_already() -> None:
    result = CliRunner().invoke(
        main,
        [
            "state",
            "--events",
            str(REPO / "events"),
            "--race",
            NATO_RACE,
            "--at",
            "2024-04-01",
            "--format",
            "json",
        ],
    )
    data = json.loads(result.stdout)
    assert ["2024-04-02-kallas-withdraws", "2024-04-romania-conditions"] == [
        e["id"] for e in data["possibly_already"]
    ]
    assert "declared" == next(c for c in data["candidates"] if c["id"] == "kaja-kallas")["status"]


def log(*args: str) -> list[str]:
    result = CliRunner().invoke(
        main, ["log", "--events", str(REPO / "events"), "--race", NATO_RACE, *args]
    )
    assert 0 == result.exit_code, result.output
    return [line.split()[3].rstrip(":") for line in result.stdout.splitlines()]


def test_log_is_in_replay_order_and_filters() -> None:
    assert [
        "2024-02-iohannis-mentioned",
        "2024-03-12-iohannis-candidacy",
        "2024-06-20-iohannis-withdraws",
    ] == log("--candidate", "klaus-iohannis")
    assert [
        "2024-06-18-all-but-romania-back-rutte",
        "2024-06-18-hungary-backs-rutte",
        "2024-06-18-slovakia-backs-rutte",
        "2024-06-20-romania-backs-rutte",
    ] == log("--from", "2024-06-01", "--type", "endorsement")
    assert [
        "2024-03-07-sweden-joins",
        "2024-03-07-correct-sweden-joins",  # cites reports of the day (issue 15)
        "2024-06-18-all-but-romania-back-rutte",
        "2024-06-18-correct-all-but-romania",  # on or before 18 June (issue 15)
    ] == log("--member", "SE")
    assert [
        "2024-02-iohannis-mentioned",
        "2024-02-karins-mentioned",
        "2024-02-wallace-mentioned",
        "2024-02-spain-backs-rutte",
        "2024-03-05-hungary-opposes-rutte",
        "2024-02-22-allies-aim-to-decide-before-the-summit",  # 2024-02-22/2024-03-06
        "2024-02-22-turkey-and-hungary-possible-obstacles",
    ] == log("--from", "2024-02-29", "--to", "2024-03-06")
    assert len(NATO) == len(log())


def test_log_marks_superseded_events(repo: Path) -> None:
    (repo / RACE_DIR / "2024-07-01-retract.yaml").write_text(
        (REPO / "tests/data/broken/retraction-of-nothing.yaml")
        .read_text(encoding="utf-8")
        .replace("retraction-of-nothing", "2024-07-01-retract")
        .replace("no-such-event", "2024-02-wallace-mentioned"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["log", "--candidate", "ben-wallace", "--format", "json"])
    assert [{"id": "2024-02-wallace-mentioned", "superseded_by": "2024-07-01-retract"}] == [
        {"id": e["id"], "superseded_by": e["superseded_by"]} for e in json.loads(result.stdout)
    ]
    assert (
        state_at(load_repository(repo / "events").events, datetime.date(2024, 7, 1)).candidate(
            "ben-wallace"
        )
        is None
    )


def test_conflicts_lists_the_three_disagreements_of_the_articles() -> None:
    result = CliRunner().invoke(
        main,
        ["conflicts", "--events", str(REPO / "events"), "--race", NATO_RACE, "--format", "json"],
    )
    found = {
        (c["event"]["id"], c["field"], c["dissent"]["quote"]) for c in json.loads(result.stdout)
    }
    assert {
        (
            "2024-06-20-romania-backs-rutte",
            None,
            "Hungary was the last holdout for Rutte’s candidacy.",
        ),
        (
            "2024-02-karins-mentioned",
            "country",
            "Other names that have surfaced during the process include former Lithuanian prime minister Krisjanis Karins",
        ),
        (
            "2023-07-04-race-opens",
            "vacancy",
            "Stoltenberg is due to step down in September after a decade in the role",
        ),
    } <= found
    text = (
        CliRunner()
        .invoke(main, ["conflicts", "--events", str(REPO / "events"), "--race", NATO_RACE])
        .stdout
    )
    assert "  disputed: Hungary, not Romania, was the last ally to back Rutte\n" in text
    assert (
        "    seeds/002_10fb7a53004e7e39.txt: “Hungary was the last holdout for Rutte’s candidacy.”\n"
        in text
    )


def explain(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(
        main,
        [
            "explain",
            *args,
            "--events",
            str(REPO / "events"),
            "--race",
            NATO_RACE,
            "--format",
            "json",
        ],
    )
    assert 0 == result.exit_code, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_explain_a_member_gives_its_state_and_the_events_behind_it() -> None:
    data = explain("HU", "--at", "2024-06-18")
    assert "member" == data["kind"]
    assert {
        "in_electorate": True,
        "backs": "mark-rutte",
        "conditions": [
            "Hungary keeps the opt-out from NATO's commitments to Ukraine agreed with"
            " Stoltenberg; no Hungarian personnel or funds are used for them"
        ],
        "stated_conditions": [],
        "stances": [],
        "vote": None,
        "holdout": False,
    } == data["state"]
    events = data["events"]
    assert isinstance(events, list)
    assert [
        "2023-07-04-race-opens",
        "2024-03-05-hungary-opposes-rutte",
        "2024-02-22-turkey-and-hungary-possible-obstacles",  # 2024-02-22/2024-03-06
        "2024-06-12-orban-and-stoltenberg-agree-on-opt-out",
        "2024-06-17-rutte-and-orban-meet",
        "2024-06-18-all-but-romania-back-rutte",
        "2024-06-18-hungary-backs-rutte",
    ] == [e["id"] for e in events]
    assert any("Hungary is ready to support" in s["quote"] for s in events[-1]["sources"])


def test_explain_romania_on_18_june_shows_the_holdout_and_its_conditions() -> None:
    result = CliRunner().invoke(
        main,
        [
            "explain",
            "RO",
            "--at",
            "2024-06-18",
            "--events",
            str(REPO / "events"),
            "--race",
            NATO_RACE,
        ],
    )
    first = result.stdout.splitlines()[0]
    assert first.startswith("RO at 2024-06-18: in the electorate, backing Klaus Iohannis;")
    assert first.endswith("(a holdout).")
    assert "sets a condition for not blocking of mark-rutte" in first


def test_explain_a_candidate_includes_the_events_that_took_backers_away() -> None:
    data = explain("klaus-iohannis", "--at", "2024-06-20")
    events = data["events"]
    assert isinstance(events, list)
    assert [
        "2024-02-iohannis-mentioned",
        "2024-03-12-iohannis-candidacy",
        "2024-06-20-romania-backs-rutte",
        "2024-06-20-iohannis-withdraws",
    ] == [e["id"] for e in events]


def test_explain_an_unknown_subject_is_a_clear_error() -> None:
    result = CliRunner().invoke(
        main,
        [
            "explain",
            "nobody",
            "--at",
            "2024-06-18",
            "--events",
            str(REPO / "events"),
            "--race",
            NATO_RACE,
        ],
    )
    assert 2 == result.exit_code  # a subject that names nothing: bad usage
    assert result.stderr.startswith("error: 'nobody' is neither a member nor a candidate")


@given(races(), query_days)
def test_explain_lists_every_endorsement_by_the_member(
    events: list[Event], at: datetime.date
) -> None:
    """A member's chain holds every counted event that names it, in replay order."""
    from timeline import Endorsement, replay_order
    from timeline.engine.query import events_about

    for member in ("AL", "HU", "SE"):
        chain = events_about(events, member, at, RACE)
        assert replay_order(chain) == chain
        named = [
            e.id
            for e in replay_order(events)
            if isinstance(e, Endorsement) and member in e.members and e.date.latest <= at
        ]
        assert named == [e.id for e in chain if isinstance(e, Endorsement)]
