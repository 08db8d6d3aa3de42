"""A self-contained static page of a race: its events as a timeline and its state on any day.

Events in, the text of ``index.html`` out. No CDN, no fetch: the page's style,
script and data are inline, so it works from ``file://`` and offline. The page's
HTML, CSS and JavaScript are the package's data files in ``timeline/views/assets/``
(read once, as resources of the installed package: the only reading done here).

Every state the page shows is computed here, by the replay, and embedded. The
state of a race (and the list of events that possibly already happened) changes
only on the days an event's possible dates begin or end, so the page embeds
the state on each of those days and, for any date, shows the one of the latest
such day on or before it: a look-up, not a second implementation of the rules
in JavaScript. ``tests/test_site.py`` opens the page in a real Chromium.
"""

from __future__ import annotations

import datetime
import functools
import html
import importlib.resources
import json
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.engine.checkpoints import RaceIndex
from timeline.engine.fold import choose_race, replay_order, told_at
from timeline.engine.query import possibly_already, superseded_by
from timeline.model.events import Citation, Event
from timeline.model.seeds import SeedRecord
from timeline.views.citations import NO_SEEDS, cited
from timeline.views.state import state_to_json


def site(
    events: Sequence[Event], race: str | None = None, seeds: Mapping[str, SeedRecord] = NO_SEEDS
) -> str:
    """The page of ``race`` (or the only race); ``seeds`` names the seed articles cited."""
    race = choose_race(events, race)
    mine = [e for e in events if e.race == race]
    days, states = states_by_day(mine, race)
    told = {e.id for e in told_at(mine, datetime.date.max, race)}
    superseded = superseded_by(mine)
    data = {
        "race": race,
        "days": [day.isoformat() for day in days],
        "states": states,
        "events": [
            _event(e, superseded.get(e.id), e.id in told, seeds) for e in replay_order(mine)
        ],
    }
    office = states[-1]["office"] if states and states[-1]["office"] else race
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        _asset("page.html")
        .replace("{title}", html.escape(f"{office}: the race day by day"))
        .replace("{style}", _asset("style.css"))
        .replace("{script}", _asset("script.js"))
        # "</" cannot end the script element: JSON allows "\/" for "/"
        .replace("{data}", _script_safe(payload))
    )


def states_by_day(
    events: Sequence[Event], race: str
) -> tuple[list[datetime.date], list[dict[str, Any]]]:
    """The days the state of ``race`` can change, and its state (as ``timeline state
    --format json`` prints it) on each: on any day D, the state is the one of the latest
    of these days on or before D (``tests/test_site.py`` checks this at random days).

    A state changes only when an event starts to count (its latest possible day), and
    the events that possibly already happened change only when a date's earliest or
    latest possible day comes: those days are all.
    """
    index = RaceIndex(events, race)
    mine = [e for e in events if e.race == race]
    days = sorted(
        {e.date.latest for e in mine} | {e.date.earliest for e in mine if e.date.earliest}
    )
    states = [
        state_to_json(index.state_at(day), day, possibly_already(mine, day, race)) for day in days
    ]
    return days, states


def _event(
    event: Event, superseded: str | None, told: bool, seeds: Mapping[str, SeedRecord]
) -> dict[str, Any]:
    def citation(c: Citation) -> dict[str, Any]:
        parts = cited(c, seeds)
        return {
            "where": f"{parts.document}, {parts.label}" if parts.label else parts.source,
            "url": parts.url,
            "published": parts.published,
            "record": parts.record,
            "quote": parts.quote,
            "claim": parts.claim,
        }

    return {
        "id": event.id,
        "type": event.TYPE,
        "date": event.date.text,
        "counts_from": event.date.latest.isoformat(),
        "summary": event.summary,
        "sources": [citation(c) for c in event.sources],
        "dissent": [citation(d) for d in event.dissent],
        "superseded_by": superseded,
        "told": told,
    }


@functools.cache
def _asset(name: str) -> str:
    """A file of ``timeline/views/assets/``, as installed with the package."""
    return (importlib.resources.files("timeline.views") / "assets" / name).read_text(
        encoding="utf-8"
    )


def _script_safe(payload: str) -> str:
    """JSON that cannot end or change its ``<script>`` element, whatever text it holds:
    ``<``, ``>`` and ``&`` as JSON escapes (``</script>`` would end the element, and
    ``<!--<script>`` would keep a later ``</script>`` from ending it)."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
