"""The performance benchmark: every figure of docs/performance.md, measured side by side.

Run from the repository root, in a virtual environment with the ``bench`` extra::

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/run.py            # about 5 minutes on 2 cores

It generates synthetic repositories of 1,000, 10,000 and 100,000 events
(``benchmarks/generate.py``, seed 0) under ``--work`` (reused when already
there), then measures, on the same files in one run:

1. a cold load (parse, build, check everything; no cache) against PyYAML's C
   loader alone reading and parsing the same files, in one process and with
   the default worker processes;
2. ``timeline state`` on the largest repository as a whole process, warm
   (through the cache), against Python importing attrs, cattrs, click and yaml;
3. the fold in-process, in events per second, against the ``eventsourcing``
   library rebuilding an aggregate from the same events;
4. the state at 1,000 random (race, date) pairs after one load: full replays
   against the checkpoint index;
5. the peak memory (largest resident set of any process) of a cold load of the
   largest repository, without and with writing the cache, and of a warm run;
6. ``timeline state --at 2024-06-18`` on the real data as a whole process,
   against the same bare imports;
7. the edit loop (``validate`` and ``state`` after an edit of one file) and
   ``validate`` from cold against a cold load alone;
8. ``timeline export --format parquet`` of 100,000 and 1,000,000 events after a
   ``validate`` (time, peak memory; SQLite too at 100,000), and one race's state on
   every day as one DuckDB query over the files against ``timeline state`` in a loop.

Figures vary with the machine and its load: compare the ratios, measured in
the same run, and read the absolute figures with the machine they came from.
This is a benchmark, not a test: it prints figures and fails only if the
engine gives a wrong answer.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml
from generate import generate
from timing import best_of

from timeline import (
    Ballot,
    Candidacy,
    Citation,
    Endorsement,
    Event,
    Opening,
    RaceState,
    Rule,
    Tally,
    parse_date,
    replay,
    state_at,
    told_at,
)
from timeline.engine.checkpoints import RaceIndex
from timeline.model.events import as_members
from timeline.model.rules import Base
from timeline.storage.fingerprint import RACY_NS
from timeline.storage.load import check_repository

ROOT = Path(__file__).resolve().parent.parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BARE_IMPORTS = "import attrs, cattrs, click, yaml"


def median_process(command: Sequence[str], runs: int, env: dict[str, str] | None = None) -> float:
    """The median wall time of ``runs`` runs of ``command`` as a whole process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    commands: Sequence[Sequence[str]], runs: int, env: dict[str, str] | None = None
) -> list[float]:
    """The median wall time of each command, run in turn ``runs`` times: a machine whose
    load drifts during the measurement slows every command alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for command, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def peak_rss_mb(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """The largest resident set of any process ``command`` starts (itself or a worker)."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, env=env
    )
    kilobytes = int(result.stdout)  # Linux reports KiB (macOS bytes: divide again there)
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 2**20


