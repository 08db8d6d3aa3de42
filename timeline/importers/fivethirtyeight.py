"""FiveThirtyEight's 2020 endorsement primary, from dated copies of its published file.

Input: a folder of copies of ``endorsements-2020.csv``, each named
``YYYY-MM-DD_<anything>.csv`` by the day it reflects (the latest ``date`` in it: the file
as published on or after that day). Output: one race, a tracker with no decision rule
that ranks candidates by FiveThirtyEight's endorsement points:

- the opening: the universe of potential endorsers in the earliest copy, each a member
  with their ``points`` and their groups (FiveThirtyEight's category and the party),
  dated by the earliest endorsement in any copy;
- one mention per candidate endorsed, dated by their earliest endorsement;
- one endorsement per endorser and choice, dated as FiveThirtyEight dates it, citing the
  copy that first showed it and the report FiveThirtyEight gives as its source; a later
  choice is a switch (one current endorsement per endorser);
- what changes in the universe from one copy to the next (endorsers joining, leaving,
  changing points, category or party), dated between the two copies.

Every event cites the copy that first showed it (its ``published`` day is the copy's
day), so ``timeline state --known-on DAY`` shows, on each copy's day, exactly the
points FiveThirtyEight showed.

The traps the data sets (see its SOURCE.md) are handled here and in
``fivethirtyeight_copies.py``, which reads the copies and names the endorsers: an
endorser is known by name and state, and by category too where two rows of one copy
share a name and a state (Eric Johnson of Texas, a DNC member and the mayor of Dallas);
rows without a date are the universe, not endorsements; a copy that gives another source
for the same endorsement is kept as dissent, not hidden.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Collection, Sequence
from pathlib import Path

import attrs

from timeline.errors import ImportFailure, InvalidField
from timeline.importers.fivethirtyeight_copies import Copy, EndorserIds, read_copies, slug
from timeline.model.dates import parse_date
from timeline.model.events import (
    Citation,
    Dissent,
    ElectorateChange,
    Endorsement,
    Event,
    Member,
    Mention,
    Opening,
    Weight,
)
from timeline.model.rules import Rule

RACE = "fivethirtyeight-endorsement-primary-2020"
OFFICE = "Democratic nominee for President of the United States, 2020"
PUBLISHER = "FiveThirtyEight / ABC News"
FILE_URL = "https://projects.fivethirtyeight.com/endorsements-2020-data/endorsements-2020.csv"
RULE = Rule(count="points")
_PARTIES = {"D": "democrat", "R": "republican", "I": "independent"}


@attrs.frozen
class _Choice:
    """An endorsement as one copy gives it."""

    member: str
    candidate: str
    day: str
    source: str
    copy: Copy
    row: dict[str, str]


def _member(ids: EndorserIds, row: dict[str, str]) -> Member:
    party = row["endorser party"]
    groups = [slug(row["category"]) or "uncategorised"]
    if party:
        groups.append(_PARTIES.get(party, slug(party) or "other"))
    return Member(
        id=ids.of(row),
        name=row["endorser"].strip(),
        weights=(Weight(name="points", value=int(row["points"])),),
        groups=tuple(groups),
    )


def _file(copy: Copy, what: str) -> Citation:
    return Citation(
        url=FILE_URL,
        publisher=PUBLISHER,
        published=parse_date(copy.day.isoformat()),
        record=f"endorsements-2020.csv as published on or after {copy.day}: {what}",
    )


def _report(url: str, record: str) -> Citation | None:
    """The report FiveThirtyEight cites, when its URL is well formed."""
    url = url.strip()
    try:
        return Citation(url=url, publisher=_host(url), record=record)
    except InvalidField:
        return None


def _who(row: dict[str, str]) -> str:
    where = ", ".join(p for p in (row["position"], row["city"], row["state"]) if p)
    return f"{row['endorser']} ({where})" if where else row["endorser"]


def _opening(copy: Copy, ids: EndorserIds, first_day: str) -> Opening:
    members = sorted((_member(ids, row) for row in copy.rows), key=lambda m: m.id)
    points = sum(m.weight("points") for m in members)
    return Opening(
        id=f"{first_day}-endorsement-primary-opens",
        race=RACE,
        date=parse_date(first_day),
        summary=(
            f"FiveThirtyEight's endorsement primary: {len(members)} potential endorsers"
            f" worth {points} points"
        ),
        sources=(_file(copy, f"{len(copy.rows)} potential endorsers"),),
        note=(
            f"Dated by the earliest endorsement in any copy of FiveThirtyEight's file; the"
            f" universe of potential endorsers is the one of its earliest copy ({copy.day})."
            " Nothing decides this race: candidates are ranked by endorsement points."
        ),
        office=OFFICE,
        electorate=tuple(members),
        rule=RULE,
    )


def _choices(copies: Sequence[Copy], ids: EndorserIds) -> list[list[_Choice]]:
    """Each copy's endorsements."""
    return [
        [
            _Choice(ids.of(r), slug(r["endorsee"]), r["date"], r["source"], copy, r)
            for r in copy.rows
            if r["endorsee"]
        ]
        for copy in copies
    ]


