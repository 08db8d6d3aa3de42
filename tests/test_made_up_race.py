"""A made-up race with another electorate and a majority rule keeps the engine general."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from timeline import RaceState, Repository, Rule, load_repository, state_at

EVENTS = Path(__file__).resolve().parent / "data" / "council" / "events"


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load_repository(EVENTS)


def at(repo: Repository, day: str) -> RaceState:
    return state_at(repo.events, datetime.date.fromisoformat(day))


def test_the_rule_and_electorate_come_from_the_data(repo: Repository) -> None:
    state = at(repo, "2031-01-10")
    expected = (Rule.MAJORITY, 7, "Chair of the North Sea Forum")
    assert expected == (state.rule, len(state.electorate), state.office)


def test_four_of_seven_is_a_majority(repo: Repository) -> None:
    state = at(repo, "2031-02-12")
    assert state.decided
    assert "jan-de-vries" == (state.leader.id if state.leader else None)
    assert ("DK", "GB", "NO") == state.holdouts


def test_a_member_leaving_takes_its_backing_with_it(repo: Repository) -> None:
    """France leaves: De Vries drops to 3 of 6, which is not more than half."""
    state = at(repo, "2031-03-01")
    assert "FR" not in state.electorate
    assert not state.decided


def test_a_tie_goes_to_the_candidate_who_entered_first(repo: Repository) -> None:
    state = at(repo, "2031-03-05")
    counts = {c.id: len(state.backers_in_electorate(c)) for c in state.candidates}
    assert {"anna-berg": 3, "jan-de-vries": 3} == counts
    assert "anna-berg" == (state.leader.id if state.leader else None)


def test_a_member_switching_sides_backs_only_its_new_candidate(repo: Repository) -> None:
    state = at(repo, "2031-03-10")
    berg, de_vries = state.candidate("anna-berg"), state.candidate("jan-de-vries")
    assert berg is not None
    assert de_vries is not None
    assert berg.backing("DE") is not None
    assert de_vries.backing("DE") is None
    assert state.decided
    assert ("BE", "NL") == state.holdouts


def test_conditions_stay_with_the_backing(repo: Repository) -> None:
    berg = at(repo, "2031-03-20").candidate("anna-berg")
    assert berg is not None
    uk = berg.backing("GB")
    assert uk is not None
    assert ("the forum's secretariat stays in Aberdeen",) == uk.conditions
