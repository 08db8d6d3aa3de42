"""Hostile text in event files: whatever a field holds, what timeline prints cannot drive a
terminal, forge a line, or reorder what a reader sees (issue 13)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.cli import main
from timeline.errors import BIDI_CONTROLS, one_line

from helpers import RACE, copy_repository

WALLACE = f"{RACE}/2024-02-wallace-mentioned.yaml"


def _with(repo: Path, field: str, value: str) -> None:
    """Set ``field`` of the Wallace mention to ``value``, written as a YAML double-quoted
    string (JSON's escapes are YAML's: any character can be written)."""
    path = repo / WALLACE
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
    lines[index] = f"{field}: {json.dumps(value)}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _unsafe(output: str) -> list[str]:
    """The characters of ``output`` that could drive a terminal or reorder its text."""
    return [
        c
        for c in output
        if c != "\n" and (unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in BIDI_CONTROLS)
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Ben \x1b[31mWallace", "name: contains a control character ('\\x1b')"),
        ("Ben\nWallace", "name: contains a line break ('\\n')"),
        ("Ben\u2028Wallace", "name: contains a line break ('\\u2028')"),
    ],
)
def test_a_line_break_or_control_character_in_a_one_line_field_is_refused(
    repo: Path, value: str, message: str
) -> None:
    _with(repo, "name", value)
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code
    (line,) = result.stdout.splitlines()
    assert f"{WALLACE}:7:1: error: {message}, which is not allowed; this field is one line" == line


def test_a_bidi_control_in_a_name_is_shown_escaped(repo: Path) -> None:
    """A right-to-left override is allowed in text (a quote may need one), never printed raw."""
    _with(repo, "name", "Ben \u202eWallace")
    for command in (["state", "--at", "2024-03-01"], ["log"], ["explain", "ben-wallace"]):
        result = CliRunner().invoke(main, command)
        assert 0 == result.exit_code, result.output
        assert [] == _unsafe(result.stdout)
    assert "Ben \\u202eWallace" in CliRunner().invoke(main, ["state", "--at", "2024-03-01"]).stdout


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40), st.sampled_from(["summary", "name", "note"]))
def test_any_text_in_any_field_prints_safely_or_is_one_clear_error(
    tmp_path_factory: pytest.TempPathFactory, text: str, field: str
) -> None:
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    _with(repo, field, text)
    for command in (["validate"], ["log"], ["state", "--at", "2024-03-01"]):
        result = CliRunner().invoke(main, [*command, "--events", str(repo / "events")])
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert [] == _unsafe(result.stdout + result.stderr), command
        if result.exit_code:  # refused: one line per problem, each naming the file
            problems = [line for line in result.output.splitlines() if ": error: " in line]
            assert problems, result.output
            assert all(line.startswith(str(repo / WALLACE)) for line in problems)


# --- only regular files inside the repository are read ----------------------------------

SECRET = "Hungary is ready to support the secret candidate"


def _outside(tmp: Path) -> Path:
    """A directory outside the repository, holding a file a link could point at."""
    outside = tmp / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.yaml").write_text(f"summary: {SECRET}\n", encoding="utf-8")
    return outside


def test_an_event_file_that_is_a_link_out_of_the_repository_is_refused_unread(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = _outside(tmp_path_factory.mktemp("elsewhere"))
    link = repo / RACE / "2024-06-30-linked.yaml"
    link.symlink_to(outside / "secret.yaml")
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code
    assert [
        f"{RACE}/2024-06-30-linked.yaml:1:1: error: is a symbolic link; only regular files"
        " inside the repository are read (a link's target never appears in a diff)"
    ] == result.stdout.splitlines()
    assert SECRET not in result.output  # nothing of the target reaches a CI log


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory-named-yaml"])
def test_a_file_that_is_not_a_regular_file_is_refused_without_waiting(
    repo: Path, kind: str
) -> None:
    """A FIFO named x.yaml hung validation; a link to /dev/zero was read without end."""
    import os
    import subprocess
    import sys

    path = repo / RACE / "x.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
        (path / "y.yaml").write_text("type: opening\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "timeline", "validate"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails here instead of stalling the run
    )
    assert 1 == result.returncode
    assert "Traceback" not in result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{RACE}/x.yaml")


def test_seeds_behind_a_link_are_not_read(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With seeds/ a link, quotes were checked against files outside the repository."""
    import shutil

    elsewhere = tmp_path_factory.mktemp("elsewhere") / "seeds"
    shutil.move(repo / "seeds", elsewhere)
    (repo / "seeds").symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code
    lines = result.stdout.splitlines()
    assert lines
    assert all("is reached through a symbolic link" in line for line in lines)


def test_new_does_not_write_through_a_linked_race_folder(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    (repo / "events" / "other-race").symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(
        main,
        [
            "new", "mention", "--race", "other-race", "--date", "2024-06-18",
            "--summary", "A mention", "--candidate", "ann-lee", "--name", "Ann Lee",
            "--document", "seeds/003_30db4212d268332d.txt", "--published", "2024-06-18/2024-06-19",
            "--quote", "Hungary is ready to support",
        ],
    )  # fmt: skip
    assert 1 == result.exit_code
    assert "is a symbolic link or lies behind one" in result.stderr
    assert [] == list(outside.iterdir())


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(["event", "race", "seeds", "seed"]), min_size=1))
def test_any_layout_of_links_is_refused_and_nothing_outside_is_echoed(
    tmp_path_factory: pytest.TempPathFactory, links: set[str]
) -> None:
    """Links put anywhere an event's meaning is read from: an event file, a race folder,
    seeds/, one seed. Each makes an error (or hides the race folder, which is then not
    read), and nothing from outside reaches the output."""
    import shutil

    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    outside = _outside(tmp_path_factory.mktemp("elsewhere"))
    (outside / "004.txt").write_text(SECRET, encoding="utf-8")
    race = repo / RACE
    if "event" in links:
        (race / "2024-06-30-linked.yaml").symlink_to(outside / "secret.yaml")
    if "seed" in links:
        seed = repo / "seeds" / "004_bb683f26b3512547.txt"
        shutil.copy(seed, outside / "004.txt")
        seed.unlink()
        seed.symlink_to(outside / "004.txt")
    if "seeds" in links:
        shutil.move(repo / "seeds", outside / "seeds")
        (repo / "seeds").symlink_to(outside / "seeds", target_is_directory=True)
    if "race" in links:
        shutil.move(race, outside / "race")
        race.symlink_to(outside / "race", target_is_directory=True)
    result = CliRunner().invoke(main, ["validate", "--events", str(repo / "events")])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert SECRET not in result.output
    if "race" in links:  # a linked folder is not followed: no events, nothing read
        assert (0, "0 event files checked: 0 errors, 0 warnings\n") == (
            result.exit_code,
            result.stderr,
        )
    else:
        assert 1 == result.exit_code
        assert "symbolic link" in result.stdout


@given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=40))
def test_any_text_prints_as_one_safe_line(text: str) -> None:
    """Whatever a file's name or a message holds (controls, line breaks, bidi and other
    invisible formatting characters, a lone surrogate from a name that is not UTF-8),
    ``one_line`` gives one line with none of them, that encodes as UTF-8: printing it
    cannot fail, break the line, drive a terminal or hide anything. (Private-use and
    unassigned characters show as they are: a terminal draws them as a box.)"""
    shown = one_line(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in shown)
    shown.encode("utf-8")  # a lone surrogate would raise here
    if text.isprintable():
        assert shown == text
