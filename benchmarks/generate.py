"""Generate a synthetic repository of valid event files, for benchmarks.

    python benchmarks/generate.py OUT_DIR --events N [--seed S] [--per-race 1000]

The real data is one race of a few dozen events; the benchmarks need 1,000 to 100,000.
This writes exactly N event files to OUT_DIR/events/synthetic-race-NNNN/ and the made-up
articles they quote to OUT_DIR/seeds/, over races of at most --per-race events each. Every
race looks like a real one: an opening, electorate changes, mentions and 2-6 candidacies,
many endorsements with backing moving between candidates, conditions, withdrawals, an
occasional retraction and correction, dates as exact days, months and intervals, and an
appointment at the end only when the decision rule is met. The data is valid:
`timeline validate` finds no error in it.

Each race is simulated while it is written (electorate, candidates, who backs whom), so
that every event fits the state the replay builds. Events get strictly increasing days;
a month or an interval is used only where it fits between its neighbours, so the replay
order is the order of generation. Each seed article covers 10-30 consecutive events of
one race and is published on or after the last day of every event it covers.

The output depends only on the arguments: one `random.Random(seed)`, no clock, no
iteration over sets. The YAML is formatted here, not dumped, for speed.
"""

from __future__ import annotations

import argparse
import calendar
import collections
import dataclasses
import datetime
import json
import math
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

#: Race ids are RACE_PREFIX plus a four-digit number.
RACE_PREFIX = "synthetic-race-"
#: Every race lies between these days (the days are in the past, and leave room to publish).
FIRST_DAY = datetime.date(2001, 1, 1)
LAST_DAY = datetime.date(2020, 12, 20)
#: The largest --per-race: one event a day must still fit between FIRST_DAY and LAST_DAY.
MAX_PER_RACE = 5000

#: Members (ISO 3166-1 alpha-2) and the names the articles use.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("AL", "Albania"), ("AM", "Armenia"), ("AR", "Argentina"), ("AT", "Austria"),
    ("AU", "Australia"), ("AZ", "Azerbaijan"), ("BA", "Bosnia and Herzegovina"),
    ("BE", "Belgium"), ("BG", "Bulgaria"), ("BR", "Brazil"), ("CA", "Canada"),
    ("CH", "Switzerland"), ("CL", "Chile"), ("CO", "Colombia"), ("CY", "Cyprus"),
    ("CZ", "Czechia"), ("DE", "Germany"), ("DK", "Denmark"), ("DZ", "Algeria"),
    ("EE", "Estonia"), ("EG", "Egypt"), ("ES", "Spain"), ("FI", "Finland"), ("FR", "France"),
    ("GB", "the United Kingdom"), ("GE", "Georgia"), ("GH", "Ghana"), ("GR", "Greece"),
    ("HR", "Croatia"), ("HU", "Hungary"), ("ID", "Indonesia"), ("IE", "Ireland"),
    ("IN", "India"), ("IS", "Iceland"), ("IT", "Italy"), ("JP", "Japan"), ("KE", "Kenya"),
    ("KR", "South Korea"), ("KZ", "Kazakhstan"), ("LI", "Liechtenstein"),
    ("LT", "Lithuania"), ("LU", "Luxembourg"), ("LV", "Latvia"), ("MA", "Morocco"),
    ("MD", "Moldova"), ("ME", "Montenegro"), ("MK", "North Macedonia"), ("MT", "Malta"),
    ("MX", "Mexico"), ("MY", "Malaysia"), ("NG", "Nigeria"), ("NL", "the Netherlands"),
    ("NO", "Norway"), ("NZ", "New Zealand"), ("PE", "Peru"), ("PH", "the Philippines"),
    ("PL", "Poland"), ("PT", "Portugal"), ("RO", "Romania"), ("RS", "Serbia"),
    ("SE", "Sweden"), ("SG", "Singapore"), ("SI", "Slovenia"), ("SK", "Slovakia"),
    ("SN", "Senegal"), ("TH", "Thailand"), ("TN", "Tunisia"), ("TR", "Turkey"),
    ("UA", "Ukraine"), ("US", "the United States"), ("UY", "Uruguay"), ("VN", "Vietnam"),
    ("ZA", "South Africa"),
)  # fmt: skip
NAMES = dict(COUNTRIES)

