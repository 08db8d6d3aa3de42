"""The replay: events in, a new immutable :class:`RaceState` out.

What each event does is in :mod:`timeline.engine.transitions` (and
:mod:`timeline.engine.ballots`), applied to the working copy of
:mod:`timeline.engine.replayer`. This module says which events replay, and in what
order.

Rule 2 of the replay (rule 1 is in :mod:`timeline.engine.transitions`): events replay
in one deterministic total order, :func:`replay_key`:

1. the event's latest possible day (``date.latest``): an event counts at day D
   exactly when its latest possible day is D or earlier, so "the events that
   count at D" are always a prefix of the order;
2. the event type, in the order of :data:`timeline.model.events.EVENT_TYPES`
   (opening, electorate_change, mention, candidacy, condition, endorsement,
   withdrawal, appointment): on one day a race opens before anyone enters it,
   and an appointment comes after the support that made it;
3. the earliest possible day (vaguer reports first, an open start first of all);
4. the event id, which is unique in a repository.

The order never depends on the order in which files were listed.

Rule 3: an event that does not fit the state raises
:class:`~timeline.errors.ReplayError` and changes nothing (see
:mod:`timeline.engine.transitions`).

How it is fast: events are applied in place to a :class:`Replayer`, a private,
mutable working copy; :func:`fold`, :func:`replay` and :func:`apply` take values and
return values, so the core stays pure. ``tests/reference_fold.py`` keeps the
evolve-per-step version as the oracle; property tests check both give equal states
and equal errors.
"""

from __future__ import annotations

import datetime
import typing
from collections.abc import Iterable, Sequence

from timeline.engine.replayer import Replayer
from timeline.engine.working import not_a_member
from timeline.errors import UnknownRaceError
from timeline.model.events import EVENT_TYPES, Correction, Event, Retraction
from timeline.model.state import RaceState

__all__ = [
    "Replayer",
    "apply",
    "choose_race",
    "fold",
    "not_a_member",
    "pick_race",
    "races",
    "replay",
    "replay_key",
    "replay_order",
    "reported_by",
    "retracted_and_replaced",
    "state_at",
    "supersede",
    "told_at",
    "version_ends",
]

_ONE_DAY = datetime.timedelta(days=1)
_RANK: dict[type[Event], int] = {cls: rank for rank, cls in enumerate(EVENT_TYPES.values())}


def replay_key(event: Event) -> tuple[datetime.date, int, datetime.date, str]:
    """The sort key of the replay order (see the module docstring)."""
    earliest = event.date.earliest or datetime.date.min
    return (event.date.latest, _RANK[type(event)], earliest, event.id)


E = typing.TypeVar("E", bound=Event)


def replay_order(events: Iterable[E]) -> list[E]:
    """``events`` sorted into replay order."""
    return sorted(events, key=replay_key)


def races(events: Iterable[Event]) -> tuple[str, ...]:
    """The race ids that occur in ``events``, sorted."""
    return tuple(sorted({event.race for event in events}))


def choose_race(events: Sequence[Event], race: str | None) -> str:
    """``race`` if events of it exist; the only race when ``race`` is None."""
    return pick_race(races(events), race)


def pick_race(known: Sequence[str], race: str | None) -> str:
    """``race`` if it is one of the ``known`` race ids; the only one when ``race`` is None."""
    if race is not None:
        if race not in known:
            raise UnknownRaceError(f"no race {race!r}; known: {', '.join(known) or 'none'}")
        return race
    if len(known) != 1:
        listed = ", ".join(known) or "none"
        raise UnknownRaceError(f"choose a race with --race; this repository has: {listed}")
    return known[0]


def fold(state: RaceState, events: Iterable[Event]) -> RaceState:
    """Apply ``events`` to ``state`` in replay order."""
    return Replayer(state).run(replay_order(events)).state()


