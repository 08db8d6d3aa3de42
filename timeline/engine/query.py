"""Questions about the event log itself, as pure functions of the events.

What may already have happened by a day, which events concern a member or a
candidate, and where the sources disagree. No I/O; ``views/explain.py`` and
``views/listings.py`` present the answers and the CLI asks the questions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

import attrs

from timeline.engine.fold import replay_order, supersede, told_at
from timeline.model.events import (
    Appointment,
    Ballot,
    Candidacy,
    Citation,
    Condition,
    Context,
    Correction,
    Dissent,
    ElectorateChange,
    Endorsement,
    Event,
    Mention,
    Opening,
    Retraction,
    Stage,
    Stance,
    UnnamedSupport,
    Withdrawal,
)
from timeline.model.members import ISO_3166_ALPHA2


def possibly_already(events: Iterable[Event], at: datetime.date, race: str) -> list[Event]:
    """Events of ``race`` that may have happened by ``at`` but do not count yet.

    Their date straddles ``at``: the earliest possible day is ``at`` or before
    (or unknown), the latest is after. The state at ``at`` leaves them out.
    """
    return replay_order(
        e
        for e in events
        if e.race == race
        and (e.date.earliest is None or e.date.earliest <= at)
        and at < e.date.latest
    )


def members_named(event: Event) -> frozenset[str]:
    """Every member an event names, in any role."""
    if isinstance(event, Opening):
        return frozenset(event.member_ids)
    if isinstance(event, ElectorateChange):
        return frozenset(
            (*(m.id for m in event.joined), *event.left, *(m.id for m in event.changed))
        )
    if isinstance(event, Ballot):
        named = {m for line in event.votes for m in line.members}
        return frozenset(named | {line.member for line in event.votes if line.member})
    if isinstance(event, Endorsement | Stance | Context):
        return frozenset(event.members)
    if isinstance(event, UnnamedSupport):
        return frozenset(event.besides)
    if isinstance(event, Stage):
        return frozenset(event.member_ids)
    if isinstance(event, Condition):
        return frozenset({event.member})
    if isinstance(event, Candidacy):
        return frozenset(m for m in (event.country, event.put_forward_by) if m)
    if isinstance(event, Mention):
        return frozenset({event.country} if event.country else ())
    if isinstance(event, Correction):
        return members_named(event.replacement)
    return frozenset()


def candidate_named(event: Event) -> str | None:
    """The candidate an event is about, if any."""
    if isinstance(
        event,
        Mention
        | Candidacy
        | Condition
        | Endorsement
        | Stance
        | UnnamedSupport
        | Withdrawal
        | Appointment,
    ):
        return event.candidate
    if isinstance(event, Context):
        return event.candidate
    if isinstance(event, Correction):
        return candidate_named(event.replacement)
    return None


def names_candidate(event: Event, candidate: str) -> bool:
    """Whether ``event`` is about ``candidate``: names it, or (a ballot) counts votes for,
    against or eliminating it."""
    if isinstance(event, Ballot):
        voted = any(line.candidate == candidate for line in event.votes)
        return voted or candidate in event.eliminated
    return candidate_named(event) == candidate


@attrs.frozen
class Conflict:
    """A disagreement recorded in the data: what the event says, and a source against it."""

    event: Event
    recorded: tuple[Citation, ...]
    dissent: Dissent


def conflicts(events: Iterable[Event]) -> list[Conflict]:
    """Every dissenting source in the record as told today (a corrected event by its
    replacement, a retracted one not at all), in replay order of its event."""
    events = list(events)
    return [
        Conflict(event, event.sources, dissent)
        for event in replay_order(supersede(events, events))
        for dissent in event.dissent
    ]


def facts_of(event: Event) -> tuple[Event, ...]:
    """The event, and a correction's replacement: each cites its own sources."""
    return (event, event.replacement) if isinstance(event, Correction) else (event,)


def seed_citations(events: Iterable[Event]) -> dict[str, int]:
    """How many citations of each seed document ``events`` hold (sources and dissent, a
    correction's replacement's too)."""
    counts: dict[str, int] = {}
    for event in events:
        for fact in facts_of(event):
            for citation in (*fact.sources, *fact.dissent):
                if citation.document is not None:
                    counts[citation.document] = counts.get(citation.document, 0) + 1
    return counts


def superseded_by(events: Sequence[Event]) -> dict[str, str]:
    """For each retracted or corrected event id, the id of the event that supersedes it."""
    return {e.target: e.id for e in events if isinstance(e, Retraction | Correction)}


def is_member_code(subject: str) -> bool:
    """Whether ``subject`` names a member (an ISO code, or an identifier such as a Bioguide
    id) rather than a candidate (a slug). A member written as a slug is told apart by the
    race: see ``timeline explain``."""
    return subject in ISO_3166_ALPHA2 or (
        subject[:1].isupper() and any(c.isdigit() for c in subject)
    )


def events_about(
    events: Sequence[Event],
    subject: str,
    at: datetime.date,
    race: str,
    member: bool | None = None,
) -> list[Event]:
    """The events that count at ``at`` and concern ``subject``, as the race is told
    on that day (retractions and corrections that count by then applied), in
    replay order.

    For a member: every event that names it. For a candidate: every event about
    the candidate, and every event that took a backer away from it (the backer
    endorsed someone else, or left the electorate). ``member`` says which the subject
    is (default: a member when it has the shape of a member code).
    """
    told = told_at(events, at, race)  # corrected events already replaced
    if member if member is not None else is_member_code(subject):
        return [e for e in told if subject in members_named(e)]
    chain: list[Event] = []
    backers: set[str] = set()
    for event in told:
        if names_candidate(event, subject):
            chain.append(event)
            if isinstance(event, Endorsement):
                backers |= set(event.members)
            elif isinstance(event, Candidacy) and event.put_forward_by:
                backers.add(event.put_forward_by)
        elif backers & _members_taken_away(event):
            chain.append(event)
            backers -= _members_taken_away(event)
    return chain


def _members_taken_away(event: Event) -> frozenset[str]:
    """Members that, by this event, stop backing whoever they backed before."""
    if isinstance(event, Endorsement):
        return frozenset(event.members)
    if isinstance(event, Candidacy) and event.put_forward_by:
        return frozenset({event.put_forward_by})
    if isinstance(event, ElectorateChange):
        return frozenset(event.left)
    return frozenset()