def _mentions(all_choices: Sequence[_Choice]) -> list[Event]:
    first: dict[str, _Choice] = {}  # candidate -> the first copy's earliest endorsement
    earliest: dict[str, _Choice] = {}
    for choice in all_choices:  # copies in order, so the first copy to show one wins ties
        if choice.candidate not in first:
            first[choice.candidate] = choice
        known = earliest.get(choice.candidate)
        if known is None or choice.day < known.day:
            earliest[choice.candidate] = choice
    events: list[Event] = []
    for candidate, choice in sorted(earliest.items()):
        name = choice.row["endorsee"].strip()
        shown = first[candidate]
        sources = [_file(shown.copy, f"endorsements of {name}")]
        if shown.copy != choice.copy:
            sources.append(_file(choice.copy, f"an endorsement of {name} dated {choice.day}"))
        events.append(
            Mention(
                id=f"{choice.day}-{candidate}-is-endorsed",
                race=RACE,
                date=parse_date(choice.day),
                summary=f"FiveThirtyEight's file lists endorsements of {name} from {choice.day}",
                sources=tuple(sources),
                candidate=candidate,
                name=name,
            )
        )
    return events


def _endorsements(copies: Sequence[Copy], choices: Sequence[Sequence[_Choice]]) -> list[Event]:
    """One endorsement per endorser and choice; what a later copy gives otherwise for a
    choice already made is kept as dissent."""
    made: dict[tuple[str, str, str], tuple[_Choice, list[Dissent]]] = {}
    current: dict[str, tuple[str, str, str]] = {}  # member -> its choice now: made's key
    for copy, copy_choices in zip(copies, choices, strict=True):
        present = {choice.member for choice in copy_choices}
        for member in [m for m in current if m not in present]:
            del current[member]  # no endorsement in this copy (or no longer listed)
        for choice in copy_choices:
            key = (choice.member, choice.candidate, choice.day)
            held = current.get(choice.member)
            if held is not None and held[:2] == key[:2]:
                first, dissent = made[held]
                if choice.day != first.day:
                    _disagree(dissent, choice, "date", f"dates it {choice.day}")
                elif choice.source.strip() != first.source.strip():
                    _disagree(dissent, choice, "sources", "cites another report for it")
                continue
            if key in made:
                raise ImportFailure(
                    f"{copy.path}:{choice.row['line']}: returns to an endorsement made"
                    " before with the same date; it cannot be told apart"
                )
            made[key] = (choice, [])
            current[choice.member] = key
    return [_endorsement(choice, tuple(dissent)) for choice, dissent in made.values()]


def _disagree(dissent: list[Dissent], choice: _Choice, field: str, claim: str) -> None:
    """Add what ``choice``'s copy says instead, once."""
    by_report = field == "sources"
    url = choice.source.strip() if by_report else FILE_URL
    claim = f"FiveThirtyEight's copy of {choice.copy.day} {claim}"
    if any(d.url == url and d.field == field for d in dissent):
        return  # a later copy that says the same again
    try:
        dissent.append(
            Dissent(
                url=url,
                publisher=_host(url) if by_report else PUBLISHER,
                record=(
                    f"endorsements-2020.csv as published on or after {choice.copy.day},"
                    f" line {choice.row['line']}"
                ),
                claim=claim,
                field=field,
            )
        )
    except InvalidField:
        return  # a malformed URL: the claim cannot be cited


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc.lower().removeprefix("www.") or "unknown"


