"""Exports (JSON Lines, CSV, TimelineJS), the chart, and the progress bar."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline import load_repository, structure_event
from timeline.cli import main
from timeline.views.chart import chart

from helpers import NATO, REPO, generated

EVENTS = load_repository(REPO / "events").only(NATO).events
RUTTE = "mark-rutte"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--events", str(REPO / "events"), "--race", NATO])
    assert 0 == result.exit_code, result.output
    return result.output


def test_jsonl_is_every_event_as_filed_plus_what_the_replay_derives() -> None:
    records = [json.loads(line) for line in _run("export").splitlines()]
    assert sorted(e.id for e in EVENTS) == sorted(r["id"] for r in records)
    derived = ("counts_from", "earliest", "reported", "superseded_by", "seeds")
    by_id = {e.id: e for e in EVENTS}
    for record in records:
        event = by_id[record["id"]]
        assert event == structure_event({k: v for k, v in record.items() if k not in derived})
        assert event.date.latest.isoformat() == record["counts_from"]
        assert (event.reported.isoformat() if event.reported else None) == record["reported"]
    days = [r["counts_from"] for r in records]
    assert sorted(days) == days  # replay order


def test_csv_has_a_row_per_citation_with_its_quote() -> None:
    rows = list(csv.DictReader(io.StringIO(_run("export", "--format", "csv"))))
    assert sum(len(e.sources) + len(e.dissent) for e in EVENTS) == len(rows)
    dissents = [r for r in rows if r["citation"] == "dissent"]
    assert sum(len(e.dissent) for e in EVENTS) == len(dissents)
    assert all(r["claim"] for r in dissents)
    quotes = {(r["id"], r["quote"]) for r in rows}
    for event in EVENTS:
        for source in event.sources:
            assert (event.id, source.quote) in quotes


def test_timelinejs_has_a_slide_per_event_grouped_by_candidate() -> None:
    data = json.loads(_run("export", "--format", "timelinejs"))
    slides = data["events"]
    assert sorted(e.id for e in EVENTS) == sorted(s["unique_id"] for s in slides)
    assert "NATO Secretary General" == data["title"]["text"]["headline"]
    by_id = {s["unique_id"]: s for s in slides}
    rutte = by_id["2023-10-rutte-candidacy"]
    assert "Mark Rutte" == rutte["group"]
    assert {"year": 2023, "month": 10, "day": 1} == rutte["start_date"]
    assert {"year": 2023, "month": 10, "day": 31} == rutte["end_date"]
    assert "October 2023" == rutte["display_date"]
    assert "The race" == by_id["2023-07-04-race-opens"]["group"]
    exact = by_id["2024-06-18-hungary-backs-rutte"]
    assert "display_date" not in exact
    assert "end_date" not in exact
    for slide in slides:  # what TimelineJS 3 requires of a slide
        assert {"year", "month", "day"} <= slide["start_date"].keys()
        assert all(isinstance(v, int) for v in slide["start_date"].values())
        assert slide["text"]["headline"]
        assert "<blockquote>" in slide["text"]["text"]


def test_export_to_a_file_says_where(tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    assert f"{out}\n" == _run("export", "--format", "csv", "--out", str(out))
    assert out.read_text(encoding="utf-8").startswith("race,id,type,date")


def test_a_timelinejs_export_of_several_races_asks_for_one(tmp_path: Path) -> None:
    from test_cache import _two_races

    events = _two_races(tmp_path)
    result = CliRunner().invoke(main, ["export", "--format", "timelinejs", "--events", str(events)])
    assert 2 == result.exit_code  # a choice the command cannot make alone: bad usage
    assert "error: a TimelineJS timeline shows one race: give --race" in result.output


def test_the_chart_counts_what_the_replay_says() -> None:
    drawn = chart(EVENTS)
    names = dict(drawn.candidates)
    assert "Mark Rutte" == names[RUTTE]
    rutte = [c for c, _ in drawn.candidates].index(RUTTE)
    by_day = {step.day: step for step in drawn.steps}
    june18 = by_day[datetime.date(2024, 6, 18)]
    assert (32, 31) == (june18.electorate, june18.backers[rutte])
    assert 32 == by_day[datetime.date(2024, 6, 20)].backers[rutte]
    assert any("appoints" in mark.label for mark in drawn.marks)
    window = chart(EVENTS, start=datetime.date(2024, 6, 1), end=datetime.date(2024, 6, 19))
    assert datetime.date(2024, 6, 1) == window.steps[0].day
    assert all(
        datetime.date(2024, 6, 1) <= s.day <= datetime.date(2024, 6, 19) for s in window.steps
    )


def test_plot_writes_png_and_svg(tmp_path: Path) -> None:
    png, svg = tmp_path / "race.png", tmp_path / "race.svg"
    assert f"{png}\n" == _run("plot", "--out", str(png))
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    _run("plot", "--out", str(svg), "--from", "2024-02-01", "--to", "2024-06-30")
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml")
    assert "<svg" in text


def test_plot_refuses_other_file_types(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "plot",
            "--out",
            str(tmp_path / "race.pdf"),
            "--events",
            str(REPO / "events"),
            "--race",
            NATO,
        ],
    )
    assert 1 == result.exit_code
    assert "the chart is written as .png or .svg, not '.pdf'" in result.output
    assert not (tmp_path / "race.pdf").exists()


def test_plot_without_matplotlib_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    result = CliRunner().invoke(
        main,
        [
            "plot",
            "--out",
            str(tmp_path / "race.png"),
            "--events",
            str(REPO / "events"),
            "--race",
            NATO,
        ],
    )
    assert 1 == result.exit_code
    assert "error: timeline plot needs matplotlib, an optional extra: pip install" in result.output
    assert "Traceback" not in result.output


def _many_events(tmp_path: Path) -> Path:
    """600 generated events (benchmarks/generate.py), enough for a progress bar."""
    generated(tmp_path, 600, seed=3, per_race=600)
    return tmp_path / "events"


def test_a_long_read_shows_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    events = _many_events(tmp_path / "repo")
    command = [sys.executable, "-m", "timeline", "--no-cache", "log", "--events", str(events)]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "" == piped.stderr
    pid, terminal = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.execv(sys.executable, command)
    seen = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.waitpid(pid, 0)
    assert b"Reading event files" in seen
    assert b"100%" in seen


@pytest.mark.parametrize(
    ("command", "name"),
    [(["plot"], "race.png"), (["export", "--format", "csv"], "events.csv"), (["site"], "site")],
)
def test_a_place_that_cannot_be_written_is_one_line_and_exit_1(
    tmp_path: Path, command: list[str], name: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    target = blocker / name
    result = CliRunner().invoke(
        main, [*command, "--out", str(target), "--events", str(REPO / "events"), "--race", NATO]
    )
    assert 1 == result.exit_code
    assert 1 == len(result.output.strip().splitlines()), result.output
    assert result.output.startswith(f"error: cannot write {target}")
    assert "Traceback" not in result.output


_FAR = """\
type: mention
id: 9999-12-far
race: nato-secretary-general-2024
date: 9999-12
summary: A mention dated as late as a date can be
candidate: someone-far
name: Someone Far
sources:
  - url: https://example.org/far-future
    publisher: A report from the last month of the calendar
    published: 9999-12
    quote: "Someone Far is named as a possible candidate"
"""


def test_the_last_month_of_the_calendar_is_exported_and_plotted_without_a_traceback(
    repo: Path,
) -> None:
    """`date: 9999-12` crashed the TimelineJS export (the day after it does not exist)."""
    (repo / "events" / "nato-secretary-general-2024" / "9999-12-far.yaml").write_text(
        _FAR, encoding="utf-8"
    )
    for form in ("timelinejs", "csv", "jsonl"):
        result = CliRunner().invoke(main, ["export", "--format", form])
        assert 0 == result.exit_code, result.output
    slides = json.loads(CliRunner().invoke(main, ["export", "--format", "timelinejs"]).stdout)
    assert any("December 9999" in json.dumps(slide) for slide in slides["events"])
    result = CliRunner().invoke(main, ["plot", "--out", str(repo / "far.png")])
    assert (1, 1) == (result.exit_code, len(result.stderr.splitlines()))
    assert result.stderr.startswith("error: cannot draw the chart of nato-secretary-general-2024")
