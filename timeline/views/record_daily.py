"""The record's daily state: each race on every day from its opening to its decision.

Given twice: as known now (every event, as corrected: ``timeline state --at DAY``) and
as known then (only what was reported by that day: ``--known-on DAY``). A view of the
replay, never a second rule: each row is read from the state
:func:`~timeline.engine.fold.state_at` gives, computed for all the days of a race in
one pass each way (:mod:`timeline.engine.daily`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from timeline.engine import daily as engine_daily
from timeline.engine.summary import RaceSummary
from timeline.errors import ReplayError
from timeline.model.events import Event
from timeline.model.state import RaceState
from timeline.views.table import Row, TableRow, columns

DAILY_RACE_COLUMNS = columns(
    ("race", "text", "the race"),
    ("day", "date", "the day"),
    ("known", "text", "now (every event, as corrected) or then (as reported by that day)"),
    ("leader", "text", "the candidate leading (or appointed), if any"),
    ("rule_met", "boolean", "whether some candidate's backing meets the decision rule"),
    ("appointed", "text", "the candidate appointed, if any"),
    ("holdouts", "list", "the members not behind the leader"),
    ("holdout_count", "integer", "how many"),
    ("events_counted", "integer", "how many events the state replays"),
    ("event_ids", "list", "the last event replayed, and the events of the leader's backing"),
)

DAILY_SUPPORT_COLUMNS = columns(
    ("race", "text", "the race"),
    ("day", "date", "the day"),
    ("known", "text", "now, or then (as reported by that day)"),
    ("candidate", "text", "the candidate"),
    ("status", "text", "mentioned, declared, withdrawn, eliminated or appointed"),
    ("members", "integer", "how many members of the electorate back it"),
    ("score", "integer", "what the rule counts of its support (members, or a weight)"),
    ("backers", "list", "the members that back it"),
    ("meets_rule", "boolean", "whether its backing meets the decision rule"),
    ("event_ids", "list", "the events its backings date from"),
)


def days_of(summary: RaceSummary, mine: Sequence[Event]) -> list[datetime.date]:
    """Every day from the race's opening to its decision (undecided: to its last event)."""
    if summary.opened is None:
        return []
    last = summary.decided or max(e.date.latest for e in mine)
    count = (last - summary.opened).days + 1
    return [summary.opened + datetime.timedelta(days=n) for n in range(max(count, 0))]


def daily_rows(mine: Sequence[Event], race: str, summary: RaceSummary) -> Iterator[TableRow]:
    """The race's rows of ``daily_race`` and ``daily_support``, a day at a time: each
    state is computed once, for both tables."""
    for day, known, state in daily_states(mine, race, summary):
        yield "daily_race", _daily_race_row(race, day, known, state)
        for row in _daily_support_rows(race, day, known, state):
            yield "daily_support", row


def daily_states(
    mine: Sequence[Event], race: str, summary: RaceSummary
) -> Iterator[tuple[datetime.date, str, RaceState]]:
    """The race's state on each of its days, as known now (every event, as corrected) and
    as known then (as reported by that day): the two values of a daily row's ``known``.
    Raises ``ReplayError`` if the race as reported by some day does not replay (what
    ``timeline validate --as-reported`` reports), naming that day."""
    days = days_of(summary, mine)
    then = engine_daily.daily_states(mine, race, days, known_then=True)
    for day, state_now in engine_daily.daily_states(mine, race, days):
        try:
            _, state_then = next(then)
        except ReplayError as exc:
            said = f"as reported by {day}: {exc.message}"
            raise ReplayError(exc.event_id, said, exc.field) from None
        yield day, "now", state_now
        yield day, "then", state_then


def _daily_race_row(race: str, day: datetime.date, known: str, state: RaceState) -> Row:
    leader = state.leader
    holdouts = list(state.holdouts)
    backing = sorted({b.since for b in leader.backers}) if leader is not None else []
    ids = [state.last_event, *backing] if state.last_event is not None else backing
    return (
        race,
        day.isoformat(),
        known,
        leader.id if leader is not None else None,
        state.decided,
        state.appointed,
        holdouts,
        len(holdouts),
        state.applied,
        ids,
    )


def _daily_support_rows(
    race: str, day: datetime.date, known: str, state: RaceState
) -> Iterator[Row]:
    for candidate in state.candidates:
        backers = sorted(state.backers_in_electorate(candidate))
        yield (
            race,
            day.isoformat(),
            known,
            candidate.id,
            candidate.status.value,
            len(backers),
            state.score(candidate),
            backers,
            state.meets_rule(candidate.id),
            sorted({b.since for b in candidate.backers}),
        )
