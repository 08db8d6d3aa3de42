"""Docs that could drift are checked against the code (sqlite-utils' test_docs)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

from timeline import EVENT_TYPES, Citation, Dissent, Event
from timeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    found = [list(prefix)]
    context = click.Context(group)
    for name in group.list_commands(context):  # commands load lazily: ask, don't look
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append([*prefix, name])
    return found


def _help(command: list[str]) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=80, prog_name="timeline")
    assert 0 == result.exit_code
    return result.output.rstrip("\n")


_BLOCK = re.compile(r"<!-- help: (.+?) -->\n```\n.*?```\n<!-- end help -->", re.DOTALL)


def _with_current_help(doc: str) -> str:
    def block(match: re.Match[str]) -> str:
        words = match.group(1).split()[1:]
        return f"<!-- help: {match.group(1)} -->\n```\n{_help(words)}\n```\n<!-- end help -->"

    return _BLOCK.sub(block, doc)


def test_the_cli_reference_quotes_every_commands_current_help() -> None:
    """docs/cli.md holds each command's --help (80 columns) between markers.

    To refresh it after changing a command: TIMELINE_UPDATE_DOCS=1 pytest tests/test_docs.py
    """
    path = DOCS / "cli.md"
    doc = path.read_text(encoding="utf-8")
    current = _with_current_help(doc)
    if os.environ.get("TIMELINE_UPDATE_DOCS") == "1":
        path.write_text(current, encoding="utf-8")
    assert current == doc
    documented = {m.group(1) for m in _BLOCK.finditer(doc)}
    assert {" ".join(["timeline", *c]) for c in _commands()} == documented


@pytest.mark.parametrize("command", [c for c in _commands() if len(c) == 1], ids=str)
def test_every_top_level_command_ends_its_help_with_an_example(command: list[str]) -> None:
    assert "Example" in _help(command)


def test_every_field_and_event_type_is_in_the_event_format() -> None:
    doc = (DOCS / "event-format.md").read_text(encoding="utf-8")
    classes: list[type] = [Event, Citation, Dissent, *EVENT_TYPES.values()]
    missing = [
        f"{cls.__name__}.{field.name}"
        for cls in classes
        for field in attrs.fields(cls)
        if f"`{field.name}`" not in doc
    ]
    missing += [f"type {name}" for name in EVENT_TYPES if f"`{name}`" not in doc]
    assert [] == missing


def test_every_json_key_of_the_state_is_in_the_cli_reference() -> None:
    import datetime

    from timeline import load_repository, state_at
    from timeline.views.state import state_to_json

    repo = load_repository(ROOT / "events")
    day = datetime.date(2024, 6, 18)
    data = state_to_json(state_at(repo.events, day, "nato-secretary-general-2024"), day)
    keys = set(data) | set(data["candidates"][0]) | set(data["candidates"][0]["backers"][0])
    doc = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert [] == sorted(k for k in keys if f"`{k}`" not in doc and f'"{k}"' not in doc)


def test_readme_has_the_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    state = re.search(r"<!-- state-command -->\n```sh\n(.+)\n```", readme)
    tests = re.search(r"<!-- test-command -->\n```sh\n(.+)\n```", readme)
    assert state is not None
    assert tests is not None
    assert state.group(1).endswith("timeline state --at 2024-06-18")
    assert "pytest" in tests.group(1)
    assert "<!-- test-command -->" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_example_is_what_the_command_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"\$ timeline state --at 2024-06-18\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    result = CliRunner().invoke(main, ["state", "--at", "2024-06-18"])
    assert example.group(1) == result.output


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "module",
    sorted(p.relative_to(ROOT / "timeline").as_posix() for p in (ROOT / "timeline").rglob("*.py")),
    ids=str,
)
def test_only_the_cli_imports_click_or_exits(module: str) -> None:
    """The library never imports click and never calls sys.exit (functional core)."""
    path = ROOT / "timeline" / module
    if module.startswith("cli/") or module == "__main__.py":
        return
    assert "click" not in _imports(path)
    assert "sys.exit" not in path.read_text(encoding="utf-8")


def test_importing_the_library_loads_neither_click_nor_edtf() -> None:
    code = "import sys, timeline; print(sorted({'click', 'edtf'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]\n" == result.stdout


def test_the_workflow_and_the_pre_commit_hooks_run_real_commands() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/validate.yml").read_text("utf-8"))
    steps = [s.get("run", "") for s in workflow["jobs"]["validate"]["steps"]]
    assert any("timeline validate --base" in s and "--format github" in s for s in steps)
    assert any("pytest" in s for s in steps)
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    for hook in hooks:
        words = hook["entry"].split()
        assert "timeline" == words[0]
        assert 0 == CliRunner().invoke(main, [*words[1:], "--help"]).exit_code


def test_the_complete_examples_in_the_event_format_are_the_real_files() -> None:
    """Each example marked complete is the file it names, character for character."""
    doc = (DOCS / "event-format.md").read_text(encoding="utf-8")
    examples = re.findall(
        r"Example \(`(events/[^`]+)`, complete[^\n]*\n(?:[^\n]*\n)*?```yaml\n(.*?)```",
        doc,
        re.DOTALL,
    )
    assert len(examples) >= 8
    for path, body in examples:
        assert (ROOT / path).read_text(encoding="utf-8") == body, path
