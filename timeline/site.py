"""A self-contained static page of a race: its events as a timeline and its state on any day.

Pure: events in, the text of ``index.html`` out. No CDN, no fetch: the page's
style, script and data are inline, so it works from ``file://`` and offline.

Every state the page shows is computed here, by the replay, and embedded. The
state of a race (and the list of events that possibly already happened) changes
only on the days an event's possible dates begin or end, so the page embeds
the state on each of those days and, for any date, shows the one of the latest
such day on or before it: a look-up, not a second implementation of the rules
in JavaScript. ``tests/test_site.py`` opens the page in a real Chromium.
"""

from __future__ import annotations

import datetime
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.checkpoints import RaceIndex
from timeline.events import Citation, Dissent, Event
from timeline.fold import choose_race, replay_order, told_at
from timeline.query import possibly_already, superseded_by
from timeline.render import NO_SEEDS, state_to_json
from timeline.seeds import SeedRecord


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
        _PAGE.replace("{title}", html.escape(f"{office}: the race day by day"))
        .replace("{style}", _STYLE)
        .replace("{script}", _SCRIPT)
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
        record = seeds.get(c.document) if c.document else None
        return {
            "where": (
                f"{c.document}, {record.label}"
                if record and record.label
                else c.document or c.publisher
            ),
            "url": c.url,
            "published": c.published.text if c.published else None,
            "record": c.record,
            "quote": c.quote,
            "claim": c.claim if isinstance(c, Dissent) else None,
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


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
  <h1 id="title">{title}</h1>
  <form id="controls" onsubmit="return false">
    <button type="button" id="previous" title="The previous day something happened">&larr;</button>
    <label>Show the race on <input type="date" id="day" required></label>
    <button type="button" id="next" title="The next day something happened">&rarr;</button>
    <input type="range" id="slider" min="0" value="0" aria-label="Day">
  </form>
</header>
<main>
  <section id="state" aria-live="polite">
    <h2 id="state-title"></h2>
    <p id="summary"></p>
    <div id="grid" role="list"></div>
    <p class="legend"><span class="cell leader">NL</span> backs the leader
      <span class="cell other">NL</span> backs another candidate
      <span class="cell holdout">NL</span> holdout
      <span class="cell conditional">NL</span> with conditions</p>
    <h3>Candidates</h3>
    <ul id="candidates"></ul>
    <h3>Conditions</h3>
    <ul id="conditions"></ul>
    <div id="possibly"></div>
  </section>
  <section id="timeline">
    <h2>Events</h2>
    <ol id="events"></ol>
  </section>
</main>
<footer>Computed by <code>timeline site</code> from the event files: every state shown is the
replay's; each event quotes its sources.</footer>
<script id="data" type="application/json">{data}</script>
<script>{script}</script>
</body>
</html>
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd;
  padding: 0.5rem 1rem; z-index: 1; }
h1 { font-size: 1.3rem; margin: 0.2rem 0; }
#controls { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
#slider { flex: 1; min-width: 12rem; }
main { display: grid; grid-template-columns: minmax(20rem, 1fr) minmax(20rem, 1fr);
  gap: 1.5rem; padding: 1rem; }
