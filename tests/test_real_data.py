"""The 2024 NATO Secretary General race, at the dates that matter."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from timeline import (
    ElectorateChange,
    Endorsement,
    RaceState,
    Repository,
    Status,
    load_repository,
    state_at,
)
from timeline.engine.fold import supersede

D = datetime.date
RACE = "nato-secretary-general-2024"


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load_repository(Path(__file__).resolve().parent.parent / "events")


def at(repo: Repository, day: datetime.date) -> RaceState:
    return state_at(repo.events, day, "nato-secretary-general-2024")


def backers(state: RaceState, candidate: str) -> set[str]:
    found = state.candidate(candidate)
    assert found is not None
    return {b.member for b in found.backers}


def test_every_event_cites_a_seed_document(repo: Repository) -> None:
    """Provenance: each NATO event, as the record is told today (corrections applied),
    quotes at least one of the five articles, unless it happened after all of them were
    published (Rutte leaving as prime minister, the summit, his taking office): then it
    quotes a public report. (The Speaker's events cite the Clerk's roll calls:
    tests/test_house_speaker.py.)"""
    mine = [e for e in repo.events if e.race == "nato-secretary-general-2024"]
    last_seed = max(
        c.published.latest
        for e in mine
        for c in e.sources
        if c.document is not None and c.published is not None
    )
    for event in supersede(mine, mine):
        documents = [s.document for s in event.sources if s.document]
        assert all(d.startswith("seeds/") for d in documents)
        if event.date.earliest is not None and event.date.earliest > last_seed:
            assert all(s.url and (s.quote or s.record) for s in event.sources), event.id
        else:
            assert documents, event.id


def test_before_the_february_endorsements_nobody_backs_rutte(repo: Repository) -> None:
    state = at(repo, D(2024, 2, 21))
    assert set() == backers(state, "mark-rutte")
    assert state.leader is None
    assert 31 == len(state.electorate)


def test_on_22_february_the_us_uk_france_and_germany_back_rutte(repo: Repository) -> None:
    assert {"US", "GB", "FR", "DE"} == backers(at(repo, D(2024, 2, 22)), "mark-rutte")


def test_spain_reported_in_february_counts_from_the_end_of_the_month(repo: Repository) -> None:
    assert "ES" not in backers(at(repo, D(2024, 2, 28)), "mark-rutte")
    assert "ES" in backers(at(repo, D(2024, 2, 29)), "mark-rutte")


def test_sweden_joins_the_electorate_on_7_march(repo: Repository) -> None:
    assert "SE" not in at(repo, D(2024, 3, 6)).electorate
    state = at(repo, D(2024, 3, 7))
    assert "SE" in state.electorate
    assert 32 == len(state.electorate)


def test_romania_fields_iohannis_and_so_backs_him(repo: Repository) -> None:
    state = at(repo, D(2024, 3, 12))
    iohannis = state.candidate("klaus-iohannis")
    assert iohannis is not None
    assert (Status.DECLARED, "RO", {"RO"}) == (
        iohannis.status,
        iohannis.put_forward_by,
        backers(state, "klaus-iohannis"),
    )


def test_kallas_counts_as_withdrawn_only_from_the_last_day_it_may_have_happened(
    repo: Repository,
) -> None:
    assert Status.DECLARED == _status(at(repo, D(2024, 4, 1)), "kaja-kallas")
    assert Status.WITHDRAWN == _status(at(repo, D(2024, 4, 2)), "kaja-kallas")


def test_romania_states_conditions_for_not_blocking_in_april(repo: Repository) -> None:
    rutte = at(repo, D(2024, 4, 30)).candidate("mark-rutte")
    assert rutte is not None
    stated = [(s.member, s.kind.value, len(s.conditions)) for s in rutte.stated_conditions]
    assert [("RO", "not_blocking", 2)] == stated


def test_on_18_june_hungary_and_slovakia_back_rutte_with_conditions_and_romania_holds_out(
    repo: Repository,
) -> None:
    state = at(repo, D(2024, 6, 18))
    rutte = state.candidate("mark-rutte")
    assert rutte is not None
    hungary, slovakia = rutte.backing("HU"), rutte.backing("SK")
    assert hungary is not None
    assert slovakia is not None
    assert "opt-out" in hungary.conditions[0]
    assert "Slovak airspace" in slovakia.conditions[0]
    assert ("RO",) == state.holdouts
    assert "mark-rutte" == (state.leader.id if state.leader else None)
    assert {"RO"} == backers(state, "klaus-iohannis")
    assert not state.decided
    assert state.appointed is None


def test_on_20_june_romania_completes_the_consensus_and_iohannis_withdraws(
    repo: Repository,
) -> None:
    state = at(repo, D(2024, 6, 20))
    assert () == state.holdouts
    assert state.decided
    assert 32 == len(backers(state, "mark-rutte"))
    assert Status.WITHDRAWN == _status(state, "klaus-iohannis")
    rutte = state.candidate("mark-rutte")
    assert rutte is not None
    romania = rutte.backing("RO")
    assert romania is not None
    assert 2 == len(romania.conditions)  # the April conditions carry over


def test_on_26_june_rutte_is_appointed_to_take_office_on_1_october(repo: Repository) -> None:
    before, after = at(repo, D(2024, 6, 25)), at(repo, D(2024, 6, 26))
    assert before.appointed is None
    assert "mark-rutte" == after.appointed
    assert "2024-10-01" == (after.takes_office.text if after.takes_office else None)
    assert Status.APPOINTED == _status(after, "mark-rutte")


def test_the_three_disagreements_between_sources_are_recorded(repo: Repository) -> None:
    """Last holdout, Karins's country, the end of Stoltenberg's term: each kept with its source."""
    disputed = {
        (event.id, dissent.field, dissent.document)
        for event in repo.events
        for dissent in event.dissent
    }
    assert {
        ("2024-06-20-romania-backs-rutte", None, "seeds/002_10fb7a53004e7e39.txt"),
        ("2024-02-karins-mentioned", "country", "seeds/004_bb683f26b3512547.txt"),
        ("2023-07-04-race-opens", "vacancy", "seeds/004_bb683f26b3512547.txt"),
    } <= disputed


def test_the_group_report_names_every_member_but_romania(repo: Repository) -> None:
    group = next(e for e in repo.events if e.id == "2024-06-18-all-but-romania-back-rutte")
    assert isinstance(group, Endorsement)
    electorate = at(repo, D(2024, 6, 18)).electorate
    assert electorate - {"RO"} == set(group.members)


def test_sweden_is_the_only_change_of_the_electorate(repo: Repository) -> None:
    changes = [e for e in repo.events if isinstance(e, ElectorateChange) and e.race == RACE]
    assert [("2024-03-07", ("SE",), ())] == [
        (e.date.text, tuple(m.id for m in e.joined), e.left) for e in changes
    ]


def _status(state: RaceState, candidate: str) -> Status:
    found = state.candidate(candidate)
    assert found is not None
    return found.status
