"""The one loader: read what changed, run the checks, and hand out races on demand.

A repository is a directory holding ``events/`` (the event files, any depth, ``*.yaml``
or ``*.yml``) and ``seeds/`` (the documents events quote). Every command loads it the
same way, with or without a cache (:class:`~timeline.storage.cache.Store`), the way an
event store's repository asks its snapshot store before it reads the log:

1. **What is unchanged.** With a store, the loader asks it what each file looked like
   when it was last checked (:meth:`Store.recorded`); an unchanged file's event is not
   read, only its :class:`~timeline.engine.checks.Facts` are used. Without one, every
   file is new.
2. **Read the rest** (``reading.py``): parse, build the event, the checks of one file.
3. **The checks across files** run on the facts of every file (``engine/checks.py``:
   unique ids, one publication date per document, the seeds' records, supersessions,
   early sources); then every version of the history of each race an edit touched is
   replayed, and for ``validate`` each race as known on every report day. The findings
   become ``path:line:col`` problems here, at the edge.
4. **Write back** what a valid repository is (:meth:`Store.save`): the races an edit
   touched, every file's facts, each race at a glance.

What a load returns, :class:`Loaded`, names every race and summarizes each from the
store without decoding an event; :meth:`Loaded.repository` decodes the races asked for.
Warnings do not stop loading, and a load does not look for them (``validate`` and
``new`` do): an appointment the rule does not support, an endorsement that changes
nothing.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from timeline.errors import CacheDamaged, LoadError, Problem
from timeline.model.events import Event
from timeline.storage.cache import Store
from timeline.storage.checking import Run
from timeline.storage.fingerprint import fingerprint
from timeline.storage.loaded import Check, Loaded, Mode, Progress, load_order
from timeline.storage.repository import Repository

__all__ = [
    "Check",
    "Loaded",
    "Mode",
    "Progress",
    "check_repository",
    "load_order",
    "load_repository",
    "open_repository",
]


def load_repository(
    events_dir: Path, progress: Progress | None = None, *, store: Store | None = None
) -> Repository:
    """Load and check every event file under ``events_dir``, through ``store`` when given;
    raise ``LoadError`` on any error. Document paths in sources (``seeds/...``) are
    relative to the directory that holds ``events_dir``."""
    return open_repository(events_dir, progress, store=store).repository()


def open_repository(
    events_dir: Path, progress: Progress | None = None, *, store: Store | None = None
) -> Loaded:
    """Check the repository (errors only) and return it, its races not yet decoded when
    a store holds them; raise ``LoadError`` on any error."""
    problems, loaded = _load(events_dir, store, Mode(), None, progress)
    if problems:
        raise LoadError(tuple(problems))
    return loaded


def check_repository(
    events_dir: Path,
    *,
    today: datetime.date | None = None,
    as_reported: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    warnings: bool = True,
    store: Store | None = None,
) -> Check:
    """Check every event file under ``events_dir`` and report all problems found.

    With ``today``, an event dated entirely after it is an error too. With
    ``as_reported``, the race as known on each day a source appeared is replayed too
    (what ``--known-on`` shows must make sense on every day). Without ``warnings``, only
    errors are looked for. ``workers`` sets how many processes read files and
    ``progress`` is told how reading goes.
    """
    mode = Mode(today, as_reported, warnings)
    problems, loaded = _load(events_dir, store, mode, workers, progress)
    return Check(loaded, tuple(problems))


def _nothing(race: str) -> list[tuple[str, Event]]:
    raise KeyError(race)


def _load(
    events_dir: Path,
    store: Store | None,
    mode: Mode,
    workers: int | None,
    progress: Progress | None,
    *,
    quick: bool = True,
) -> tuple[list[Problem], Loaded]:
    """The one load: every problem found (in the order of the checks) and what loaded.
    Without ``quick``, the store's index is not trusted to answer alone."""
    if not events_dir.is_dir():
        problem = Problem(str(events_dir), 1, 1, "is not a directory")
        return [problem], Loaded(events_dir, {}, _nothing, {}, 0)
    started = time.time_ns()
    directories, newest = fingerprint(events_dir) if store is not None else ({}, 0)
    if store is not None and mode.plain and quick:
        fast = store.unchanged(directories, newest)
        if fast is not None:  # the fast path: no file changed since the store was written

            def fetch(race: str) -> list[tuple[str, Event]]:
                assert fast is not None
                found = fast.fetch(race)
                if found is not None:
                    return found
                # a damaged race file: the load that reads what it must
                problems, loaded = _load(events_dir, store, mode, workers, progress, quick=False)
                if problems:
                    raise LoadError(tuple(problems))
                return loaded.entries(race)

            races = dict.fromkeys(fast.races)
            return [], Loaded(events_dir, races, fetch, fast.summaries, fast.files)
    recorded = store.recorded(directories) if store is not None else None
    run = Run(events_dir, store, mode, recorded)
    try:
        problems = run.check(workers, progress)
    except CacheDamaged:  # a part of the manifest, read late, is damaged: read every file
        run = Run(events_dir, store, mode, None)
        problems = run.check(workers, progress)
    if store is not None and not any(p.severity == "error" for p in problems) and run.news:
        run.save(store, directories, started)
    return problems, run.loaded()