#: Given names and surnames, as (display, slug): names keep their spelling, ids are ASCII.
GIVEN = (
    ("Ana", "ana"), ("Jonas", "jonas"), ("Marta", "marta"), ("Pieter", "pieter"),
    ("Ingrid", "ingrid"), ("Tomás", "tomas"), ("Léa", "lea"), ("Mihai", "mihai"),
    ("Krišjānis", "krisjanis"), ("Sofía", "sofia"), ("Erik", "erik"), ("Nadia", "nadia"),
    ("Jørgen", "jorgen"), ("Elif", "elif"), ("Viktor", "viktor"), ("Aino", "aino"),
    ("Dario", "dario"), ("Zofia", "zofia"), ("Kwame", "kwame"), ("Yuki", "yuki"),
)  # fmt: skip
SURNAMES = (
    ("Novák", "novak"), ("Berg", "berg"), ("de Vries", "de-vries"), ("Kariņš", "karins"),
    ("Østergaard", "ostergaard"), ("Popescu", "popescu"), ("Moreau", "moreau"),
    ("Keller", "keller"), ("Łukasik", "lukasik"), ("Virtanen", "virtanen"),
    ("Rossi", "rossi"), ("Şahin", "sahin"), ("Horvat", "horvat"), ("Mensah", "mensah"),
    ("García", "garcia"), ("Tanaka", "tanaka"), ("Olsen", "olsen"), ("Kovač", "kovac"),
    ("Dimitrov", "dimitrov"), ("O'Neill", "o-neill"), ("Schmidt", "schmidt"),
    ("Lindqvist", "lindqvist"), ("Petrović", "petrovic"), ("Costa", "costa"),
)  # fmt: skip
TITLES = ("Secretary General", "Chair", "President", "Director-General", "High Representative")
BODIES = (
    "Northern Maritime Council", "Continental Trade Forum", "Alliance for Water Security",
    "Union of Port Authorities", "Commission on Arctic Fisheries", "Council of River States",
    "Organisation for Grid Cooperation", "Mountain Transit Compact",
)  # fmt: skip
ROLES = ("prime minister", "foreign minister", "finance minister", "central bank governor")
CITIES = ("Aberdeen", "Lisbon", "Tallinn", "Valletta", "Ljubljana", "Bergen", "Gdańsk")
TOPICS = ("coastal defence", "grid interconnection", "fisheries quotas", "rail corridors")
CONDITIONS = (
    "the secretariat stays in {city}",
    "the budget for {topic} is doubled",
    "a review of {topic} is held within a year",
    "{country} chairs the committee on {topic}",
    "the next deputy comes from a smaller member",
)

