"""FiveThirtyEight's 2020 endorsement primary: the committed events reproduce every dated
copy of FiveThirtyEight's file (its points per candidate, its universe of endorsers)."""

from __future__ import annotations

import collections
import csv
import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from timeline import Endorsement, load_repository, state_at
from timeline.cli import main
from timeline.importers import event_text
from timeline.importers.fivethirtyeight import RACE, import_folder, read_copies, slug
from timeline.model.events import ElectorateChange
from timeline.model.state import RaceState

from helpers import REPO

DATA = REPO.parent / "shared" / "data" / "fivethirtyeight-endorsements-2020" / "snapshots"
COPIES = sorted(DATA.glob("*.csv"))
D = datetime.date


@pytest.fixture(scope="module")
def committed() -> Any:
    return load_repository(REPO / "events")


def _rows(copy: Path) -> list[dict[str, str]]:
    with copy.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _as_shown(committed: Any, copy: Path) -> RaceState:
    day = D.fromisoformat(copy.name[:10])
    return state_at(committed.events, day, RACE, known_on=day)


def test_eight_copies_are_read() -> None:
    assert 8 == len(COPIES) == len(read_copies(DATA))


@pytest.mark.parametrize("copy", COPIES, ids=[c.name[:10] for c in COPIES])
def test_known_on_each_copys_day_gives_its_points_per_candidate(committed: Any, copy: Path) -> None:
    points: collections.Counter[str] = collections.Counter()
    for row in _rows(copy):
        if row["endorsee"]:
            points[slug(row["endorsee"])] += int(row["points"])
    state = _as_shown(committed, copy)
    shown = {c.id: state.score(c) for c in state.candidates if state.score(c)}
    assert dict(points) == shown


@pytest.mark.parametrize("copy", COPIES, ids=[c.name[:10] for c in COPIES])
def test_known_on_each_copys_day_the_universe_is_the_copys(committed: Any, copy: Path) -> None:
    rows = _rows(copy)
    state = _as_shown(committed, copy)
    assert len(rows) == len(state.electorate)
    assert sum(int(r["points"]) for r in rows) == sum(
        state.weight(m, "points") for m in state.electorate
    )


def test_the_committed_events_are_what_the_importer_writes_today(committed: Any) -> None:
    imported = import_folder(DATA)
    for event in imported:
        path = REPO / "events" / RACE / f"{event.id}.yaml"
        assert event_text(event) == path.read_text(encoding="utf-8"), path
    mine = {e.id for e in committed.events if e.race == RACE}
    assert mine - {e.id for e in imported} == {"2020-08-18-biden-nominated"}  # by hand


def test_state_ranks_candidates_by_points(committed: Any) -> None:
    state = state_at(committed.events, D(2020, 3, 27), RACE, known_on=D(2020, 3, 27))
    assert state.leader is not None
    assert state.leader.id == "joe-biden"
    assert not state.decided  # a tracker: nothing decides
    result = CliRunner().invoke(
        main, ["state", "--race", RACE, "--at", "2020-03-27", "--known-on", "2020-03-27"]
    )
    assert 0 == result.exit_code, result.output
    assert "Joe Biden leads with 762 of 2466 points (250 of 1023 members)." in result.output
    ranked = [line.split(" (")[0] for line in result.output.splitlines() if "; " in line]
    scores = [int(line.split("; ")[1].split(" points")[0]) for line in result.output.splitlines()
              if " points, " in line]  # fmt: skip
    assert ranked[0] == "Joe Biden"
    assert scores == sorted(scores, reverse=True)


def test_two_people_who_share_a_name_and_a_state_are_two_members(committed: Any) -> None:
    state = state_at(committed.events, D(2019, 7, 3), RACE)
    johnsons = sorted(m for m in state.electorate if m.startswith("tx-eric-johnson"))
    assert johnsons == ["tx-eric-johnson-dnc-members", "tx-eric-johnson-mayors"]


