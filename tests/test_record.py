"""The NATO record held to its sources: quotes verbatim, dates within what the sources
allow, every seed cited and described, the disagreements listed, and the new kinds of
event (context, unnamed backers) changing only what they should."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result
from hypothesis import given

from timeline import (
    Candidate,
    Citation,
    Context,
    ContextKind,
    Correction,
    Event,
    Position,
    Retraction,
    Status,
    UnnamedSupport,
    load_repository,
    parse_date,
    state_at,
)
from timeline.cli import main
from timeline.engine.fold import supersede
from timeline.storage.reading import read_seed_metadata

from helpers import REPO, the_one_problem
from strategies import RACE, races

NATO = "nato-secretary-general-2024"
D = datetime.date


@pytest.fixture(scope="module")
def record() -> Any:
    return load_repository(REPO / "events").only(NATO)


def test_validate_finds_nothing_wrong_with_the_whole_record() -> None:
    """Every quote verbatim in its seed, every date within what its sources allow, every
    seed described and cited: no error and no warning."""
    result = CliRunner().invoke(main, ["validate", "--events", str(REPO / "events")])
    assert 0 == result.exit_code, result.output
    assert result.output.endswith("0 errors, 0 warnings\n")


def test_no_source_of_the_record_as_told_predates_its_event(record: Any) -> None:
    told = supersede(record.events, record.events)
    early = [
        (event.id, citation.published.text)
        for event in told
        for citation in event.sources
        if citation.published is not None
        and event.date.earliest is not None
        and citation.published.latest < event.date.earliest
    ]
    assert [] == early


def test_every_seed_is_described_and_cited(record: Any) -> None:
    records, problems = read_seed_metadata(REPO)
    assert [] == problems
    seeds = {f"seeds/{p.name}" for p in (REPO / "seeds").glob("*.txt")}
    assert seeds == set(records)
    cited = {
        c.document
        for e in record.events
        for fact in ([e, e.replacement] if isinstance(e, Correction) else [e])
        for c in (*fact.sources, *fact.dissent)
        if c.document
    }
    assert seeds <= cited
    assert records["seeds/003_30db4212d268332d.txt"].publisher == "The Irish Times (Bloomberg)"


def test_a_source_published_before_its_event_is_refused(repo: Path) -> None:
    line = the_one_problem(
        repo,
        "2024-07-02-rutte-leaves.yaml",
        "type: context\nid: 2024-07-02-rutte-leaves\nrace: nato-secretary-general-2024\n"
        "date: 2024-07-02\nsummary: Rutte steps down as prime minister\nkind: leaves_post\n"
        "candidate: mark-rutte\nsources:\n  - document: seeds/000_a06b61f653e9b30e.txt\n"
        "    published: 2024-06-20/2024-06-23\n"
        '    quote: "Rutte has led the Netherlands since 2010, managing a series of tricky'
        ' coalitions, but is set to step down on 2 July."\n',
    )
    assert ":10:5: error: sources[0].published: the source was published by 2024-06-23" in line
    assert "before the event (2024-07-02) can have happened" in line


def _validate_with_metadata(repo: Path, old: str, new: str) -> Result:
    """``timeline validate`` with ``old`` replaced by ``new`` in seeds/metadata.yaml."""
    metadata = repo / "seeds" / "metadata.yaml"
    text = metadata.read_text(encoding="utf-8")
    assert old in text
    metadata.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code
    assert "Traceback" not in result.output
    return result


def test_the_metadata_must_date_a_seed_as_its_citations_do(repo: Path) -> None:
    result = _validate_with_metadata(repo, "published: 2024-06-18\n", "published: 2024-05-01\n")
    assert "but seeds/metadata.yaml dates seeds/003_30db4212d268332d.txt 2024-05-01" in (
        result.output
    )


def test_a_metadata_field_that_does_not_exist_is_one_clear_line(repo: Path) -> None:
    result = _validate_with_metadata(
        repo, "  author: Jack Schickler\n", "  autor: Jack Schickler\n"
    )
    lines = [line for line in result.output.splitlines() if "metadata.yaml" in line]
    assert len(lines) == 1
    assert "seeds/metadata.yaml:" in lines[0]
    assert "unknown field 'autor'" in lines[0]


def test_conflicts_lists_every_disagreement_the_record_knows() -> None:
    result = CliRunner().invoke(
        main, ["conflicts", "--race", NATO, "--format", "json", "--events", str(REPO / "events")]
    )
    assert 0 == result.exit_code, result.output
    found = {(c["event"]["id"], c["field"]) for c in json.loads(result.output)}
    assert {
        ("2023-07-04-race-opens", "vacancy"),  # September or October
        ("2023-11-15-kallas-candidacy", None),  # a formal candidate or not: seeds 001, 004
        ("2024-06-26-rutte-appointed", "takes_office"),  # the summit or 1 October
        ("2024-06-26-rutte-appointed", "date"),  # "confirmed" before the decision
    } <= found
    kallas = [c for c in json.loads(result.output) if c["event"]["id"].startswith("2023-11-15")]
    assert {c["dissent"]["document"] for c in kallas} == {
        "seeds/001_a351163bb1205c22.txt",
        "seeds/004_bb683f26b3512547.txt",
    }
    assert kallas[0]["event"]["date"] == "2023-11-14"


def test_the_corrections_change_what_they_should(record: Any) -> None:
    def rutte(day: datetime.date) -> Candidate:
        found = state_at(record.events, day, NATO).candidate("mark-rutte")
        assert found is not None
        return found

    assert rutte(D(2023, 11, 20)).status is Status.MENTIONED  # interest, not candidacy
    assert rutte(D(2024, 2, 22)).status is Status.DECLARED
    on = state_at(record.events, D(2023, 11, 14), NATO)
    assert on.candidate("kaja-kallas") is not None  # she said yes on the 14th
    assert rutte(D(2024, 6, 17)).members_taking(Position.OPPOSE) == ("HU",)
    assert rutte(D(2024, 6, 18)).members_taking(Position.OPPOSE) == ()
    decided = state_at(record.events, D(2024, 10, 1), NATO)
    assert (decided.appointed, decided.term) == ("mark-rutte", "at least four years")
    assert decided.incumbent_since is not None
    assert decided.incumbent_since.text == "2014"


def test_the_unnamed_backers_are_a_report_not_members(record: Any) -> None:
    state = state_at(record.events, D(2024, 2, 23), NATO)
    rutte = state.candidate("mark-rutte")
    assert rutte is not None
    assert rutte.unnamed is not None
    assert (rutte.unnamed.count, rutte.unnamed.approximate) == (16, True)
    assert rutte.unnamed.besides == ("US", "GB", "FR", "DE")
    assert len(rutte.backers) == 4  # the named (US GB FR DE; Spain from late February)
    result = CliRunner().invoke(
        main, ["state", "--at", "2024-02-23", "--events", str(REPO / "events")]
    )
    assert "reported backing: about 16 members besides US GB FR DE (not named;" in result.output


def test_context_is_on_the_timeline_and_changes_no_state(record: Any) -> None:
    context = [e for e in record.events if isinstance(e, Context)]
    assert {e.kind for e in context} >= {
        ContextKind.SUMMIT,
        ContextKind.MEETING,
        ContextKind.DEADLINE,
        ContextKind.ASSESSMENT,
        ContextKind.LEAVES_POST,
        ContextKind.TAKES_OFFICE,
    }
    without = [e for e in record.events if not isinstance(e, Context)]
    for day in (D(2024, 2, 23), D(2024, 6, 17), D(2024, 7, 10), D(2024, 10, 2)):
        with_context = state_at(record.events, day, NATO)
        plain = state_at(without, day, NATO)
        assert attrs.evolve(with_context, applied=0, last_event=None) == attrs.evolve(
            plain, applied=0, last_event=None
        )
    log = CliRunner().invoke(main, ["log", "--race", NATO, "--events", str(REPO / "events")]).output
    assert "2024-07-09-washington-summit" in log


@given(races())
def test_context_never_changes_a_state(events: list[Event]) -> None:
    """Any race, with and without its context events: the same states but for the count
    of events replayed."""
    last = max(e.date.latest for e in events)
    without = [e for e in events if not isinstance(e, Context)]
    if any(isinstance(e, Retraction | Correction) for e in events):
        return  # a correction may target a context event: not this property's subject
    a, b = state_at(events, last, RACE), state_at(without, last, RACE)
    assert attrs.evolve(a, applied=0, last_event=None) == attrs.evolve(
        b, applied=0, last_event=None
    )


def test_an_unnamed_count_larger_than_the_electorate_is_refused(record: Any) -> None:
    too_many = UnnamedSupport(
        id="too-many",
        race=NATO,
        date=parse_date("2024-03-01"),
        summary="s",
        sources=(Citation(url="https://example.org/x", publisher="P", record="r"),),
        candidate="mark-rutte",
        count=40,
    )
    with pytest.raises(Exception, match="40 members besides 0 cannot back mark-rutte"):
        state_at([*record.events, too_many], D(2024, 3, 2), NATO)


def test_seeds_lists_what_is_known_of_each_article() -> None:
    result = CliRunner().invoke(main, ["seeds", "--events", str(REPO / "events")])
    assert 0 == result.exit_code, result.output
    assert "seeds/003_30db4212d268332d.txt  cited" in result.output
    assert "  publisher: The Irish Times (Bloomberg)" in result.output
    assert "  publisher: not known" in result.output


def test_the_metadata_file_cannot_be_cited_as_an_article(repo: Path) -> None:
    line = the_one_problem(
        repo,
        "2024-06-19-cites-the-metadata.yaml",
        "type: context\nid: 2024-06-19-cites-the-metadata\nrace: nato-secretary-general-2024\n"
        "date: 2024-06-19\nsummary: A context citing the metadata\nkind: other\nsources:\n"
        "  - document: seeds/metadata.yaml\n    published: 2024-06-19\n"
        '    quote: "Netherlands leader Rutte poised to become Nato general secretary"\n',
    )
    assert "sources[0].document: seeds/metadata.yaml is the seeds' metadata, not an article" in line