_DAY = datetime.timedelta(days=1)
# Text that YAML reads back as the same plain string (the loader reads no bools or numbers).
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\t]*")


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    plain = (
        _PLAIN.fullmatch(text) is not None
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
        and text not in ("null", "Null", "NULL", "~")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def listing(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def human(start: datetime.date, end: datetime.date, text: str) -> str:
    """How an article says when something happened: 'on 5 March 2010', 'in March 2010'."""
    if start == end:
        return f"on {start.day} {calendar.month_name[start.month]} {start.year}"
    if "/" not in text:
        return f"in {calendar.month_name[start.month]} {start.year}"
    last = f"{end.day} {calendar.month_name[end.month]} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"between {start.day} and {last}"
    if start.year == end.year:
        return f"between {start.day} {calendar.month_name[start.month]} and {last}"
    return f"between {start.day} {calendar.month_name[start.month]} {start.year} and {last}"


@dataclasses.dataclass
class Event:
    """One event of a race, before it is assigned to a seed article and written."""

    kind: str
    id: str
    start: datetime.date
    end: datetime.date
    date: str
    summary: str
    fields: list[str]  # the type's own fields, as YAML lines
    sentence: str  # what the article says; the quote
    note: str | None = None
    url: bool = False
    replacement: list[str] | None = None  # a correction's replacement, less its sources
    document: str = ""
    published: str = ""


@dataclasses.dataclass
class Candidate:
    """A person in the simulated race."""

    id: str
    name: str
    country: str
    status: str  # mentioned, declared or withdrawn


class Race:
    """One race, simulated while its events are generated, so each event fits the state."""

    def __init__(self, rng: random.Random, number: int, size: int) -> None:
        self.rng = rng
        self.number = number
        self.id = f"{RACE_PREFIX}{number:04d}"
        self.size = size
        self.events: list[Event] = []
        codes = [code for code, _ in COUNTRIES]
        rng.shuffle(codes)
        initial = rng.randint(20, 40)
        self.electorate = sorted(codes[:initial])
        # members that may join: never in the electorate, so a member that left never returns
        self.pool = codes[initial:]
        self.candidates: list[Candidate] = []
        # per member, its backings (event id, candidate id), oldest first; the last counts
        self.backing: dict[str, list[tuple[str, str]]] = {}
        self.current: dict[str, str] = {}  # the candidate each member backs now
        self.endorsements: list[tuple[Event, tuple[str, ...], Candidate]] = []
        self.superseded: set[str] = set()
        self.rule = "consensus" if rng.random() < 0.4 else "majority"
        self.title, self.body = rng.choice(TITLES), rng.choice(BODIES)
        self.office = f"{self.title} of the {self.body}"
        self.target: Candidate | None = None  # whom the final endorsements converge on
        self.remaining = size  # events still to generate, this one included
        span = 2 * size + 90
        latest_start = max(0, (LAST_DAY - FIRST_DAY).days - span)
        self.cursor = FIRST_DAY + datetime.timedelta(days=rng.randint(0, latest_start))

    # --- planning -----------------------------------------------------------------------

    def plan(self) -> list[str]:
        """The kind of event at each position; a planned event that does not fit the state
        when its turn comes becomes an endorsement."""
        rng, n = self.rng, self.size
        appoint = n >= 30 and rng.random() < 0.75
        # the last 16 events before an appointment gather the backing it needs (3 a time)
        free = n - 17 if appoint else n
        kinds = ["endorsement"] * n
        kinds[0] = "opening"
        if n == 1:
            return kinds
        taken = {0}

        def place(kind: str, low: int, high: int) -> int | None:
            low, high = max(1, low), min(free, max(high, low + 1))
            if low >= high:
                return None
            spot = rng.randrange(low, high)
            while spot in taken and spot < free:
                spot += 1
            if spot >= free:
                return None
            taken.add(spot)
            kinds[spot] = kind
            return spot

        count = rng.randint(2, 6) if n >= 40 else min(2, n - 1)
        for index in range(count):
            low, high = (1, 2) if index == 0 else (2, max(3, free * 2 // 5))
            if index > 0 and rng.random() < 0.4:
                mentioned = place("mention", low, high)
                if mentioned is not None and rng.random() < 0.6:
                    place("candidacy", mentioned + 1, free * 3 // 5)
            else:
                place("candidacy", low, high)
        for _ in range(rng.randint(0, count - 1) if n >= 40 else 0):
            place("withdrawal", free * 3 // 10, free * 17 // 20)
        for _ in range(min(6, 1 + n // 200) if n >= 20 else 0):
            place("electorate_change", 2, free)
        for kind in ("retraction", "correction"):
            for _ in range(max(1, n // 500) if n >= 40 else 0):
                place(kind, free // 5, free)
        for position in range(1, free):
            if position not in taken and rng.random() < 0.04:
                kinds[position] = "condition"
        if appoint:
            kinds[free:-1] = ["converge"] * (n - 1 - free)
            kinds[-1] = "appointment"
        return kinds

    def generate(self) -> list[Event]:
        """All events of the race, in replay order."""
        makers: dict[str, Callable[[], Event | None]] = {
            "opening": self.make_opening,
            "electorate_change": self.make_electorate_change,
            "mention": self.make_mention,
            "candidacy": self.make_candidacy,
            "condition": self.make_condition,
            "endorsement": self.make_endorsement,
            "withdrawal": self.make_withdrawal,
            "retraction": self.make_retraction,
            "correction": self.make_correction,
            "converge": self.make_converge,
            "appointment": self.make_appointment,
        }
        for position, kind in enumerate(self.plan()):
            self.remaining = self.size - position
            self.events.append(makers[kind]() or self.make_endorsement())
        return self.events

    # --- dates and ids ------------------------------------------------------------------

    def slot(self, vague: bool = True) -> tuple[datetime.date, datetime.date, str]:
        """The next free days: (earliest, latest, date as written), after every earlier
        event's latest day, leaving at least a day for each event still to come."""
        rng = self.rng
        avail = (LAST_DAY - self.cursor).days
        pace = avail / self.remaining
        gaps = (1, 1, 2, 2, 3, 4) if pace >= 3 else (1, 1, 1, 2, 2, 3) if pace >= 1.8 else (1,)
        start = self.cursor + rng.choice(gaps) * _DAY
        end, text = start, start.isoformat()
        roll = rng.random()
        if vague and pace >= 1.8 and roll < 0.01:
            first = start if start.day == 1 else (start.replace(day=28) + 4 * _DAY).replace(day=1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            start, end, text = first, last, first.isoformat()[:7]
        elif vague and pace >= 1.5 and roll < 0.06:
            end = start + rng.randint(1, 5) * _DAY
            text = f"{start.isoformat()}/{end.isoformat()}"
        if (LAST_DAY - end).days < self.remaining - 1:  # no room left: the next day, exactly
            start = end = self.cursor + _DAY
            text = start.isoformat()
        self.cursor = end
        return start, end, text

    def event(
        self,
        kind: str,
        what: str,
        summary: str,
        fields: list[str],
        sentence: str,
        vague: bool = True,
    ) -> Event:
        start, end, text = self.slot(vague)
        when = human(start, end, text)
        note = None
        if "/" in text:
            note = "The report gives only the days between which it happened."
        elif start != end:
            note = "The report gives only the month."
        return Event(
            kind=kind,
            id=f"r{self.number:04d}-{text.replace('/', '-')}-{what}",
            start=start,
            end=end,
            date=text,
            summary=summary,
            fields=fields,
            sentence=sentence.replace("{when}", when),
            note=note,
            url=self.rng.random() < 0.05,
        )

    # --- the simulated state ------------------------------------------------------------

    def active(self) -> list[Candidate]:
        return [c for c in self.candidates if c.status != "withdrawn"]

    def back(self, member: str, event_id: str, candidate_id: str) -> None:
        self.backing.setdefault(member, []).append((event_id, candidate_id))
        self.current[member] = candidate_id

    def unback(self, member: str, event_id: str) -> None:
        """Forget one backing, as the replay does once the event is retracted."""
        stack = [b for b in self.backing.get(member, []) if b[0] != event_id]
        self.backing[member] = stack
        if stack:
            self.current[member] = stack[-1][1]
        else:
            self.current.pop(member, None)

    def backs(self, member: str) -> str | None:
        return self.current.get(member)

    def backers(self, candidate: Candidate) -> list[str]:
        return [m for m in self.electorate if self.current.get(m) == candidate.id]

    def meets_rule(self, candidate: Candidate) -> bool:
        backing, size = len(self.backers(candidate)), len(self.electorate)
        return backing == size if self.rule == "consensus" else 2 * backing > size

    def person(self) -> tuple[str, str, str]:
        """A new candidate: (id, name, country)."""
        known = {c.id for c in self.candidates}
        while True:
            given, given_slug = self.rng.choice(GIVEN)
            surname, surname_slug = self.rng.choice(SURNAMES)
            slug = f"{given_slug}-{surname_slug}"
            if slug not in known:
                return slug, f"{given} {surname}", self.rng.choice(self.electorate)

    def condition_texts(self) -> list[str]:
        rng = self.rng
        return [
            rng.choice(CONDITIONS).format(
                city=rng.choice(CITIES),
                topic=rng.choice(TOPICS),
                country=NAMES[rng.choice(self.electorate)],
            )
            for _ in range(1 if rng.random() < 0.8 else 2)
        ]

    # --- one method per kind of event ---------------------------------------------------

    def make_opening(self) -> Event:
        rng = self.rng
        codes = self.electorate
        rows = [", ".join(codes[i : i + 20]) for i in range(0, len(codes), 20)]
        electorate = (",\n" + " " * 13).join(rows)
        fields = [f"office: {scalar(self.office)}", f"electorate: [{electorate}]"]
        fields.append(f"rule: {self.rule}")
        how = "by consensus" if self.rule == "consensus" else "by a simple majority"
        sentence = (
            f"The {len(codes)} members of the {self.body} opened the race for its {self.title}"
            f" {{when}}; the post is filled {how}."
        )
        if rng.random() < 0.6:
            _, incumbent, _ = self.person()
            fields.append(f"incumbent: {scalar(incumbent)}")
            sentence += f" {incumbent} holds it until then."
        event = self.event(
            "opening", "race-opens", f"The race for {self.office} opens", fields, sentence, False
        )
        if rng.random() < 0.5:
            vacancy = event.end + rng.randint(365, 1500) * _DAY
            event.fields.append(f"vacancy: {vacancy.isoformat()}")
        return event

    def make_electorate_change(self) -> Event | None:
        rng = self.rng
        left = rng.sample(self.electorate, rng.randint(1, 2)) if len(self.electorate) > 14 else []
        left = left if rng.random() < 0.5 else []
        room = min(len(self.pool), 45 - len(self.electorate) + len(left))
        joined = self.pool[: min(room, rng.randint(1, 2))] if not left or rng.random() < 0.3 else []
        if not left and not joined:
            return None
        del self.pool[: len(joined)]
        joined, left = sorted(joined), sorted(left)
        fields: list[str] = []
        parts: list[str] = []  # what the article says
        now: list[str] = []  # the summary, in the present tense
        whats: list[str] = []
        for field, members, past, present in (
            ("joined", joined, "joined", "join"),
            ("left", left, "left", "leave"),
        ):
            if members:
                names = listing([NAMES[m] for m in members])
                fields.append(f"{field}: [{', '.join(members)}]")
                parts.append(f"{names} {past}")
                now.append(f"{names} {present}{'s' if len(members) == 1 else ''}")
                whats.append(f"{'-'.join(members).lower()}-{present}")
        for member in left:
            self.electorate.remove(member)
            self.backing.pop(member, None)
            self.current.pop(member, None)
        self.electorate = sorted(self.electorate + joined)
        text, summary = " and ".join(parts), " and ".join(now)
        return self.event(
            "electorate_change",
            "-".join(whats),
            f"{summary[0].upper()}{summary[1:]} the {self.body}",
            fields,
            f"{text[0].upper()}{text[1:]} the {self.body} {{when}}.",
        )

    def make_mention(self) -> Event:
        slug, name, country = self.person()
        self.candidates.append(Candidate(slug, name, country, "mentioned"))
        role = self.rng.choice(ROLES)
        return self.event(
            "mention",
            f"{slug}-mentioned",
            f"{name} is named as a possible candidate",
            [f"candidate: {slug}", f"name: {scalar(name)}", f"country: {country}"],
            f"{name}, a former {role} of {NAMES[country]}, was named {{when}} as a possible"
            f" candidate for {self.office}.",
        )

    def make_candidacy(self) -> Event:
        mentioned = [c for c in self.candidates if c.status == "mentioned"]
        if mentioned and self.rng.random() < 0.7:
            candidate = mentioned[0]
        else:
            candidate = Candidate(*self.person(), "mentioned")
            self.candidates.append(candidate)
        candidate.status = "declared"
        fields = [f"candidate: {candidate.id}", f"name: {scalar(candidate.name)}"]
        fields.append(f"country: {candidate.country}")
        country = NAMES[candidate.country]
        sentence = f"{candidate.name} of {country} entered the race {{when}}."
        put_forward = candidate.country in self.electorate and self.rng.random() < 0.5
        if put_forward:
            fields.append(f"put_forward_by: {candidate.country}")
            sentence = f"{country} put forward {candidate.name} {{when}}."
        event = self.event(
            "candidacy",
            f"{candidate.id}-candidacy",
            f"{candidate.name} enters the race",
            fields,
            sentence,
        )
        if put_forward:  # the member backs its candidate from this date
            self.back(candidate.country, event.id, candidate.id)
        return event

    def make_condition(self) -> Event | None:
        rng = self.rng
        active = self.active()
        if not active:
            return None
        member, candidate = rng.choice(self.electorate), rng.choice(active)
        kind = rng.choice(("support", "not_blocking"))
        texts = self.condition_texts()
        fields = [f"member: {member}", f"candidate: {candidate.id}", f"kind: {kind}"]
        fields += ["conditions:", *(f"  - {scalar(t)}" for t in texts)]
        verb = "support" if kind == "support" else "not block"
        return self.event(
            "condition",
            f"{member.lower()}-conditions-on-{candidate.id}",
            f"{NAMES[member]} sets conditions on {candidate.name}",
            fields,
            f"{NAMES[member]} said {{when}} that it would {verb} {candidate.name} only if"
            f" {' and '.join(texts)}.",
        )

    def make_endorsement(
        self, members: Sequence[str] = (), candidate: Candidate | None = None
    ) -> Event:
        rng = self.rng
        if candidate is None:
            active = self.active()
            tally = collections.Counter(self.current.values())
            weights = [2 + math.isqrt(tally[c.id]) for c in active]
            candidate = rng.choices(active, weights)[0]
        if not members:
            others = [m for m in self.electorate if self.current.get(m) != candidate.id]
            wanted = rng.choice((1, 1, 1, 1, 2, 2, 3))
            members = rng.sample(others or self.electorate, min(wanted, len(others) or 1))
        members = sorted(members)
        texts = self.condition_texts() if rng.random() < 0.08 else []
        fields = [f"members: [{', '.join(members)}]", f"candidate: {candidate.id}"]
        if texts:
            fields += ["conditions:", *(f"  - {scalar(t)}" for t in texts)]
        names = listing([NAMES[m] for m in members])
        codes = "-".join(members).lower()
        proviso = f", provided that {' and '.join(texts)}" if texts else ""
        before = self.backs(members[0])
        if len(members) == 1 and before is not None and before != candidate.id:
            what, verb = f"{codes}-switches-to-{candidate.id}", "switches its support to"
            sentence = f"{names} switched its support to {candidate.name} {{when}}{proviso}."
        else:
            what, verb = f"{codes}-back-{candidate.id}", "back" if len(members) > 1 else "backs"
            pronoun = "they back" if len(members) > 1 else "it backs"
            sentence = f"{names} said {{when}} that {pronoun} {candidate.name}{proviso}."
        event = self.event(
            "endorsement", what, f"{names} {verb} {candidate.name}", fields, sentence
        )
        for member in members:
            self.back(member, event.id, candidate.id)
        self.endorsements.append((event, tuple(members), candidate))
        return event

    def make_withdrawal(self) -> Event | None:
        active = self.active()
        if len(active) < 2:
            return None
        candidate = min(active, key=lambda c: len(self.backers(c)))
        candidate.status = "withdrawn"
        return self.event(
            "withdrawal",
            f"{candidate.id}-withdraws",
            f"{candidate.name} withdraws from the race",
            [f"candidate: {candidate.id}"],
            f"{candidate.name} withdrew from the race for {self.office} {{when}}.",
        )

    def supersedable(self) -> tuple[Event, tuple[str, ...], Candidate] | None:
        """A recent endorsement not yet retracted or corrected."""
        recent = [e for e in self.endorsements[-200:] if e[0].id not in self.superseded]
        if not recent:
            return None
        chosen = self.rng.choice(recent)
        self.superseded.add(chosen[0].id)
        return chosen

    def make_retraction(self) -> Event | None:
        chosen = self.supersedable()
        if chosen is None:
            return None
        target, members, candidate = chosen
        for member in members:
            if member in self.backing:  # members that left have no backing to forget
                self.unback(member, target.id)
        names = listing([NAMES[m] for m in members])
        when = human(target.start, target.end, target.date)
        return self.event(
            "retraction",
            f"retracts-{target.id.partition('-')[2]}",
            f"The report that {names} backed {candidate.name} is withdrawn",
            [
                f"retracts: {target.id}",
                "reason: The report confused the delegations; no such backing was given.",
            ],
            f"The {self.body} said {{when}} that the report of {names} backing"
            f" {candidate.name} {when} was mistaken.",
        )

    def make_correction(self) -> Event | None:
        chosen = self.supersedable()
        if chosen is None:
            return None
        target, members, candidate = chosen
        texts = self.condition_texts()
        names = listing([NAMES[m] for m in members])
        verb = "back" if len(members) > 1 else "backs"
        replacement = [
            "type: endorsement",
            f"date: {target.date}",
            f"summary: {scalar(f'{names} {verb} {candidate.name} on conditions')}",
            f"members: [{', '.join(members)}]",
            f"candidate: {candidate.id}",
            "conditions:",
            *(f"  - {scalar(t)}" for t in texts),
        ]
        when = human(target.start, target.end, target.date)
        event = self.event(
            "correction",
            f"corrects-{target.id.partition('-')[2]}",
            f"The conditions of {names} on backing {candidate.name} are recorded",
            [
                f"corrects: {target.id}",
                "reason: The first report left out the conditions attached to the backing.",
            ],
            f"A corrected account says {{when}} that the backing of {candidate.name} by {names}"
            f" {when} came on condition that {' and '.join(texts)}.",
        )
        event.replacement = replacement
        return event

    def make_converge(self) -> Event:
        """One of the last events before an appointment: the holdouts come round."""
        if self.target is None or self.target.status == "withdrawn":
            active = self.active()
            self.target = max(active, key=lambda c: len(self.backers(c)))
        backing, size = len(self.backers(self.target)), len(self.electorate)
        needed = size - backing if self.rule == "consensus" else max(0, size // 2 + 1 - backing)
        holdouts = [m for m in self.electorate if self.backs(m) != self.target.id]
        if needed:
            return self.make_endorsement(holdouts[: min(3, needed)], self.target)
        backers = self.backers(self.target)  # nothing to gain: a backer reaffirms
        return self.make_endorsement(self.rng.sample(backers, 1), self.target)

    def make_appointment(self) -> Event | None:
        target = self.target
        if target is None or target.status == "withdrawn" or not self.meets_rule(target):
            return None
        event = self.event(
            "appointment",
            f"{target.id}-appointed",
            f"{target.name} is appointed {self.office}",
            [f"candidate: {target.id}"],
            f"The members appointed {target.name} {self.office} {{when}}.",
            False,
        )
        if self.rng.random() < 0.7:
            takes_office = event.end + self.rng.randint(20, 120) * _DAY
            event.fields.append(f"takes_office: {takes_office.isoformat()}")
            taking = human(takes_office, takes_office, takes_office.isoformat())
            event.sentence = f"{event.sentence[:-1]}, taking office {taking}."
        return event


def publish(rng: random.Random, race: Race) -> dict[str, str]:
    """Assign the race's events to seed articles; return {document name: its text}.

    Each article covers 10-30 consecutive events; one to three consecutive articles
    appear together, on (or in an interval ending on) a day on or after the last day of
    every event they cover, so a race has a few dozen publication days at most.
    """
    events = race.events
    batches: list[list[Event]] = []
    position = 0
    while position < len(events):
        step = rng.randint(10, 30)
        batches.append(events[position : position + step])
        position += step
    documents: dict[str, str] = {}
    index = 0
    day = FIRST_DAY
    while index < len(batches):
        issue = batches[index : index + rng.randint(1, 3)]
        # never before an earlier issue: what is known on a day is a prefix of the race
        last = max(e.end for batch in issue for e in batch)
        day = max(day, last + rng.randint(0, 3) * _DAY)
        published = day.isoformat()
        if rng.random() < 0.25:
            published = f"{(day - rng.randint(1, 4) * _DAY).isoformat()}/{published}"
        for batch in issue:
            index += 1
            name = f"{race.id}-{index:03d}"
            header = (
                f"SYNTHETIC WIRE, report {index} on {race.id}"
                " (made-up text for the timeline benchmarks)"
            )
            documents[name] = "\n\n".join([header, *(e.sentence for e in batch)]) + "\n"
            for event in batch:
                event.document, event.published = f"seeds/{name}.txt", published
    return documents


def render(race: Race, event: Event) -> str:
    """The event file's text, fields in the documented order."""
    quote = scalar(event.sentence)
    document = [
        f"  - document: {event.document}",
        f"    published: {event.published}",
        f"    quote: {quote}",
    ]
    sources = ["sources:", *document]
    if event.url:
        sources += [
            f"  - url: https://wire.example.org/{race.id}/{event.id}",
            "    publisher: Synthetic Wire (made up)",
            f"    quote: {quote}",
        ]
    lines = [
        f"type: {event.kind}",
        f"id: {event.id}",
        f"race: {race.id}",
        f"date: {event.date}",
        f"summary: {scalar(event.summary)}",
        *event.fields,
    ]
    if event.replacement is not None:
        lines += ["replacement:", *(f"  {line}" for line in event.replacement)]
        lines += ["  sources:", *(f"  {line}" for line in document)]
    lines += sources
    if event.note is not None:
        lines.append(f"note: {scalar(event.note)}")
    return "\n".join(lines) + "\n"


def race_sizes(events: int, per_race: int) -> list[int]:
    """Sizes of ``ceil(events / per_race)`` races, as equal as can be, summing to ``events``."""
    count = max(1, math.ceil(events / per_race))
    return [events // count + (1 if i < events % count else 0) for i in range(count)]


def generate(out: Path, events: int, seed: int = 0, per_race: int = 1000) -> int:
    """Write ``events`` event files and their seed articles under ``out``; return the number
    of files written (event files plus seed documents).

    Raise ``FileExistsError`` if ``out/events`` exists and is not empty, and ``ValueError``
    for sizes it cannot generate.
    """
    if events < 1 or not 1 <= per_race <= MAX_PER_RACE:
        raise ValueError(f"need events >= 1 and 1 <= per_race <= {MAX_PER_RACE}")
    events_dir, seeds_dir = out / "events", out / "seeds"
    if events_dir.is_dir() and any(events_dir.iterdir()):
        raise FileExistsError(f"{events_dir} already exists and is not empty")
    rng = random.Random(seed)
    seeds_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for number, size in enumerate(race_sizes(events, per_race), start=1):
        race = Race(rng, number, size)
        race.generate()
        documents = publish(rng, race)
        race_dir = events_dir / race.id
        race_dir.mkdir(parents=True)
        for name, text in documents.items():
            with open(f"{seeds_dir}/{name}.txt", "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
        for event in race.events:
            with open(f"{race_dir}/{event.id}.yaml", "w", encoding="utf-8", newline="\n") as file:
                file.write(render(race, event))
        written += len(documents) + len(race.events)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="where to write events/, seeds/")
    parser.add_argument("--events", type=int, required=True, help="how many event files")
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    parser.add_argument(
        "--per-race", type=int, default=1000, help="events per race at most (default 1000)"
    )
    args = parser.parse_args(argv)
    try:
        files = generate(args.out, args.events, args.seed, args.per_race)
    except (FileExistsError, ValueError) as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.events} event files and {files - args.events} seed documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
