"""The election of the Speaker of the US House, from the Clerk's roll calls.

Input: a folder of roll calls as the unitedstates/congress scraper writes them
(``<folder>/h<roll>/data.json``: ``question``, ``date``, ``source_url``, ``votes``
mapping what was voted for to the members who voted so, each with a Bioguide ``id``).
Output: one race per election of the Speaker, each

- opened by the roll call that makes the House's roll of members (the quorum call
  ``Call By States`` at the start of a Congress: those present are the electorate), or
  by the resolution declaring the office vacant (then the members of that roll call);
- with one ballot per roll call ``Election of the Speaker``, numbered in order, every
  member's vote recorded (a vote for a person, ``Present`` as abstain, ``Not Voting`` as
  absent);
- decided by the rule of the House: more than half of the votes cast for a person.

The traps the data sets (see its SOURCE.md) are handled here: ``result`` names whoever
led, not a winner (the fold decides, by the rule); a person voted for is known by the
Clerk's key (``Johnson (LA)``, ``Garcia, Mike``), which becomes their id
(``johnson-la``) and, where exactly one member of the House has that display name, links
them to that member; people who are not members (``Trump``) are persons voted for too.
Motions to adjourn between ballots change nothing and are not imported.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from timeline.errors import ImportFailure
from timeline.model.dates import parse_date
from timeline.model.events import Ballot, Citation, Event, Member, Opening, Tally, Vote
from timeline.model.rules import Base, Rule

PUBLISHER = "Office of the Clerk, U.S. House of Representatives"
OFFICE = "Speaker of the United States House of Representatives"
RULE = Rule(threshold="more than 1/2", of=Base.VOTES)
SPEAKER = "Election of the Speaker"
QUORUM = "Call By States"
VACANT = "Declaring the office of Speaker of the House of Representatives to be vacant"

#: What the Clerk's keys other than people mean.
_NOT_PEOPLE = {"Present": Vote.ABSTAIN, "Not Voting": Vote.ABSENT}
_PARTIES = {"R": "republican", "D": "democrat", "I": "independent"}

#: A roll call's file is read up to this size (the largest is about 60 KB).
MAX_ROLL_BYTES = 4 << 20


def read_rolls(folder: Path) -> list[dict[str, Any]]:
    """Every ``h<roll>/data.json`` under ``folder``, parsed and checked, in roll order."""
    rolls = []
    for path in sorted(folder.glob("h*/data.json")):
        if not path.is_file() or path.stat().st_size > MAX_ROLL_BYTES:
            raise ImportFailure(f"{path}: not a regular file of at most {MAX_ROLL_BYTES} bytes")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise ImportFailure(f"{path}: not JSON: {exc}") from None
        rolls.append(_checked(path, data))
    if not rolls:
        raise ImportFailure(f"{folder}: no roll calls (h<roll>/data.json) found")
    return sorted(rolls, key=lambda roll: roll["number"])


def _checked(path: Path, data: Any) -> dict[str, Any]:
    """``data`` if it has the shape of a roll call, else :class:`ImportFailure`."""
    try:
        assert isinstance(data, dict)
        assert isinstance(data["number"], int)
        for key in ("question", "date", "source_url", "congress", "session"):
            assert isinstance(data[key], str | int)
        assert isinstance(data["votes"], dict)
        for key, members in data["votes"].items():
            assert isinstance(key, str)
            assert isinstance(members, list)
            for member in members:
                assert isinstance(member["id"], str)
                assert isinstance(member["display_name"], str)
    except (AssertionError, KeyError, TypeError):
        raise ImportFailure(f"{path}: not a roll call of the shape the scraper writes") from None
    return data


def speaker_races(rolls: Sequence[dict[str, Any]]) -> list[Event]:
    """The events of every election of the Speaker in ``rolls`` (see the module)."""
    events: list[Event] = []
    roster: dict[str, Any] | None = None  # the roll call that last gave the House's members
    race: str | None = None
    number = 0
    named: set[str] = set()
    for roll in rolls:
        question = str(roll["question"])
        if question == QUORUM or VACANT in question:
            roster = roll
            race = None
        if question != SPEAKER:
            continue
        if roster is None:
            raise ImportFailure(
                f"roll {roll['number']}: a ballot with no roll of members before it"
            )
        if race is None:
            race = f"us-house-speaker-{_day(roll)[:7]}"
            events.append(_opening(race, roster))
            number, named = 0, set()
        number += 1
        events.append(_ballot(race, number, roll, _members(roster), named))
    return events


def _day(roll: dict[str, Any]) -> str:
    """The day of the roll call, in Washington (the date as the Clerk gives it)."""
    return str(roll["date"])[:10]


def _members(roll: dict[str, Any]) -> dict[str, Any]:
    """The members a roll call lists (voting or not), by id."""
    return {m["id"]: m for members in roll["votes"].values() for m in members}


def _record(roll: dict[str, Any]) -> str:
    return (
        f"Roll call {roll['number']}, {roll['congress']}th Congress, session {roll['session']}:"
        f" {roll['question']}"
    )


def _source(roll: dict[str, Any]) -> Citation:
    return Citation(
        url=str(roll["source_url"]).replace("http://", "https://", 1),
        publisher=PUBLISHER,
        published=parse_date(_day(roll)),
        record=_record(roll),
    )


def _opening(race: str, roster: dict[str, Any]) -> Opening:
    """The race opens with the members the roster roll call lists as present (a quorum
    call), or every member it lists (a vote declaring the office vacant)."""
    if roster["question"] == QUORUM:
        members = list(roster["votes"].get("Present", []))
        summary = (
            f"The House meets for the {roster['congress']}th Congress;"
            f" {len(members)} members-elect answer the quorum call"
        )
        vacancy = None
    else:
        members = sorted(_members(roster).values(), key=lambda m: str(m["id"]))
        summary = "The House declares the office of Speaker vacant"
        vacancy = parse_date(_day(roster))
    electorate = tuple(
        Member(id=m["id"], name=m["display_name"], groups=_groups(m))
        for m in sorted(members, key=lambda m: str(m["id"]))
    )
    return Opening(
        id=f"{_day(roster)}-{'house-convenes' if vacancy is None else 'office-declared-vacant'}",
        race=race,
        date=parse_date(_day(roster)),
        summary=summary,
        sources=(_source(roster),),
        office=OFFICE,
        electorate=electorate,
        rule=RULE,
        vacancy=vacancy,
    )


def _groups(member: dict[str, Any]) -> tuple[str, ...]:
    groups = []
    party = _PARTIES.get(str(member.get("party", "")))
    if party is not None:
        groups.append(party)
    state = str(member.get("state", ""))
    if re.fullmatch(r"[A-Z]{2}", state):
        groups.append(f"state-{state.lower()}")
    return tuple(groups)


def person_id(key: str) -> str:
    """The Clerk's key for a person as a slug: ``Johnson (LA)`` -> ``johnson-la``."""
    plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))


