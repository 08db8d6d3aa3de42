"""The record's tables of who takes part: candidates, members over time, ballots, votes.

Part of the relational model of :mod:`timeline.views.record` (``docs/data-model.md``),
each a function of one race's history as told now (corrections applied, in replay
order: :func:`told_now`, computed once a race).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from timeline.engine.daily import daily_states
from timeline.engine.fold import replay, told_at
from timeline.model.events import Ballot, ElectorateChange, Event, Opening, Stage
from timeline.model.state import RaceState
from timeline.views.table import Row, columns

CANDIDATE_COLUMNS = columns(
    ("race", "text", "the race"),
    ("candidate", "text", "the candidate's id"),
    ("name", "text", "the candidate's name"),
    ("country", "text", "the candidate's country, if given"),
    ("member", "text", "the member of the electorate the candidate is, if one"),
    ("status", "text", "mentioned, declared, withdrawn, eliminated or appointed, at the end"),
    ("put_forward_by", "text", "the member that put the candidate forward, if any"),
    ("event_ids", "list", "the event that brought the candidate into the race"),
)


def told_now(mine: Sequence[Event], race: str) -> list[Event]:
    """The race's events as told now (corrections applied), in replay order."""
    return told_at(mine, datetime.date.max, race)


def candidate_rows(told: Sequence[Event], race: str) -> Iterator[Row]:
    state = replay(RaceState(race), told)
    for candidate in state.candidates:
        yield (
            race,
            candidate.id,
            candidate.name,
            candidate.country,
            candidate.member,
            candidate.status.value,
            candidate.put_forward_by,
            [candidate.entered],
        )


MEMBER_COLUMNS = columns(
    ("race", "text", "the race"),
    ("member", "text", "the member's id"),
    ("name", "text", "its name, if known"),
    ("weights", "map", "its named weights ({name: value}), if any"),
    ("groups", "list", "the groups it belongs to"),
    ("from_day", "date", "the first day it held this record"),
    ("to_day", "date", "the last day (empty: to the end of the race)"),
    ("event_ids", "list", "the events that set its membership or record on from_day"),
)


def member_rows(mine: Sequence[Event], told: Sequence[Event], race: str) -> Iterator[Row]:
    """The spans of each member's record, read from the state on each day the
    electorate may change (an opening, a stage, a change of the electorate counts)."""
    changes: dict[datetime.date, list[str]] = {}
    for event in told:
        if isinstance(event, Opening | Stage | ElectorateChange):
            changes.setdefault(event.date.latest, []).append(event.id)
    held: dict[str, tuple[Row, str]] = {}  # member -> (its record's columns, from day)
    ids: dict[str, list[str]] = {}
    for day, state in daily_states(mine, race, sorted(changes)):
        now = {member: _recordcolumns(state, member) for member in sorted(state.electorate)}
        for member in sorted(held.keys() | now.keys()):
            before, after = held.get(member), now.get(member)
            if before is not None and (after is None or after != before[0]):
                last = (day - datetime.timedelta(days=1)).isoformat()
                yield (race, member, *before[0], before[1], last, ids[member])
                del held[member]
            if after is not None and member not in held:
                held[member] = (after, day.isoformat())
                ids[member] = changes[day]
    for member, (record, first) in sorted(held.items()):
        yield (race, member, *record, first, None, ids[member])


def _recordcolumns(state: RaceState, member: str) -> Row:
    record = state.member(member)
    if record is None:
        return (None, {}, [])
    weights = {weight.name: weight.value for weight in record.weights}
    return (record.name, weights, list(record.groups or ()))


BALLOT_COLUMNS = columns(
    ("race", "text", "the race"),
    ("number", "integer", "its number, in the order held"),
    ("event_id", "text", "the ballot event"),
    ("day", "date", "the day it counts from"),
    ("kind", "text", "vote, or straw_poll"),
    ("roll_call", "boolean", "whether it gives each member's vote"),
    ("record", "text", "the official record of it, if cited"),
    ("eliminated", "list", "the candidates it eliminated"),
)


def ballot_rows(told: Sequence[Event], race: str) -> Iterator[Row]:
    for event in told:
        if isinstance(event, Ballot):
            yield (
                race,
                event.number,
                event.id,
                event.date.latest.isoformat(),
                event.kind.value,
                event.roll_call,
                event.record,
                list(event.eliminated),
            )


VOTE_COLUMNS = columns(
    ("race", "text", "the race"),
    ("ballot", "integer", "the ballot's number"),
    ("event_id", "text", "the ballot event"),
    ("line", "integer", "the line of the ballot's result, from 0"),
    ("member", "text", "the member who voted (a roll call); empty for a count"),
    ("candidate", "text", "the candidate voted for (empty: an abstention or absence)"),
    ("vote", "text", "for, against (a straw poll), abstain or absent"),
    ("grouping", "text", "the group a count is within, if any"),
    ("count", "integer", "how many voted so (1 for a member of a roll call)"),
)


def vote_rows(told: Sequence[Event], race: str) -> Iterator[Row]:
    for event in told:
        if not isinstance(event, Ballot):
            continue
        for line, tally in enumerate(event.votes):
            vote = tally.vote.value
            if tally.members:
                for member in tally.members:
                    yield race, event.number, event.id, line, member, tally.candidate, vote, None, 1
            else:
                count = tally.count or 0
                yield (
                    race,
                    event.number,
                    event.id,
                    line,
                    "",
                    tally.candidate,
                    vote,
                    tally.group,
                    count,
                )