def timeline_command() -> list[str]:
    """The installed ``timeline`` script beside this Python, as the README runs it."""
    script = Path(sys.executable).with_name("timeline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "timeline"]


class Report:
    """Figures as they are measured, then the table for docs/performance.md."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, figure: str, target: str = "") -> None:
        print(f"  {what}: {figure}" + (f"   (target: {target})" if target else ""), flush=True)
        self.rows.append((what, figure, target))

    def table(self) -> str:
        lines = ["| what | figure | target |", "|---|---|---|"]
        lines += [f"| {what} | {figure} | {target} |" for what, figure, target in self.rows]
        return "\n".join(lines)


def prepared(work: Path, size: int, seed: int) -> Path:
    """The events directory of a generated repository of ``size`` events."""
    out = work / f"{size}-seed{seed}"
    if not (out / "complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        generate(out, size, seed)
        (out / "complete").write_text("generated\n")
        print(f"  generated {size:,} events in {time.perf_counter() - start:.1f} s", flush=True)
    return out / "events"


def c_loader_alone(paths: list[Path]) -> None:
    for path in paths:
        with open(path, "rb") as file:
            yaml.load(file, Loader=LOADER)


def load(events_dir: Path, workers: int | None = None) -> object:
    """A cold load as ``timeline`` does one: every file read and checked, errors only."""
    return check_repository(events_dir, workers=workers, warnings=False)


def cold_loads(report: Report, events_dirs: dict[int, Path], rounds: int) -> None:
    print("1. cold load against PyYAML's C loader alone", flush=True)
    for size, events_dir in events_dirs.items():
        paths = sorted(events_dir.rglob("*.yaml"))
        tries = rounds if size <= 10_000 else 1
        baseline = best_of(tries, lambda: c_loader_alone(paths))  # noqa: B023
        # what a load does (load_repository): errors only; validate also looks for warnings
        one = best_of(tries, lambda: load(events_dir, workers=1))  # noqa: B023
        default = best_of(tries, lambda: load(events_dir))  # noqa: B023
        report.add(
            f"cold load, {size:,} events: C loader alone / timeline 1 process / default",
            f"{baseline:.2f} s / {one:.2f} s ({one / baseline:.2f}x) /"
            f" {default:.2f} s ({default / baseline:.2f}x)",
            "at most 1.25x the C loader",
        )


def warm_state(report: Report, events_dir: Path, work: Path, runs: int) -> None:
    print("2. warm `timeline state` on the largest repository", flush=True)
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)}
    race = sorted(p.name for p in events_dir.iterdir())[len(list(events_dir.iterdir())) // 2]
    command = [*timeline_command(), "state", "--events", str(events_dir), "--race", race]
    command += ["--at", "2015-06-30"]
    cold = median_process(command, 1, env)
    time.sleep(RACY_NS / 1e9)  # files written within this of the cache are checked by content
    warm, bare = interleaved([command, [sys.executable, "-c", BARE_IMPORTS]], runs, env)
    size = sum(1 for _ in events_dir.rglob("*.yaml"))
    report.add(
        f"`timeline state`, {size:,} events, whole process: first run (writes the cache)",
        f"{cold:.2f} s",
    )
    report.add(
        f"`timeline state`, {size:,} events, whole process, warm (median of {runs})",
        f"{warm:.2f} s; bare imports {bare:.2f} s",
        "at most 0.6 s",
    )


def fold_speed(report: Report, events: Sequence[Event]) -> dict[str, list[Event]]:
    print("3. the fold in-process, against eventsourcing", flush=True)
    by_race: dict[str, list[Event]] = {}
    for event in events:
        by_race.setdefault(event.race, []).append(event)
    told = {race: told_at(mine, datetime.date.max, race) for race, mine in by_race.items()}
    total = sum(len(history) for history in told.values())

    def fold_all() -> None:
        for race, history in told.items():
            replay(RaceState(race), history)

    seconds = best_of(3, fold_all)
    report.add(
        f"fold, {total:,} events in {len(told)} races (sorted already)",
        f"{total / seconds:,.0f} events/s",
        "at least 1,000,000 events/s",
    )
    try:
        import es_baseline
    except ImportError:
        report.add("eventsourcing replay", "skipped: pip install -e '.[bench]'")
        return by_race
    domain = {race: es_baseline.to_domain_events(history) for race, history in told.items()}
    for race in list(told)[:5]:  # the baseline does the same work: same states
        expected = es_baseline.fold_summary(told[race])
        if es_baseline.summary(es_baseline.replay(domain[race])) != expected:
            raise SystemExit(f"eventsourcing and the fold disagree on {race}")
    for label, rebuild in (
        ("project_aggregate, as Repository.get", es_baseline.replay),
        ("mutate loop, without its per-event assert", es_baseline.replay_mutate),
    ):
        theirs = best_of(3, lambda: [rebuild(d) for d in domain.values()])  # noqa: B023
        report.add(
            f"eventsourcing {es_baseline.version()} {label}",
            f"{total / theirs:,.0f} events/s; the fold is {theirs / seconds:.1f}x faster",
        )
    return by_race


def ballot_cost(report: Report) -> None:
    """A roll call of 434 votes against 434 endorsements of one member each (issue 14's
    bound: a ballot costs no more than as many endorsements), in one race of 434 members."""
    print("3b. a ballot of 434 votes against 434 endorsements", flush=True)
    members = [f"M{i:06d}" for i in range(434)]
    source = (Citation(url="https://example.org/roll", publisher="Clerk", record="roll 1"),)

    def envelope(event_id: str) -> dict[str, object]:
        return {"id": event_id, "race": "r", "date": parse_date("2023-01-03"),
                "summary": "s", "sources": source}  # fmt: skip

    opening = Opening(
        **envelope("a-opens"),  # type: ignore[arg-type]
        office="Speaker",
        electorate=as_members(members),
        rule=Rule(threshold="more than 1/2", of=Base.VOTES),
    )
    entries = [
        Candidacy(**envelope(f"b-{c}-runs"), candidate=c, name=c)  # type: ignore[arg-type]
        for c in ("ann", "bo")
    ]
    ballot = Ballot(
        **envelope("c-ballot"),  # type: ignore[arg-type]
        number=1,
        votes=(
            Tally(candidate="ann", members=tuple(members[:217])),
            Tally(candidate="bo", members=tuple(members[217:])),
        ),
    )
    endorsements = [
        Endorsement(
            **envelope(f"c-{i:04d}"),  # type: ignore[arg-type]
            members=(member,),
            candidate="ann" if i < 217 else "bo",
        )
        for i, member in enumerate(members)
    ]
    head = [opening, *entries]
    base = best_of(15, lambda: replay(RaceState("r"), head))
    by_ballot = best_of(15, lambda: replay(RaceState("r"), [*head, ballot])) - base
    by_endorsements = best_of(15, lambda: replay(RaceState("r"), [*head, *endorsements])) - base
    report.add(
        "a ballot of 434 votes / 434 endorsements, replayed (the opening's cost taken off)",
        f"{by_ballot * 1e6:,.0f} µs / {by_endorsements * 1e6:,.0f} µs:"
        f" {by_ballot / by_endorsements:.2f}x",
        "at most 1x",
    )


def random_dates(report: Report, by_race: dict[str, list[Event]], seed: int) -> None:
    print("4. the state at 1,000 random dates after one load", flush=True)
    rng = random.Random(seed)
    races = sorted(by_race)
    queries = []
    for _ in range(1000):
        race = rng.choice(races)
        days = [e.date.latest for e in by_race[race]]
        first, last = min(days), max(days)
        queries.append((race, first + datetime.timedelta(rng.randint(0, (last - first).days))))
    start = time.perf_counter()
    full = [state_at(by_race[race], day, race) for race, day in queries]
    replays = time.perf_counter() - start
    start = time.perf_counter()
    indexes = {race: RaceIndex(by_race[race], race).prepare() for race in races}
    built = time.perf_counter() - start
    start = time.perf_counter()
    indexed = [indexes[race].state_at(day) for race, day in queries]
    answered = time.perf_counter() - start
    if full != indexed:
        raise SystemExit("the checkpoint index disagrees with full replays")
    per_race = statistics.mean(len(events) for events in by_race.values())
    report.add(
        f"1,000 random (race, date) states, races of {per_race:,.0f} events: full replays",
        f"{replays:.2f} ms each",  # 1,000 queries: seconds in all = milliseconds each
    )
    report.add(
        "the same from checkpoints (every version of every race indexed first)",
        f"{answered:.3f} ms each ({replays / answered:.1f}x faster);"
        f" building the indexes {built:.2f} s",
    )


def memory(report: Report, events_dir: Path, work: Path) -> None:
    print("5. peak memory", flush=True)
    cache = work / "cache-memory"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)}
    race = sorted(p.name for p in events_dir.iterdir())[0]
    command = [*timeline_command(), "state", "--events", str(events_dir), "--race", race]
    command += ["--at", "2015-06-30"]
    size = sum(1 for _ in events_dir.rglob("*.yaml"))
    no_cache = peak_rss_mb([timeline_command()[0], "--no-cache", *command[1:]], env)
    writing = peak_rss_mb(command, env)
    time.sleep(RACY_NS / 1e9)
    warm = peak_rss_mb(command, env)
    report.add(
        f"peak memory, {size:,} events: cold without cache / cold writing the cache / warm",
        f"{no_cache:.0f} MB / {writing:.0f} MB / {warm:.0f} MB",
        "at most 300 MB",
    )
    # A contributor edits one file: the cache re-reads it and rewrites that race's file.
    edited = sorted((events_dir / race).glob("*.yaml"))[len(race) % 7]
    original = edited.read_bytes()
    try:
        edited.write_bytes(original + b"# edited by benchmarks/run.py\n")
        time.sleep(RACY_NS / 1e9)
        start = time.perf_counter()
        after_edit = peak_rss_mb(command, env)
        seconds = time.perf_counter() - start
    finally:
        edited.write_bytes(original)
    report.add(
        f"`timeline state`, {size:,} events, after an edit of one file: time / peak memory",
        f"{seconds:.1f} s / {after_edit:.0f} MB",
        "at most 300 MB",
    )


def edit_loop(report: Report, events_dir: Path, work: Path, runs: int) -> None:
    """The pre-commit loop: edit one file, then ``validate`` and ``state`` through the
    cache; and ``validate`` from cold (what CI runs) against a cold load alone."""
    print("7. the edit loop, and validate from cold", flush=True)
    cache = work / "cache-edit"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)}
    race = sorted(p.name for p in events_dir.iterdir())[1]
    validate = [*timeline_command(), "validate", "--events", str(events_dir)]
    state = [*timeline_command(), "state", "--events", str(events_dir), "--race", race]
    state += ["--at", "2015-06-30"]
    size = sum(1 for _ in events_dir.rglob("*.yaml"))
    cold_validate, cold_load = interleaved(  # three each: one run of 15 s varies by seconds
        [[validate[0], "--no-cache", *validate[1:]], [state[0], "--no-cache", *state[1:]]],
        3,
        env,
    )
    report.add(
        f"`timeline validate` from cold, {size:,} events, against a cold load alone"
        " (median of 3, alternating)",
        f"{cold_validate:.1f} s / {cold_load:.1f} s ({cold_validate / cold_load:.2f}x)",
        "at most 1.3x",
    )
    median_process(validate, 1, env)  # fill the cache, with validate's reports
    edited = sorted((events_dir / race).glob("*.yaml"))[len(race) % 7]
    original = edited.read_bytes()
    timings: dict[str, list[float]] = {"validate": [], "state": []}
    try:
        for run in range(runs):
            for name, command in (("validate", validate), ("state", state)):
                edited.write_bytes(original + f"# edit {run} {name}\n".encode())
                time.sleep(RACY_NS / 1e9)
                timings[name].append(median_process(command, 1, env))
    finally:
        edited.write_bytes(original)
    after = {name: sorted(values)[len(values) // 2] for name, values in timings.items()}
    report.add(
        f"after an edit of one file, {size:,} events (median of {runs}): validate / state",
        f"{after['validate']:.2f} s / {after['state']:.2f} s",
        "at most 1 s each",
    )


def real_data(report: Report, work: Path, runs: int) -> None:
    print("6. `timeline state --at 2024-06-18` on the real data", flush=True)
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(work / "cache-real")}
    command = [*timeline_command(), "state", "--at", "2024-06-18"]
    median_process(command, 1, env)  # fill the cache
    time.sleep(RACY_NS / 1e9)
    no_cache = [command[0], "--no-cache", *command[1:]]
    bare_imports = [sys.executable, "-c", BARE_IMPORTS]
    warm, cold, bare = interleaved([command, no_cache, bare_imports], runs, env)
    report.add(
        f"`timeline state --at 2024-06-18`, real data (median of {runs}): warm / no cache",
        f"{warm * 1000:.0f} ms ({warm / bare:.2f}x) / {cold * 1000:.0f} ms ({cold / bare:.2f}x)"
        f" the bare imports, {bare * 1000:.0f} ms",
        "at most 1.5x the bare imports",
    )


def exports(report: Report, work: Path, sizes: Sequence[int], seed: int) -> None:
    """The record exported as Parquet after ``validate`` (which fills the cache, as a
    contributor's or CI's run does): time, peak memory, size; then DuckDB's answer to the
    daily-state question over the files, against ``timeline state`` in a loop."""
    print("8. the record exported, and the daily state asked of it", flush=True)
    for size in sizes:
        events_dir = prepared(work, size, seed)
        cache = work / f"cache-export-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache)}
        validate = [*timeline_command(), "validate", "--events", str(events_dir)]
        start = time.perf_counter()
        validate_peak = peak_rss_mb(validate, env)
        validated = time.perf_counter() - start
        time.sleep(RACY_NS / 1e9)
        out = work / f"record-{size}"
        command = [*timeline_command(), "export", "--events", str(events_dir)]
        start = time.perf_counter()
        peak = peak_rss_mb([*command, "--format", "parquet", "--out", str(out)], env)
        seconds = time.perf_counter() - start
        written = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20
        report.add(
            f"`timeline export --format parquet`, {size:,} events, after `validate`"
            " (cache filled): time / peak memory / files",
            f"{seconds:.0f} s / {peak:.0f} MB / {written:.0f} MB"
            f" (the cold `validate` before it: {validated:.0f} s / {validate_peak:.0f} MB)",
            "at most 500 MB at 1,000,000 events",
        )
        if size <= 100_000:  # a database of 1.9 GB at 100,000 events: not at a million
            database = work / f"record-{size}.db"
            start = time.perf_counter()
            peak = peak_rss_mb([*command, "--format", "sqlite", "--out", str(database)], env)
            seconds = time.perf_counter() - start
            report.add(
                f"`timeline export --format sqlite`, {size:,} events: time / peak memory / file",
                f"{seconds:.0f} s / {peak:.0f} MB / {database.stat().st_size / 2**20:.0f} MB",
            )
        daily_state(report, events_dir, out, env, size)


def daily_state(
    report: Report, events_dir: Path, out: Path, env: dict[str, str], size: int
) -> None:
    """One race's state on every day: one DuckDB query over the Parquet files against
    ``timeline state --at DAY`` as a whole process (a sample of days, times the days)."""
    import duckdb

    race = sorted(p.name for p in events_dir.iterdir())[0]
    sql = (
        "select day, leader, rule_met, holdout_count from read_parquet("
        f"'{out}/daily_race/*/*.parquet', hive_partitioning = true)"
        f" where race = '{race}' and known = 'now' order by day"
    )
    times, days = [], []
    for _ in range(5):
        start = time.perf_counter()
        days = duckdb.connect().execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    query = statistics.median(times)
    sample = [days[i * (len(days) - 1) // 4][0] for i in range(5)]
    state = [*timeline_command(), "state", "--events", str(events_dir), "--race", race]
    calls = []
    for day in sample:
        start = time.perf_counter()
        answer = subprocess.run(
            [*state, "--at", day.isoformat(), "--format", "json"],
            check=True, capture_output=True, env=env, cwd=ROOT,
        )  # fmt: skip
        calls.append(time.perf_counter() - start)
        if not answer.stdout.startswith(b"{"):
            raise SystemExit(f"timeline state gave no state on {day}")
    per_day = statistics.median(calls)
    report.add(
        f"a race's state on each of its {len(days):,} days, {size:,} events: one DuckDB query"
        " over the Parquet files / `timeline state --at DAY` in a loop (5 days measured)",
        f"{query * 1000:.0f} ms / {per_day:.2f} s a day, {per_day * len(days) / 60:.1f} min"
        f" in all ({per_day * len(days) / query:,.0f}x)",
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, PyYAML {yaml.__version__}"
        f" ({'libyaml' if LOADER is not yaml.SafeLoader else 'pure Python'})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="events per repository")
    parser.add_argument("--work", type=Path, default=Path("/tmp/timeline-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="timings per figure, best kept")
    parser.add_argument("--runs", type=int, default=15, help="whole-process runs, median kept")
    parser.add_argument(
        "--export-sizes",
        default="100000,1000000",
        help="events per repository exported (8.); empty: none (a million: about 30 minutes)",
    )
    parser.add_argument("--export-only", action="store_true", help="section 8 alone")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"machine: {machine()}; {datetime.date.today()}", flush=True)
    args.work.mkdir(parents=True, exist_ok=True)
    report = Report()
    exported = sorted(int(size) for size in args.export_sizes.split(",") if size)
    if args.export_only:
        exports(report, args.work, exported, args.seed)
        print(f"\n{report.table()}")
        return 0
    events_dirs = {size: prepared(args.work, size, args.seed) for size in sizes}
    cold_loads(report, events_dirs, args.rounds)
    largest = events_dirs[sizes[-1]]
    warm_state(report, largest, args.work, args.runs)
    by_race = fold_speed(report, check_repository(largest).repository.events)
    ballot_cost(report)
    random_dates(report, by_race, args.seed)
    memory(report, largest, args.work)
    real_data(report, args.work, args.runs)
    edit_loop(report, largest, args.work, min(args.runs, 5))
    exports(report, args.work, exported, args.seed)
    print()
    print(report.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
