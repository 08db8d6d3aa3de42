"""Reported dates: precision kept, impossible dates refused, EDTF accepted."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline import Date, DateError, parse_date

D = datetime.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2024-06-18", D(2024, 6, 18), D(2024, 6, 18)),
        ("2024-04", D(2024, 4, 1), D(2024, 4, 30)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("../2024-04-02", None, D(2024, 4, 2)),
        ("/2024-04-02", None, D(2024, 4, 2)),
        ("2024-03/2024-06", D(2024, 3, 1), D(2024, 6, 30)),
        ("2023-10~", D(2023, 10, 1), D(2023, 10, 31)),
        ("2024-21", D(2024, 3, 1), D(2024, 5, 31)),  # EDTF season: spring 2024
    ],
)
def test_a_date_denotes_the_interval_of_days_it_allows(
    text: str, earliest: datetime.date | None, latest: datetime.date
) -> None:
    date = parse_date(text)
    assert (text, earliest, latest) == (date.text, date.earliest, date.latest)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "'2024-02-30' is not a real date: February 2024 has 29 days"),
        ("2023-02-29", "'2023-02-29' is not a real date: February 2023 has 28 days"),
        ("2024-13", "is not a date"),
        ("0000-01-01", "there is no year 0"),
        ("18 June 2024", "is not a date"),
        ("2024-06-18/..", "has no latest possible day"),
        ("", "is not a date"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text)


def test_an_event_counts_once_its_latest_possible_day_has_come() -> None:
    april = parse_date("2024-04")
    assert not april.counts_by(D(2024, 4, 29))
    assert april.counts_by(D(2024, 4, 30))
    assert not april.exact
    assert parse_date("2024-04-30").exact


DAYS = st.dates(D(1900, 1, 1), D(2100, 12, 31))
FORMS = st.sampled_from(["day", "month", "year"])


@given(DAYS, DAYS, FORMS, FORMS)
def test_plain_intervals_parse_as_the_edtf_library_parses_them(
    a: datetime.date, b: datetime.date, a_form: str, b_form: str
) -> None:
    """The fast path for A/B and ../B agrees with the edtf library, or both refuse."""
    from timeline.model.dates import _edtf

    def plain(day: datetime.date, form: str) -> str:
        return {"day": day.isoformat(), "month": day.strftime("%Y-%m"), "year": str(day.year)}[form]

    for text in (f"{plain(a, a_form)}/{plain(b, b_form)}", f"../{plain(b, b_form)}"):
        try:
            expected: Date | str = _edtf(text)
        except DateError:
            expected = "refused"
        try:
            actual: Date | str = parse_date(text)
        except DateError:
            actual = "refused"
        assert expected == actual


@pytest.mark.parametrize("text", ["2024-06-19/2024-06-18", "2024-03/2024-02"])
def test_an_interval_that_ends_before_it_begins_is_refused(text: str) -> None:
    with pytest.raises(DateError, match="ends before it begins"):
        parse_date(text)


def test_month_lengths_are_the_calendars() -> None:
    """dates.py counts days in a month itself (importing calendar slows start-up)."""
    import calendar

    from timeline.model.dates import _days_in

    for year in range(1, 3001):
        for month in range(1, 13):
            assert calendar.monthrange(year, month)[1] == _days_in(year, month)


@pytest.mark.parametrize("text", ["2024-06-18/", "0000?", "-2024", "2024-06-1X"])
def test_a_date_edtf_parses_but_cannot_place_is_a_date_error(text: str) -> None:
    """No other exception escapes: a hostile date is one clear line, not a traceback."""
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2024-21", "2024-03-01", "2024-05-31"),  # spring
        ("2024-24", "2024-12-01", "2025-02-28"),  # winter runs into the next year
        ("2023-24", "2023-12-01", "2024-02-29"),  # to a leap day
        ("2024-28", "2024-12-01", "2025-02-28"),  # northern winter
        ("2024-30", "2024-12-01", "2025-02-28"),  # southern summer
        ("2024-32", "2024-06-01", "2024-08-31"),  # southern winter
        ("2024-24~", "2024-12-01", "2025-02-28"),  # a qualifier keeps the days
        ("../2024-24", None, "2025-02-28"),
        ("2024-06~/2024-25", "2024-06-01", "2024-05-31"),
    ],
)
def test_a_season_spans_its_three_months(text: str, earliest: str | None, latest: str) -> None:
    """edtf gave a winter only its December."""
    if earliest is not None and earliest > latest:
        with pytest.raises(DateError, match="ends before it begins"):
            parse_date(text)
        return
    date = parse_date(text)
    start = datetime.date.fromisoformat(earliest) if earliest else None
    assert (start, datetime.date.fromisoformat(latest)) == (date.earliest, date.latest)


def test_a_long_date_is_refused_before_it_is_parsed() -> None:
    """An EDTF set of a thousand days took seconds; a date is at most 48 characters."""
    days = ", ".join(f"2024-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29))
    with pytest.raises(DateError, match="characters long; a date is at most 48"):
        parse_date(f"[{days}]")


def test_edtf_prints_nothing_when_it_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    """`2024-1X` made edtf print a debugging line, before `validate --format json`'s JSON."""
    parse_date.cache_clear()  # parse it now, not from an earlier test's answer
    with pytest.raises(DateError):
        parse_date("2024-1X")
    assert ("", "") == capsys.readouterr()
