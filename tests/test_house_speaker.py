"""The Speaker of the US House, 2023: the committed events reproduce the Clerk's roll calls."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from timeline import Ballot, Opening, load_repository, state_at
from timeline.cli import main
from timeline.engine.diff import diff
from timeline.errors import ImportFailure
from timeline.importers import event_text, write_events
from timeline.importers.house import import_folder, person_id, read_rolls
from timeline.model.state import Status

from helpers import REPO

DATA = REPO.parent / "shared" / "data" / "us-house-speaker-2023" / "votes"
JANUARY, OCTOBER = "us-house-speaker-2023-01", "us-house-speaker-2023-10"
D = datetime.date


@pytest.fixture(scope="module")
def rolls() -> list[dict[str, Any]]:
    return read_rolls(DATA)


@pytest.fixture(scope="module")
def committed() -> Any:
    return load_repository(REPO / "events")


def test_the_committed_events_are_what_the_importer_writes_today(committed: Any) -> None:
    """Run again, the importer would write exactly the committed files, no more."""
    imported = import_folder(DATA)
    for event in imported:
        path = REPO / "events" / event.race / f"{event.id}.yaml"
        assert event_text(event) == path.read_text(encoding="utf-8"), path
    mine = {e.id for e in committed.events if e.race in (JANUARY, OCTOBER)}
    assert mine == {e.id for e in imported}


def test_every_ballot_counts_what_the_clerk_recorded(
    rolls: list[dict[str, Any]], committed: Any
) -> None:
    ballots = sorted(
        (e for e in committed.events if isinstance(e, Ballot)), key=lambda b: (b.race, b.number)
    )
    speaker = [r for r in rolls if r["question"] == "Election of the Speaker"]
    assert [len(ballots), len(speaker)] == [19, 19]
    for ballot, roll in zip(ballots, speaker, strict=True):
        assert ballot.record == f"roll {roll['number']}"
        recorded = {
            key: sorted(m["id"] for m in members)
            for key, members in roll["votes"].items()
            if members
        }
        ours = {
            (
                {"abstain": "Present", "absent": "Not Voting"}[t.vote.value]
                if t.candidate is None
                else next(k for k in recorded if person_id(k) == t.candidate)
            ): sorted(t.members)
            for t in ballot.votes
        }
        assert recorded == ours, roll["number"]


def test_the_electorates_are_the_members_present_at_the_quorum_call(
    rolls: list[dict[str, Any]], committed: Any
) -> None:
    quorum = next(r for r in rolls if r["number"] == 1)
    present = {m["id"] for m in quorum["votes"]["Present"]}
    opening = next(e for e in committed.events if isinstance(e, Opening) and e.race == JANUARY)
    assert 434 == len(present) == len(opening.electorate)
    assert present == set(opening.member_ids)
    assert "M001200" not in present  # McEachin, who died in November 2022: not voting


def test_mccarthy_is_elected_on_the_15th_ballot_with_216_of_428(committed: Any) -> None:
    before = state_at(committed.events, D(2023, 1, 6), JANUARY)
    assert before.appointed is None
    assert [14, 216, 432, 217] == [
        before.ballots[-1].number,
        before.tally.count("mccarthy", "members"),
        before.tally.base("members", _votes()),
        before.rule.needed(before.tally) if before.rule else None,
    ]
    after = state_at(committed.events, D(2023, 1, 7), JANUARY)
    assert ("mccarthy", 216, 428) == (
        after.appointed,
        after.tally.count("mccarthy", "members"),
        after.tally.base("members", _votes()),
    )
    mccarthy = after.candidate("mccarthy")
    assert mccarthy is not None
    assert (Status.APPOINTED, "M001165") == (mccarthy.status, mccarthy.member)


def _votes() -> Any:
    from timeline.model.rules import Base

    return Base.VOTES


def test_johnson_is_elected_in_october_after_the_office_is_declared_vacant(
    committed: Any,
) -> None:
    opened = state_at(committed.events, D(2023, 10, 3), OCTOBER)
    assert opened.vacancy is not None
    assert "2023-10-03" == opened.vacancy.text
    assert 433 == opened.electorate_size
    decided = state_at(committed.events, D(2023, 10, 25), OCTOBER)
    assert ("johnson-la", 4) == (decided.appointed, decided.ballots[-1].number)
    johnson = decided.candidate("johnson-la")
    assert johnson is not None
    assert ("Johnson (LA)", "J000299") == (johnson.name, johnson.member)


def test_the_diff_between_the_14th_and_15th_ballots_shows_who_moved(committed: Any) -> None:
    before = state_at(committed.events, D(2023, 1, 6), JANUARY)
    after = state_at(committed.events, D(2023, 1, 7), JANUARY)
    moved = {member: (old, new) for member, old, new in diff(before, after).moved}
    assert moved == {
        "B001302": ("jordan", "abstain"),  # Biggs
        "C001132": ("biggs", "abstain"),  # Crane
        "G000595": ("jordan", "abstain"),  # Good
        "R000103": ("biggs", "abstain"),  # Rosendale
    }


def test_state_and_races_show_the_speaker_races_on_their_days() -> None:
    runner = CliRunner()
    races = runner.invoke(main, ["races"])
    assert 0 == races.exit_code
    assert races.output.splitlines()[1].startswith(f"{JANUARY}  2023-01-03 to 2023-01-07")
    shown = runner.invoke(main, ["state", "--at", "2023-01-06"])
    assert 0 == shown.exit_code
    assert "McCarthy has 216, 1 short." in shown.output
    assert "NATO" not in shown.output  # not open yet
    nothing = runner.invoke(main, ["state", "--at", "2023-02-01"])
    assert nothing.output.startswith("No race is open on 2023-02-01.")


def test_importing_again_writes_nothing_and_a_changed_file_stops_it(tmp_path: Path) -> None:
    events = tmp_path / "events"
    found = import_folder(DATA)
    written, unchanged = write_events(events, found)
    assert (len(written), unchanged) == (21, [])
    assert ([], 21) == (write_events(events, found)[0], len(write_events(events, found)[1]))
    target = events / JANUARY / "2023-01-07-ballot-15.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    (events / OCTOBER / "2023-10-25-ballot-04.yaml").unlink()
    with pytest.raises(ImportFailure, match="exists with other content"):
        write_events(events, found)
    assert not (events / OCTOBER / "2023-10-25-ballot-04.yaml").exists()  # nothing written


def test_a_roll_call_of_the_wrong_shape_is_one_clear_error(tmp_path: Path) -> None:
    shutil.copytree(DATA / "h1", tmp_path / "h1")
    (tmp_path / "h2").mkdir()
    (tmp_path / "h2" / "data.json").write_text(json.dumps({"number": "two"}), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["import", "house-speaker", str(tmp_path), "--events", str(tmp_path / "ev")]
    )
    assert 1 == result.exit_code
    assert "h2/data.json: not a roll call of the shape the scraper writes" in result.output
    assert not (tmp_path / "ev").exists()


@pytest.mark.parametrize(
    ("key", "slug"),
    [("McCarthy", "mccarthy"), ("Johnson (LA)", "johnson-la"), ("Garcia, Mike", "garcia-mike")],
)
def test_the_clerks_keys_become_ids(key: str, slug: str) -> None:
    assert slug == person_id(key)


def test_explain_finds_the_race_of_a_person_voted_for_and_lists_their_ballots() -> None:
    """Without --race, explain takes the one race open on the day that names the subject;
    a person voted for is named by the ballots."""
    result = CliRunner().invoke(main, ["explain", "mccarthy", "--at", "2023-01-07"])
    assert 0 == result.exit_code, result.output
    assert result.output.startswith("McCarthy (mccarthy): appointed")
    assert "(15 events, in replay order)" in result.output


def test_explain_of_a_member_says_how_it_voted_on_the_latest_ballot() -> None:
    result = CliRunner().invoke(
        main, ["explain", "M001165", "--at", "2023-01-07", "--race", JANUARY]
    )
    assert 0 == result.exit_code, result.output
    assert result.output.startswith(
        "M001165 at 2023-01-07: in the electorate; on ballot 15 voted for McCarthy."
    )


def test_the_chart_counts_votes_on_the_latest_ballot(committed: Any) -> None:
    from timeline.views.chart import chart

    drawn = chart(committed.events, JANUARY)
    assert drawn.counted == "votes on the latest ballot"
    mccarthy = [c for c, _ in drawn.candidates].index("mccarthy")
    assert drawn.steps[-1].backers[mccarthy] == 216  # the 15th ballot, 2023-01-07
    assert drawn.steps[-1].electorate == 434
