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
from timeline.errors import BIDI_CONTROLS

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
