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