def test_a_switch_moves_the_endorsement(committed: Any) -> None:
    """Fiona Ma: Harris, then Bloomberg from 2020-02-03, then Biden from 2020-03-11."""

    def backs(day: datetime.date) -> str | None:
        state = state_at(committed.events, day, RACE)
        return next((c.id for c in state.candidates if c.backing("ca-fiona-ma")), None)

    assert "kamala-harris" == backs(D(2020, 1, 1))
    assert "michael-bloomberg" == backs(D(2020, 2, 3))
    assert "joe-biden" == backs(D(2020, 3, 11))


def test_an_endorser_whose_office_changes_changes_weight(committed: Any) -> None:
    """Andy Beshear, attorney general (2 points), then governor (8)."""
    before = state_at(committed.events, D(2019, 7, 3), RACE)
    after = state_at(committed.events, D(2020, 1, 31), RACE)
    assert (2, 8) == (
        before.weight("ky-andy-beshear", "points"),
        after.weight("ky-andy-beshear", "points"),
    )
    van_drew = (before.member("nj-jeff-van-drew"), after.member("nj-jeff-van-drew"))
    assert van_drew[0] is not None
    assert van_drew[1] is not None
    assert "democrat" in (van_drew[0].groups or ())
    assert "republican" in (van_drew[1].groups or ())


def test_endorsers_leave_the_universe_and_their_backing_with_them(committed: Any) -> None:
    leaving = [
        member
        for e in committed.events
        if isinstance(e, ElectorateChange) and e.race == RACE
        for member in e.left
    ]
    assert len(leaving) == len(set(leaving)) > 50
    state = state_at(committed.events, D(2020, 3, 27), RACE)
    backers = {b.member for c in state.candidates for b in c.backers}
    assert not backers & (set(leaving) - state.electorate)


def test_copies_that_disagree_about_a_source_keep_both(committed: Any) -> None:
    leahy = next(
        e
        for e in committed.events
        if isinstance(e, Endorsement)
        and e.id == "2019-02-19-vt-patrick-j-leahy-endorses-bernie-sanders"
    )
    assert "ktiv.com" in (leahy.sources[1].url or "")
    assert [d.field for d in leahy.dissent] == ["sources"]
    assert "apnews.com" in (leahy.dissent[0].url or "")
    result = CliRunner().invoke(main, ["conflicts", "--race", RACE])
    assert 0 == result.exit_code, result.output
    assert 4 == result.output.count("cites another report for it")


def test_a_copy_of_the_wrong_shape_is_one_clear_error(tmp_path: Path) -> None:
    shutil.copy(COPIES[0], tmp_path / COPIES[0].name)
    broken = tmp_path / "2019-04-01_broken.csv"
    text = COPIES[1].read_text(encoding="utf-8").splitlines()
    text[3] = text[3].rsplit(",", 1)[0] + ",three"  # its points
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["import", "fivethirtyeight-endorsements", str(tmp_path), "--events", str(tmp_path / "ev")],
    )
    assert 1 == result.exit_code
    assert "2019-04-01_broken.csv:4: points 'three' is not a whole number" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "ev").exists()


def test_a_copy_without_the_files_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "2019-01-01_x.csv").write_text("date,who\n2019-01-01,x\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["import", "fivethirtyeight-endorsements", str(tmp_path), "--events", str(tmp_path / "ev")],
    )
    assert 1 == result.exit_code
    assert "2019-01-01_x.csv:1: the header is not the 13 columns" in result.output


def test_explain_finds_an_endorser_by_its_slug_and_lists_its_switches() -> None:
    result = CliRunner().invoke(main, ["explain", "ca-fiona-ma", "--at", "2020-03-27"])
    assert 0 == result.exit_code, result.output
    assert result.output.startswith(
        "ca-fiona-ma at 2020-03-27: in the electorate, backing Joe Biden."
    )
    assert "(4 events, in replay order)" in result.output


def test_the_chart_counts_points(committed: Any) -> None:
    from timeline.views.chart import chart

    drawn = chart(committed.events, RACE)
    assert drawn.counted == "points"
    biden = [c for c, _ in drawn.candidates].index("joe-biden")
    state = state_at(committed.events, drawn.steps[-1].day, RACE)
    assert drawn.steps[-1].backers[biden] == state.score(state.candidates[1]) > 700
    assert not any(m.event.endswith("universe-changes") for m in drawn.marks)