@media (max-width: 50rem) { main { grid-template-columns: 1fr; } }
#grid { display: flex; flex-wrap: wrap; gap: 4px; }
.cell { display: inline-block; width: 2.6rem; padding: 0.35rem 0; text-align: center;
  border-radius: 4px; font-weight: 600; font-size: 0.85rem; background: #e6e6e6; }
.cell.leader { background: #2e7d32; color: #fff; }
.cell.other { background: #1565c0; color: #fff; }
.cell.holdout { background: #fff3e0; color: #b71c1c; outline: 3px solid #e65100; }
.cell.conditional { box-shadow: inset 0 -5px 0 #fbc02d; }
.legend .cell { width: 2rem; font-size: 0.7rem; margin-left: 0.6rem; }
#events li { margin-bottom: 0.8rem; }
#events li.later { opacity: 0.45; }
#events li.superseded .summary { text-decoration: line-through; }
.date { font-family: ui-monospace, monospace; color: #555; }
blockquote { margin: 0.3rem 0 0.1rem 1rem; padding-left: 0.6rem; border-left: 3px solid #ccc;
  color: #444; }
.source { font-size: 0.85rem; color: #666; margin: 0 0 0.3rem 1rem; }
.dissent { color: #8d1c1c; }
footer { padding: 1rem; color: #777; font-size: 0.85rem; }
"""

_SCRIPT = r"""
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const $ = (id) => document.getElementById(id);
const text = (tag, content, cls) => {
  const node = document.createElement(tag);
  node.textContent = content;
  if (cls) node.className = cls;
  return node;
};

// The embedded state on the latest change day on or before `day` (ISO dates sort as text).
function stateOn(day) {
  let low = 0, high = data.days.length - 1, found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (data.days[middle] <= day) { found = middle; low = middle + 1; } else { high = middle - 1; }
  }
  return found < 0 ? null : data.states[found];
}

function show(day) {
  const state = stateOn(day);
  $("day").value = day;
  const position = data.days.filter((d) => d <= day).length - 1;
  $("slider").value = Math.max(position, 0);
  if (location.hash !== "#" + day) history.replaceState(null, "", "#" + day);
  $("state-title").textContent = "On " + day;
  for (const id of ["grid", "candidates", "conditions", "possibly"]) $(id).replaceChildren();
  if (!state || !state.opened) {
    $("summary").textContent = "The race has not opened yet on this day.";
  } else {
    showState(state);
  }
  for (const item of $("events").children) {
    item.classList.toggle("later", item.dataset.countsFrom > day);
  }
}

function showState(state) {
  const leader = state.candidates.find((c) => c.id === state.leader);
  const backing = new Map();
  for (const candidate of state.candidates) {
    for (const backer of candidate.backers) backing.set(backer.member, [candidate, backer]);
  }
  const holdouts = new Set(state.holdouts);
  let summary = state.electorate_size + " members decide by " + state.rule + ". ";
  if (state.appointed) {
    summary += leader.name + " is appointed" +
      (state.takes_office ? ", taking office " + state.takes_office : "") + ". ";
  } else if (leader) {
    summary += "Leader: " + leader.name + " with " + leader.score + " of " +
      state.counted_of + " " + state.counted + (state.decided ? " (the rule is met). " : ". ");
  } else {
    summary += "No candidate has a backer yet. ";
  }
  summary += state.holdouts.length === 1 ? "One holdout: " + state.holdouts[0] + "." :
    state.holdouts.length ? state.holdouts.length + " holdouts." : "";
  $("summary").textContent = summary;
  for (const member of state.electorate) {
    const cell = text("span", member, "cell");
    cell.setAttribute("role", "listitem");
    cell.dataset.member = member;
    const entry = backing.get(member);
    let title = member;
    if (holdouts.has(member)) { cell.classList.add("holdout"); title += ": holdout"; }
    if (entry) {
      const [candidate, backer] = entry;
      if (leader && candidate.id === leader.id) cell.classList.add("leader");
      else cell.classList.add("other");
      title += " backs " + candidate.name;
      if (backer.conditions.length) {
        cell.classList.add("conditional");
        title += " on conditions: " + backer.conditions.join("; ");
      }
    }
    cell.title = title;
    $("grid").append(cell);
  }
  for (const candidate of state.candidates) {
    const unnamed = candidate.unnamed;
    const reported = !unnamed ? "" : "; reported besides: " +
      (unnamed.approximate ? "about " : "") +
      (unnamed.count !== null ? unnamed.count + " members" : unnamed.share + " of the members") +
      " not named";
    $("candidates").append(text("li", candidate.name + " (" + candidate.status + "): " +
      candidate.score + " " + state.counted + reported));
    for (const backer of candidate.backers) {
      for (const condition of backer.conditions) {
        $("conditions").append(text("li", backer.member + " backs " + candidate.name +
          " on condition: " + condition));
      }
    }
    for (const stated of candidate.stated_conditions) {
      for (const condition of stated.conditions) {
        $("conditions").append(text("li", stated.member + " (not backing " + candidate.name +
          ") asks, for " + stated.kind.replace("_", " ") + ": " + condition));
      }
    }
  }
  if (!$("conditions").children.length) $("conditions").append(text("li", "None stated."));
  if (state.possibly_already.length) {
    $("possibly").append(text("h3", "Possibly already, not yet counted"));
    const list = document.createElement("ul");
    for (const event of state.possibly_already) {
      list.append(text("li", event.date + ": " + event.summary));
    }
    $("possibly").append(list);
  }
}

function timeline() {
  for (const event of data.events) {
    const item = document.createElement("li");
    item.id = event.id;
    item.dataset.countsFrom = event.counts_from;
    if (event.superseded_by) item.classList.add("superseded");
    const head = document.createElement("p");
    const link = text("a", event.date, "date");
    link.href = "#" + event.counts_from;
    head.append(link, " ", text("span", event.summary, "summary"));
    if (event.superseded_by) {
      head.append(text("em", " (superseded by " + event.superseded_by + ")"));
    }
    item.append(head);
    for (const [kind, citations] of [["source", event.sources], ["dissent", event.dissent]]) {
      for (const citation of citations) {
        if (citation.claim) {
          item.append(text("p", "Reported otherwise: " + citation.claim, "dissent"));
        }
        if (citation.quote !== null) item.append(text("blockquote", citation.quote));
        else item.append(text("p", "Record: " + citation.record, "record"));
        const where = text("p", "", "source" + (kind === "dissent" ? " dissent" : ""));
        if (citation.url) {
          const anchor = text("a", citation.where);
          anchor.href = citation.url;
          where.append(anchor);
        } else {
          where.append(citation.where);
        }
        if (citation.published) where.append(", " + citation.published);
        item.append(where);
      }
    }
    $("events").append(item);
  }
}

function fromHash() {
  const day = decodeURIComponent(location.hash.slice(1));
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
}

timeline();
$("slider").max = Math.max(data.days.length - 1, 0);
$("slider").addEventListener("input", () => show(data.days[$("slider").value]));
$("day").addEventListener("change", () => { if ($("day").value) show($("day").value); });
$("previous").addEventListener("click", () => {
  const earlier = data.days.filter((d) => d < $("day").value);
  if (earlier.length) show(earlier[earlier.length - 1]);
});
$("next").addEventListener("click", () => {
  const later = data.days.find((d) => d > $("day").value);
  if (later) show(later);
});
window.addEventListener("hashchange", () => { const day = fromHash(); if (day) show(day); });
show(fromHash() || data.days[data.days.length - 1] || new Date().toISOString().slice(0, 10));
"""


def _script_safe(payload: str) -> str:
    """JSON that cannot end or change its ``<script>`` element, whatever text it holds:
    ``<``, ``>`` and ``&`` as JSON escapes (``</script>`` would end the element, and
    ``<!--<script>`` would keep a later ``</script>`` from ending it)."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
