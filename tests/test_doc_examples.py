"""Every command example in README.md, docs/ and the commands' help runs, as written.

Examples are found, not listed: each ```sh block of README.md and docs/*.md, each
``$ command`` block (whose output is compared with what the command prints), and each line
under "Example:" or "Examples:" in the --help of every command. Each runs with bash in a
scratch git repository holding a copy of the project (``origin/main`` at its one commit, for
``--base``), whose ``.venv/bin`` holds this environment's ``timeline``, ``python``,
``pre-commit`` and ``yamllint``, and a ``pip`` that resolves what it is asked to install
(``--dry-run``) without changing this environment. After the README's examples the
scratch repository must show no untracked file: what they write is ignored by git.

Two kinds of block are not run here, and say so: the README's two set-up commands (and a
block that is the start of one), which ``.ci/run`` runs as written on a fresh machine, and
a block preceded by ``<!-- not run by tests: REASON -->``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from timeline.cli import main

from helpers import REPO

BIN = Path(sys.executable).parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_NOT_RUN = "<!-- not run by tests: "


class Example:
    """One documented command (or block of them), where it is written, and what it is
    documented to print, if anything."""

    def __init__(self, where: str, script: str, output: str | None = None) -> None:
        self.where, self.script, self.output = where, script, output

    def __repr__(self) -> str:
        return self.where


def _set_up_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- (?:state|test)-command -->\n```sh\n(.+)\n```", readme)
    assert 2 == len(found)
    return found


def _blocks() -> tuple[list[Example], list[str]]:
    """The examples to run, and the blocks not run (each with why), of every document."""
    examples: list[Example] = []
    not_run: list[str] = []
    set_up = _set_up_commands()
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", text, re.DOTALL | re.MULTILINE):
            indent, language, body = match.groups()
            body = textwrap.dedent(body) if indent else body
            where = f"{path.name}:{text[: match.start()].count(chr(10)) + 1}"
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if body.startswith("$ "):
                command, _, output = body.partition("\n")
                examples.append(Example(where, command[2:], output))
            elif language == "sh":
                if before.startswith(_NOT_RUN):
                    not_run.append(f"{where}: {before}")
                elif any(c.startswith(body.strip()) for c in set_up):
                    not_run.append(f"{where}: a README set-up command, run by .ci/run")
                else:
                    examples.append(Example(where, body))
    return examples, not_run


def _help_examples() -> list[Example]:
    """The lines under Example(s): in every command's --help."""
    found: list[Example] = []

    def visit(group: click.Group, prefix: list[str]) -> None:
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None
            words = [*prefix, name]
            if isinstance(command, click.Group):
                visit(command, words)
            help_text = CliRunner().invoke(main, [*words, "--help"], terminal_width=80).output
            section = re.split(r"\n  Examples?:\n", help_text)
            if len(section) < 2:
                continue
            lines = re.findall(r"^    (.*\S.*)$", section[1].split("\n\n")[0], re.MULTILINE)
            script = "\n".join(lines)
            for command_line in re.split(r"(?<!\\)\n(?=timeline )", script):
                found.append(Example(f"timeline {' '.join(words)} --help", command_line))

    visit(main, [])
    return found


EXAMPLES, NOT_RUN = _blocks()
HELP_EXAMPLES = _help_examples()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a contributor's clone has it (its tracked files, no .venv)."""
    root = tmp_path_factory.mktemp("template") / "repo"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet staged is not copied
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("timeline", "pre-commit", "yamllint"):
        (venv / name).symlink_to(BIN / name)
    (venv / "python").symlink_to(sys.executable)
    shim = f'#!/bin/sh\n# resolve, never change this environment\nexec "{BIN}/pip" "$@" --dry-run\n'
    (venv / "pip").write_text(shim, encoding="utf-8")
    (venv / "pip").chmod(0o755)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "clone"],
        ["git", "update-ref", "refs/remotes/origin/main", "HEAD"],
    ):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return root


def _run(example: Example, template: Path, tmp_path: Path) -> tuple[Path, str]:
    scratch = tmp_path / "repo"
    shutil.copytree(template, scratch, symlinks=True)
    # ../shared beside the project, as on the machine and in CI: importers' examples read it
    (tmp_path / "shared").symlink_to(REPO.parent / "shared", target_is_directory=True)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", example.script],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 0 == result.returncode, f"{example.where}: {example.script}\n{result.stderr}"
    return scratch, result.stdout


def test_examples_are_found_and_each_block_not_run_says_why() -> None:
    assert len(EXAMPLES) >= 5
    assert len(HELP_EXAMPLES) >= 15
    assert all(": " in reason for reason in NOT_RUN)
    assert len(NOT_RUN) <= 5, NOT_RUN  # the exceptions stay few


@pytest.mark.parametrize("example", EXAMPLES, ids=repr)
def test_each_documented_example_runs_as_written(
    example: Example, template: Path, tmp_path: Path
) -> None:
    scratch, stdout = _run(example, template, tmp_path)
    if example.output is not None:
        assert example.output == stdout, example.where
    if example.where.startswith("README.md"):
        untracked = subprocess.run(
            ["git", "status", "--porcelain"], cwd=scratch, capture_output=True, text=True
        ).stdout
        assert "" == untracked, f"{example.where} leaves files git does not ignore"
    said = _said_to_print(example)
    if said is not None:
        path, body = said
        assert f"{path}\n" == stdout
        if body is not None:
            assert body == (scratch / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("example", HELP_EXAMPLES, ids=repr)
def test_each_example_in_a_commands_help_runs_as_written(
    example: Example, template: Path, tmp_path: Path
) -> None:
    _run(example, template, tmp_path)


def _said_to_print(example: Example) -> tuple[str, str | None] | None:
    """For a block followed by "prints `PATH`" (and maybe "a file that reads:" with a YAML
    block): the path it is said to print and the text the file is said to hold."""
    name, line = example.where.split(":")
    text = (REPO / ("README.md" if name == "README.md" else f"docs/{name}")).read_text("utf-8")
    after = "\n".join(text.split("\n")[int(line) :]).split("```", 1)[1]
    match = re.match(r"\n\s*prints `([^`]+)`", after)
    if match is None:
        return None
    body = re.search(r"a file that reads:\n\n```yaml\n(.*?)```", after, re.DOTALL)
    return match.group(1), body.group(1) if body else None
