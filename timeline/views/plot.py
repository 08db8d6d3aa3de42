"""Drawing a :class:`~timeline.views.chart.Chart` with matplotlib (the optional ``plot`` extra).

A step chart: each candidate's backers in the electorate from day to day, the
electorate's size (the line consensus must reach) or, under the majority rule,
the line a majority must pass, and the key events marked on the day they count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from timeline.errors import CommandError, MissingExtraError
from timeline.model.rules import Rule
from timeline.views.chart import Chart

#: The file types ``draw`` writes, by suffix.
SUFFIXES = (".png", ".svg")


def draw(chart: Chart, out: Path) -> None:
    """Write ``chart`` to ``out`` (PNG or SVG, by its suffix)."""
    if out.suffix.lower() not in SUFFIXES:
        raise CommandError(f"{out}: the chart is written as .png or .svg, not {out.suffix!r}")
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(11, 6), layout="constrained")
    try:
        _draw(axes, chart)
        figure.savefig(out, dpi=120, metadata=_metadata(out))
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    except (ValueError, OverflowError) as exc:  # matplotlib's dates end in the year 9999
        raise CommandError(f"cannot draw the chart of {chart.race}: {exc}") from None
    finally:
        pyplot.close(figure)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError(
            "timeline plot needs matplotlib, an optional extra:"
            " pip install 'race-timeline[plot]' (or pip install matplotlib)"
        ) from None
    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as pyplot

    return pyplot


def _metadata(out: Path) -> dict[str, Any]:
    # no creation date in the file, so the same data gives the same file
    return {"Date": None} if out.suffix.lower() == ".svg" else {"Software": "timeline"}


def _draw(axes: Any, chart: Chart) -> None:
    days = [step.day for step in chart.steps]
    if not days:
        axes.text(0.5, 0.5, "no events in this period", ha="center", transform=axes.transAxes)
        return
    end = chart.marks[-1].day if chart.marks and chart.marks[-1].day > days[-1] else days[-1]
    line_days = [*days, end]
    for index, (_, name) in enumerate(chart.candidates):
        counts = [step.backers[index] for step in chart.steps]
        axes.step(line_days, [*counts, counts[-1]], where="post", label=name, linewidth=2)
    sizes = [step.electorate for step in chart.steps]
    if chart.rule == Rule.MAJORITY:
        needed = [size // 2 + 1 for size in sizes]
        axes.step(line_days, [*needed, needed[-1]], where="post", color="0.3", linestyle="--",
                  label="majority needed")  # fmt: skip
    else:
        whole = "electorate (consensus needs all)" if chart.rule == Rule.CONSENSUS else (
            "electorate" if chart.counted != chart.rule.count else f"all {chart.counted}"
        ) if chart.rule is not None else "electorate"  # fmt: skip
        axes.step(line_days, [*sizes, sizes[-1]], where="post", color="0.3", linestyle="--",
                  label=whole)  # fmt: skip
    top = max(sizes) + 1
    for number, mark in enumerate(chart.marks):
        axes.axvline(mark.day, color="0.75", linewidth=0.8, zorder=0)
        height = top * (0.97 - 0.09 * (number % 4))
        axes.annotate(
            mark.label, (mark.day, height), fontsize=7, rotation=0, ha="left", va="top",
            xytext=(3, 0), textcoords="offset points", color="0.25",
        )  # fmt: skip
    axes.set_ylim(0, top * 1.02)
    axes.set_ylabel(chart.counted)
    measure = "backers" if chart.counted == "members backing" else chart.counted
    axes.set_title(f"{chart.office}: {measure} over time")
    axes.legend(loc="center left", fontsize=8)
    axes.grid(axis="y", color="0.92")