def replay(state: RaceState, ordered: Iterable[Event]) -> RaceState:
    """Apply ``ordered`` to ``state`` as given: the caller has put them in replay order
    (as :func:`told_at` and the checkpoint index do), so nothing sorts them again."""
    return Replayer(state).run(ordered).state()


def apply(state: RaceState, event: Event) -> RaceState:
    """The state after ``event``; raise :class:`ReplayError` if it does not fit.

    One step costs about the size of the state, to copy it in and out; replaying
    many events goes through :func:`fold` or :func:`replay` instead.
    """
    return Replayer(state).run((event,)).state()


def retracted_and_replaced(by: Iterable[Event]) -> tuple[set[str], dict[str, Event]]:
    """What the retractions and corrections in ``by`` supersede: the ids retracted, and
    each corrected id's replacement (of two corrections of one event, the later given)."""
    retracted: set[str] = set()
    replaced: dict[str, Event] = {}
    for event in by:
        if isinstance(event, Retraction):
            retracted.add(event.retracts)
        elif isinstance(event, Correction):
            replaced[event.corrects] = event.replacement
    return retracted, replaced


def supersede(events: Iterable[Event], by: Iterable[Event]) -> list[Event]:
    """``events`` with the ones retracted by ``by`` left out and the ones corrected
    replaced by their replacement. Retractions and corrections themselves are dropped.

    A correction whose target is not among ``events`` (as reported on a day, the
    correction was out before the report it corrects) still brings its replacement: what
    it reports is known from its own sources.
    """
    events = list(events)
    retracted, replaced = retracted_and_replaced(by)
    told = [
        replaced.pop(e.id, e)
        for e in events
        if e.id not in retracted and not isinstance(e, Retraction | Correction)
    ]
    told.extend(e for target, e in replaced.items() if target not in retracted)
    return told


def reported_by(events: Iterable[Event], known_on: datetime.date) -> list[Event]:
    """The events a source had certainly reported by ``known_on`` (see ``Event.reported``)."""
    return [e for e in events if e.reported is not None and e.reported <= known_on]


def told_at(
    events: Sequence[Event],
    at: datetime.date,
    race: str,
    known_on: datetime.date | None = None,
) -> list[Event]:
    """The events of ``race`` that count at ``at``, as the race is told on that day.

    With ``known_on``, only events reported by then take part (the race as a
    reader saw it on that day). Retractions and corrections that count at
    ``at`` apply to the whole history (from their own date on, the race is told
    as corrected); the events that count at ``at`` are then kept, in replay order.
    """
    known = events if known_on is None else reported_by(events, known_on)
    mine = [e for e in known if e.race == race]
    changes = [e for e in mine if isinstance(e, Retraction | Correction) and e.date.counts_by(at)]
    return replay_order(e for e in supersede(mine, changes) if e.date.counts_by(at))


def version_ends(events: Iterable[Event]) -> list[datetime.date]:
    """The last day of each version of a race's history, in order, the last one
    ``date.max``. The one place the versions are computed.

    A race's history changes on the day each retraction or correction counts: before
    the first, the events as filed; from then on, as superseded. A version ends the
    day before the next change; ``told_at(events, end, race)`` is the version, in
    replay order, and every ``state_at`` question of a day up to ``end`` (and after
    the end before it) replays a prefix of it.
    """
    days = {
        e.date.latest - _ONE_DAY
        for e in events
        if isinstance(e, Retraction | Correction) and e.date.latest > datetime.date.min
    }
    return [*sorted(days), datetime.date.max]


def state_at(
    events: Sequence[Event],
    at: datetime.date,
    race: str | None = None,
    known_on: datetime.date | None = None,
) -> RaceState:
    """The state of ``race`` (or the only race) on day ``at``, as known on ``known_on``
    (default: as known now): the fold of ``told_at``."""
    race = choose_race(events, race)
    return replay(RaceState(race), told_at(events, at, race, known_on))
