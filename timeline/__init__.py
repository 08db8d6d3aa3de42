"""timeline: an event-sourced timeline of political races.

The public API, used by the ``timeline`` command itself::

    import datetime, pathlib, timeline

    repository = timeline.load_repository(pathlib.Path("events"))
    state = timeline.state_at(repository.events, datetime.date(2024, 6, 18))
    state.holdouts          # ('RO',)
    state.decided           # False

Events and states are immutable attrs values; :func:`fold` and :func:`apply`
are pure. Loading (:func:`load_repository`) is the only part that reads files.
"""

from typing import TYPE_CHECKING, Any

from timeline.engine.fold import (
    Replayer,
    apply,
    fold,
    races,
    replay,
    replay_key,
    replay_order,
    state_at,
    supersede,
    told_at,
)
from timeline.errors import (
    DateError,
    EventDataError,
    InvalidField,
    LoadError,
    Problem,
    ReplayError,
    RepositoryNotFoundError,
    TimelineError,
    UnknownRaceError,
)
from timeline.model.dates import Date, parse_date
from timeline.model.events import (
    EVENT_TYPES,
    Appointment,
    Ballot,
    BallotKind,
    Candidacy,
    Citation,
    Condition,
    ConditionKind,
    Context,
    ContextKind,
    Correction,
    Dissent,
    ElectorateChange,
    Endorsement,
    Event,
    Member,
    Mention,
    Opening,
    Position,
    Retraction,
    Stage,
    Stance,
    Tally,
    UnnamedSupport,
    Vote,
    Weight,
    Withdrawal,
)
from timeline.model.rules import Rule
from timeline.model.state import (
    Backing,
    Candidate,
    RaceState,
    StanceHeld,
    StatedCondition,
    Status,
    UnnamedReport,
)

# The shell's names (reading YAML, cattrs, files) are imported on first use (PEP 562):
# a warm `timeline state` needs none of them, and they cost more than the command.
if TYPE_CHECKING:
    from timeline.formats.codec import structure_event, unstructure_event
    from timeline.storage.load import load_repository
    from timeline.storage.repository import Repository, find_repository

_LAZY = {
    "Repository": "timeline.storage.repository",
    "find_repository": "timeline.storage.repository",
    "load_repository": "timeline.storage.load",
    "structure_event": "timeline.formats.codec",
    "unstructure_event": "timeline.formats.codec",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'timeline' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})  # a lazy name once used is in both


__all__ = [
    "EVENT_TYPES",
    "Appointment",
    "Backing",
    "Ballot",
    "BallotKind",
    "Candidacy",
    "Candidate",
    "Citation",
    "Condition",
    "ConditionKind",
    "Context",
    "ContextKind",
    "Correction",
    "Date",
    "DateError",
    "Dissent",
    "ElectorateChange",
    "Endorsement",
    "Event",
    "EventDataError",
    "InvalidField",
    "LoadError",
    "Member",
    "Mention",
    "Opening",
    "Position",
    "Problem",
    "RaceState",
    "ReplayError",
    "Replayer",
    "Repository",
    "RepositoryNotFoundError",
    "Retraction",
    "Rule",
    "Stage",
    "Stance",
    "StanceHeld",
    "StatedCondition",
    "Status",
    "Tally",
    "TimelineError",
    "UnknownRaceError",
    "UnnamedReport",
    "UnnamedSupport",
    "Vote",
    "Weight",
    "Withdrawal",
    "apply",
    "find_repository",
    "fold",
    "load_repository",
    "parse_date",
    "races",
    "replay",
    "replay_key",
    "replay_order",
    "state_at",
    "structure_event",
    "supersede",
    "told_at",
    "unstructure_event",
]