def _endorsement(choice: _Choice, dissent: tuple[Dissent, ...]) -> Endorsement:
    row = choice.row
    name = row["endorsee"].strip()
    sources: list[Citation] = [_file(choice.copy, f"{_who(row)} endorses {name}")]
    report = _report(row["source"], "the report FiveThirtyEight cites for this endorsement")
    if report is not None:
        sources.append(report)
    return Endorsement(
        id=f"{choice.day}-{choice.member}-endorses-{choice.candidate}",
        race=RACE,
        date=parse_date(choice.day),
        summary=f"{row['endorser'].strip()} endorses {name} ({row['points']} points)",
        sources=tuple(sources),
        dissent=dissent,
        members=(choice.member,),
        candidate=choice.candidate,
    )


def _changes(
    copies: Sequence[Copy], ids: EndorserIds, choices: Sequence[Sequence[_Choice]]
) -> list[Event]:
    """What changes in the universe from each copy to the next."""
    events: list[Event] = []
    universes = [{ids.of(row): _member(ids, row) for row in copy.rows} for copy in copies]
    for k in range(1, len(copies)):
        before, after = copies[k - 1], copies[k]
        old, new = universes[k - 1], universes[k]
        left = tuple(sorted(old.keys() - new.keys()))
        changed = tuple(m for i, m in sorted(new.items()) if i in old and old[i] != m)
        joined: list[Member] = []
        for member_id in sorted(new.keys() - old.keys()):
            earliest = _earliest_choice(member_id, universes[k:], choices[k:])
            if earliest is not None and earliest.day < after.day.isoformat():
                events.append(_joins_by(after, new[member_id], earliest))
            else:
                joined.append(new[member_id])
        if not (left or changed or joined):
            continue
        events.append(
            ElectorateChange(
                id=f"{after.day}-universe-changes",
                race=RACE,
                date=parse_date(f"{before.day}/{after.day}"),
                summary=(
                    f"Between FiveThirtyEight's copies of {before.day} and {after.day}:"
                    f" {len(joined)} potential endorsers join, {len(left)} leave,"
                    f" {len(changed)} change"
                ),
                sources=(_file(after, "the potential endorsers"),),
                note=(
                    f"Dated between the copy of {before.day}, which does not show these"
                    f" changes, and the copy of {after.day}, which does."
                ),
                joined=tuple(joined),
                left=left,
                changed=changed,
            )
        )
    return events


def _earliest_choice(
    member_id: str, universes: Sequence[Collection[str]], choices: Sequence[Sequence[_Choice]]
) -> _Choice | None:
    """The earliest endorsement by ``member_id`` in the copies that list the member, from
    the first of ``universes`` on while the member stays listed."""
    found: _Choice | None = None
    for universe, copy_choices in zip(universes, choices, strict=True):
        if member_id not in universe:
            break
        for choice in copy_choices:
            if choice.member == member_id and (found is None or choice.day < found.day):
                found = choice
    return found


def _joins_by(listed_in: Copy, member: Member, choice: _Choice) -> ElectorateChange:
    """An endorser first listed with an endorsement dated before the copy that lists
    them: FiveThirtyEight counts it from its day, so they count from then too."""
    sources = [_file(listed_in, f"{_who(choice.row)}, {member.weight('points')} points")]
    if choice.copy != listed_in:
        sources.append(_file(choice.copy, f"{_who(choice.row)} endorses, dated {choice.day}"))
    return ElectorateChange(
        id=f"{choice.day}-{member.id}-joins",
        race=RACE,
        date=parse_date(f"../{choice.day}"),
        summary=f"{member.name} is among FiveThirtyEight's potential endorsers",
        sources=tuple(sources),
        note=(
            f"First listed in FiveThirtyEight's copy of {listed_in.day}; dated on or before"
            f" the endorsement dated {choice.day} (in the copy of {choice.copy.day}), which"
            " FiveThirtyEight counts from its day."
        ),
        joined=(member,),
    )


def endorsement_primary(copies: Sequence[Copy]) -> list[Event]:
    """The events of the race (see the module's docstring)."""
    ids = EndorserIds(copies)
    choices = _choices(copies, ids)
    flat = [choice for copy_choices in choices for choice in copy_choices]
    if not flat:
        raise ImportFailure("no copy lists an endorsement")
    first_day = min(choice.day for choice in flat)
    return [
        _opening(copies[0], ids, first_day),
        *_changes(copies, ids, choices),
        *_mentions(flat),
        *_endorsements(copies, choices),
    ]


def import_folder(folder: Path) -> list[Event]:
    """The events of the endorsement primary from the copies under ``folder``."""
    return endorsement_primary(read_copies(folder))


__all__ = ("RACE", "Copy", "endorsement_primary", "import_folder", "read_copies", "slug")