def _ballot(
    race: str, number: int, roll: dict[str, Any], house: dict[str, Any], named: set[str]
) -> Ballot:
    by_name: dict[str, list[str]] = {}
    for member in house.values():
        by_name.setdefault(member["display_name"], []).append(member["id"])
    votes = []
    counts: dict[str, int] = {}
    for key, members in sorted(roll["votes"].items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if not members:
            continue
        ids = tuple(sorted(m["id"] for m in members))
        if key in _NOT_PEOPLE:
            votes.append(Tally(vote=_NOT_PEOPLE[key], members=ids))
            continue
        person = person_id(key)
        counts[key] = len(ids)
        same = by_name.get(key, [])
        first = person not in named
        named.add(person)
        votes.append(
            Tally(
                candidate=person,
                name=key if first else None,
                member=same[0] if first and len(same) == 1 else None,
                members=ids,
            )
        )
    return Ballot(
        id=f"{_day(roll)}-ballot-{number:02d}",
        race=race,
        date=parse_date(_day(roll)),
        summary=_summary(number, counts, roll),
        sources=(_source(roll),),
        number=number,
        record=f"roll {roll['number']}",
        votes=tuple(votes),
    )


def _summary(number: int, counts: dict[str, int], roll: dict[str, Any]) -> str:
    cast = sum(counts.values())
    needed = cast // 2 + 1
    standing = ", ".join(f"{name} {count}" for name, count in _ranked(counts))
    leader, most = _ranked(counts)[0]
    verdict = (
        f"{leader} is elected with {most} of {cast} votes cast for a person"
        if most >= needed
        else f"no one has the {needed} votes needed of {cast} cast for a person"
    )
    return f"Ballot {number} for Speaker: {standing}; {verdict}"


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def import_folder(folder: Path) -> list[Event]:
    """The events of every election of the Speaker in the roll calls under ``folder``."""
    return speaker_races(read_rolls(folder))


__all__ = ("import_folder", "person_id", "read_rolls", "speaker_races")
