"""Event values <-> YAML: round trips and located, readable errors."""

from __future__ import annotations

import pytest
from hypothesis import given

from timeline import EVENT_TYPES, Event, EventDataError, structure_event, unstructure_event
from timeline.formats import yamlio

from strategies import events_of


@pytest.mark.parametrize("cls", list(EVENT_TYPES.values()), ids=list(EVENT_TYPES))
def test_every_event_type_round_trips_through_yaml(cls: type[Event]) -> None:
    """load(dump(e)) == e for arbitrary events of each type.

    Text is drawn from all of Unicode but surrogates and control characters,
    so quoting rules (``NO``, ``null``, ``: ``, leading spaces, ``#``) are
    exercised, and dates of every precision.
    """

    @given(events_of(cls))
    def round_trip(event: Event) -> None:
        text = yamlio.dump(unstructure_event(event))
        assert event == structure_event(yamlio.parse(text).data)

    round_trip()


def _problems(data: object) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(EventDataError) as info:
        structure_event(data)
    return info.value.problems


BASE = {
    "type": "withdrawal",
    "id": "x",
    "race": "r",
    "date": "2024-01-01",
    "summary": "s",
    "candidate": "c",
    "sources": [{"document": "seeds/a.txt", "quote": "q"}],
}


def test_unknown_field_gets_a_suggestion() -> None:
    assert [
        p
        for p in _problems({**BASE, "sources": [{"document": "seeds/a.txt", "qoute": "q"}]})
        if "unknown" in p[1]
    ] == [(("sources", 0, "qoute"), "unknown field 'qoute'; did you mean 'quote'?")]


def test_missing_required_field_is_named() -> None:
    data = {key: value for key, value in BASE.items() if key != "summary"}
    assert [((), "missing required field 'summary'")] == _problems(data)


def test_unknown_type_gets_a_suggestion() -> None:
    expected = [(("type",), "unknown event type 'endorsment'; did you mean 'endorsement'?")]
    assert expected == _problems({**BASE, "type": "endorsment"})


def test_a_bare_value_where_a_list_belongs_is_refused() -> None:
    data = {**BASE, "type": "endorsement", "members": "HU"}
    assert (("members",), "expected a list, one '- ' item per line") in _problems(data)


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    assert [((), "an event file must be a mapping of fields (key: value)")] == _problems(["a"])


def test_every_problem_in_one_file_is_reported() -> None:
    data = {**BASE, "summary": None, "date": "2024-13-01", "extra": "x"}
    paths = sorted(str(path) for path, _ in _problems(data))
    assert ["('date',)", "('extra',)", "('summary',)"] == paths


def test_enum_values_are_listed() -> None:
    data = {
        **BASE,
        "type": "condition",
        "member": "RO",
        "kind": "support-if",
        "conditions": ["x"],
    }
    expected = "'support-if' is not one of: support, not_blocking; did you mean 'support'?"
    assert [(("kind",), expected)] == _problems(data)


def test_unstructure_writes_the_envelope_first_and_sources_last() -> None:
    event = structure_event(BASE)
    expected = ["type", "id", "race", "date", "summary", "candidate", "sources"]
    assert expected == list(unstructure_event(event))


def test_a_source_that_is_not_a_mapping_is_refused() -> None:
    """Found by the fuzz tests: a bare ``- text`` under sources once raised AttributeError."""
    data = {**BASE, "sources": ["seeds/a.txt"]}
    assert [(("sources", 0), "expected a mapping of fields (key: value)")] == _problems(data)


def test_a_problem_is_always_one_line() -> None:
    """Names from a file (keys, values, file names) may hold line breaks; a problem line
    escapes them, so that one problem is always one line of output."""
    from timeline import Problem

    problem = Problem("events/a\nb.yaml", 3, 1, "unknown field '\x1e\u2028x'; did you mean 'é'?")
    assert "events/a\\nb.yaml:3:1: error: unknown field '\\x1e\\u2028x'; did you mean 'é'?" == str(
        problem
    )
    assert 1 == len(str(problem).splitlines())
