"""Baseline figures for the core engine (issue 5 grows this into the full benchmark).

Run from the repository root:  python benchmarks/bench_core.py

Prints, on this machine:
1. load_repository on the real data (parse, check quotes, full replay);
2. the fold alone, in events per second, on synthetic endorsements;
3. `timeline state --at 2024-06-18` as a whole process, against Python importing
   attrs, cattrs, click and yaml (the ratio issue 5 bounds).
"""

from __future__ import annotations

import datetime
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timeline import (
    Candidacy,
    Citation,
    Endorsement,
    Event,
    Opening,
    RaceState,
    Rule,
    fold,
    load_repository,
    parse_date,
)

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ("AL", "BE", "BG", "CA", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR")


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _envelope(event_id: str, day: datetime.date) -> dict[str, Any]:
    source = (Citation(document="seeds/x.txt", quote="q"),)
    return {"id": event_id, "race": "r", "date": parse_date(day.isoformat()), "summary": "s",
            "sources": source}  # fmt: skip


def synthetic(n: int) -> list[Event]:
    """An opening, two candidacies, then ``n`` endorsements, 50 a day."""
    first = datetime.date(2020, 1, 1)
    events: list[Event] = [
        Opening(**_envelope("open", first), office="o", electorate=MEMBERS, rule=Rule.CONSENSUS),
        Candidacy(**_envelope("a", first), candidate="ann", name="Ann"),
        Candidacy(**_envelope("b", first), candidate="bob", name="Bob"),
    ]
    for i in range(n):
        day = first + datetime.timedelta(days=1 + i // 50)
        member = MEMBERS[i % len(MEMBERS)]
        candidate = "ann" if i % 3 else "bob"
        events.append(
            Endorsement(**_envelope(f"e{i}", day), members=(member,), candidate=candidate)
        )
    return events


def process(args: list[str]) -> float:
    def run() -> None:
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)

    run()  # warm the file cache
    return statistics.median(best_of(1, run) for _ in range(15))


def main() -> None:
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    load = best_of(5, lambda: load_repository(ROOT / "events"))
    files = len(list((ROOT / "events").rglob("*.yaml")))
    print(f"1. load_repository, real data ({files} events): {load * 1000:.1f} ms")
    for n in (10_000, 100_000):
        events = synthetic(n)
        seconds = best_of(3, lambda: fold(RaceState("r"), events))  # noqa: B023 - used at once, in this iteration
        print(f"2. fold of {n:,} events: {seconds:.3f} s = {n / seconds:,.0f} events/s")
    cli = process([sys.executable, "-m", "timeline", "state", "--at", "2024-06-18"])
    imports = process([sys.executable, "-c", "import attrs, cattrs, click, yaml"])
    print(
        f"3. timeline state --at 2024-06-18: {cli * 1000:.0f} ms; "
        f"import attrs, cattrs, click, yaml: {imports * 1000:.0f} ms; "
        f"ratio {cli / imports:.2f}"
    )


if __name__ == "__main__":
    main()
