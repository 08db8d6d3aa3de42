"""A contributor's path to a first pull request, run for real: the installed wheel, the
pre-commit hooks, the GitHub workflow, yamllint, the distribution's name, commands run
from inside ``events/``.

Each test runs the real tool (pip, build, pre-commit, check-jsonschema, yamllint) in a
scratch directory, never on the repository itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import timeline
from timeline import load_repository
from timeline.cli import main

from helpers import RACE, REPO, copy_repository

BIN = Path(sys.executable).parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DISTRIBUTION = PYPROJECT["project"]["name"]


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; its output (stdout and stderr together); fail with it if it fails."""
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert 0 == result.returncode, output
    return output


def _readme_command(marker: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+)\n```", readme)
    assert match is not None
    return match.group(1)


# --- the wheel -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources by the standard front end."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "timeline"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", out, source, cwd=source)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_holds_every_module_of_the_package(wheel: Path) -> None:
    """A subpackage left out of the wheel (timeline.cli was) breaks the installed command."""
    modules = {
        str(p.relative_to(REPO))
        for p in (REPO / "timeline").rglob("*")
        if p.suffix in (".py", ".html", ".css", ".js")  # the site's assets are package data
        and "__pycache__" not in p.parts
    }
    modules.add("timeline/py.typed")
    assert "timeline/views/assets/script.js" in modules
    with zipfile.ZipFile(wheel) as archive:
        assert modules <= set(archive.namelist())
    assert wheel.name.startswith(DISTRIBUTION.replace("-", "_") + "-")


def test_the_installed_wheel_runs_in_a_fresh_environment(
    wheel: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip install of the wheel (not editable) in a new venv: the command, python -m
    timeline, and the README's answer, from a directory the sources are not in."""
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path)
    data = copy_repository(tmp_path / "data")
    assert f"timeline ({DISTRIBUTION}) " in _run(venv / "bin" / "timeline", "--version", cwd=data)
    assert "Usage: python -m timeline" in _run(
        venv / "bin" / "python", "-m", "timeline", "--help", cwd=data
    )
    answer = _run(venv / "bin" / "timeline", "state", "--at", "2024-06-18", cwd=data)
    monkeypatch.chdir(data)
    assert CliRunner().invoke(main, ["state", "--at", "2024-06-18"]).stdout == answer
    _run(venv / "bin" / "timeline", "site", "--out", tmp_path / "public", cwd=data)
    page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert "function showState(state)" in page  # the script, from the installed assets


def test_the_distribution_name_is_free_on_pypi_and_used_everywhere() -> None:
    """`timeline` on PyPI is an unrelated project: every `pip install '...[extra]'` in the
    code and the docs names ours, and each extra named exists."""
    assert "timeline" != DISTRIBUTION
    texts = [REPO / "README.md", *(REPO / "docs").glob("*.md"), *(REPO / "timeline").rglob("*.py")]
    named = [
        (path.name, match.group(1), match.group(2))
        for path in texts
        for match in re.finditer(r"pip install '([\w.-]+)\[(\w+)\]'", path.read_text("utf-8"))
    ]
    assert named  # the plot extra's advice, at least
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    assert [] == [n for n in named if n[1] not in (DISTRIBUTION, ".") or n[2] not in extras]


# --- pre-commit ------------------------------------------------------------------------


def _git_repository(path: Path) -> Path:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    _run("git", "init", "-q", "-b", "main", cwd=path)
    _run("git", "add", "-A", cwd=path)
    _run("git", "commit", "-q", "-m", "events", cwd=path, env=env)
    return path


_BAD_EVENT = """\
type: endorsement
id: 2024-06-19-britain-backs-rutte-again
race: nato-secretary-general-2024
date: 2024-06-19
summary: Britain backs Rutte
members: [UK]
candidate: mark-rutte
sources:
- document: seeds/003_30db4212d268332d.txt
  published: 2024-06-18/2024-06-19
  quote: Hungary is ready to support
note: yes
"""


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's own environments, kept apart from the user's."""
    return {"PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}


def test_pre_commit_runs_the_shipped_hooks_on_a_good_and_a_bad_change(
    tmp_path: Path, pre_commit_home: dict[str, str]
) -> None:
    """The repository's .pre-commit-config.yaml with the real pre-commit: everything passes
    on the repository as it is, and a bad event fails both timeline and yamllint."""
    scratch = copy_repository(tmp_path / "repo")
    for name in (".pre-commit-config.yaml", ".yamllint"):
        shutil.copy(REPO / name, scratch / name)
    (scratch / ".gitignore").write_text(".venv\n", encoding="utf-8")
    (scratch / ".venv").symlink_to(Path(sys.prefix))  # the README's .venv, with timeline
    _git_repository(scratch)
    pre_commit = BIN / "pre-commit"
    output = _run(pre_commit, "run", "--all-files", cwd=scratch, env=pre_commit_home)
    assert re.search(r"timeline validate\.+Passed", output), output
    assert re.search(r"yamllint\.+Passed", output), output

    (scratch / RACE / "2024-06-19-britain-backs-rutte-again.yaml").write_text(
        _BAD_EVENT, encoding="utf-8"
    )
    _run("git", "add", "-A", cwd=scratch)
    result = subprocess.run(
        [pre_commit, "run"],
        cwd=scratch,
        env={**os.environ, **pre_commit_home},
        capture_output=True,
        text=True,
    )
    assert 1 == result.returncode
    assert re.search(r"timeline validate\.+Failed", result.stdout), result.stdout
    assert "unknown member 'UK': the ISO 3166-1 alpha-2 code is 'GB'" in result.stdout
    assert re.search(r"yamllint\.+Failed", result.stdout), result.stdout
    assert re.search(r"12:7 +error +truthy value", result.stdout), result.stdout


def test_pre_commit_installs_the_offered_hooks_from_the_repository(
    tmp_path: Path, pre_commit_home: dict[str, str]
) -> None:
    """.pre-commit-hooks.yaml as another repository of events uses it: pre-commit installs
    timeline from this repository (pip, not editable) and runs its hook."""
    source = tmp_path / "timeline-repo"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "timeline"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name)
    _git_repository(source)
    data = _git_repository(copy_repository(tmp_path / "data"))
    output = _run(
        BIN / "pre-commit",
        "try-repo",
        source,
        "timeline-validate",
        "--all-files",
        cwd=data,
        env=pre_commit_home,
    )
    assert re.search(r"timeline validate\.+Passed", output), output


# --- the GitHub workflow ---------------------------------------------------------------

WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"


def test_the_workflow_is_a_valid_github_workflow() -> None:
    """check-jsonschema's schema of GitHub workflows (from SchemaStore, shipped with it)."""
    output = _run(
        BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", WORKFLOW, cwd=REPO
    )
    assert "ok -- validation done" in output


def test_the_workflow_runs_the_readmes_test_command() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["validate"]["steps"]]
    assert _readme_command("test-command") in runs
    assert any(r.startswith(".venv/bin/timeline validate --base") for r in runs)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_command test-command" in ci
    assert "readme_command state-command" in ci


# --- yamllint and the Norway problem ---------------------------------------------------


def _yamllint(*paths: Path) -> subprocess.CompletedProcess[str]:
    config = REPO / ".yamllint"
    return subprocess.run(
        [BIN / "yamllint", "--strict", "-c", config, *paths],
        capture_output=True,
        text=True,
    )


def test_yamllint_finds_nothing_in_events_or_in_what_timeline_new_writes(repo: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "new", "electorate_change", "--date", "2024-06-19", "--summary", "Norway leaves",
            "--left", "NO", "--document", "seeds/003_30db4212d268332d.txt",
            "--published", "2024-06-18/2024-06-19", "--quote", "Hungary is ready to support",
        ],
    )  # fmt: skip
    assert 0 == result.exit_code, result.output
    written = repo / result.stdout.strip()
    assert "left:\n- 'NO'\n" in written.read_text(encoding="utf-8")
    lint = _yamllint(REPO / "events", written)
    assert (0, "") == (lint.returncode, lint.stdout)


def test_the_norway_problem(tmp_path: Path) -> None:
    """A plain NO is Norway to timeline and to the lint; YAML 1.1's other booleans are
    refused by the lint, because other tools read them as true and false."""
    norway = (REPO / RACE / "2023-07-04-race-opens.yaml").read_text(encoding="utf-8")
    assert re.search(r"\bNO,", norway)  # written plain in a merged file
    opening = next(
        e for e in load_repository(REPO / "events").events if e.id == "2023-07-04-race-opens"
    )
    assert "NO" in getattr(opening, "member_ids", ())
    bad = tmp_path / "bad.yaml"
    bad.write_text("members: [NO, no]\nsummary: yes\n", encoding="utf-8")
    lint = _yamllint(bad)
    assert 1 == lint.returncode
    assert ["1:15", "2:10"] == re.findall(r"^\s+(\d+:\d+)\s+error", lint.stdout, re.MULTILINE)


# --- small things a first contributor meets --------------------------------------------


@pytest.mark.parametrize("inside", ["events", RACE])
def test_commands_run_from_inside_events_find_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    """Where a contributor has just edited a file: no false `does not exist` errors."""
    top = CliRunner().invoke(main, ["state", "--at", "2024-06-18"]).stdout
    monkeypatch.chdir(repo / inside)
    result = CliRunner().invoke(main, ["validate"])
    assert (0, "") == (result.exit_code, result.stdout)
    assert top == CliRunner().invoke(main, ["state", "--at", "2024-06-18"]).stdout
    assert top == CliRunner().invoke(main, ["--no-cache", "state", "--at", "2024-06-18"]).stdout


def test_a_repository_is_not_looked_for_above_the_git_work_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git stops at a work tree's top, so does the search for events/."""
    (tmp_path / "events").mkdir()
    inner = tmp_path / "project"
    (inner / ".git").mkdir(parents=True)
    (inner / "docs").mkdir()
    monkeypatch.chdir(inner / "docs")
    result = CliRunner().invoke(main, ["validate"])
    assert 1 == result.exit_code
    assert "no events/ directory in" in result.stderr


def test_dir_lists_each_public_name_once() -> None:
    timeline.load_repository  # noqa: B018  (a lazy name once used is a global too)
    names = dir(timeline)
    assert sorted(set(names)) == names
    assert set(timeline.__all__) <= set(names)


# --- what the tests need beyond pip ------------------------------------------------------


def _tarball(tmp_path: Path, members: dict[str, bytes]) -> tuple[str, str]:
    """A .tgz of ``members`` as a file:// URL, with its SHA-512 as npm writes it."""
    import base64
    import hashlib
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path = tmp_path / "package.tgz"
    path.write_bytes(buffer.getvalue())
    sha = base64.b64encode(hashlib.sha512(buffer.getvalue()).digest()).decode("ascii")
    return path.as_uri(), sha


def test_prepare_unpacks_timelinejs_only_when_it_is_the_published_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prepare

    monkeypatch.setattr(prepare, "TIMELINEJS", tmp_path / "out" / "package")
    url, sha = _tarball(tmp_path, {"package/dist/js/timeline.js": b"// TimelineJS"})
    problem = prepare.install_timelinejs(url, sha512="A" + sha[1:])
    assert "is not the published file" in (problem or "")
    assert not (tmp_path / "out").exists()
    assert prepare.install_timelinejs(url, sha512=sha) is None
    assert (tmp_path / "out" / "package" / "dist" / "js" / "timeline.js").is_file()


def test_prepare_refuses_a_tarball_that_would_write_outside_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prepare

    monkeypatch.setattr(prepare, "TIMELINEJS", tmp_path / "out" / "package")
    url, sha = _tarball(tmp_path, {"../escaped.js": b"x"})
    problem = prepare.install_timelinejs(url, sha512=sha)
    assert "cannot be unpacked safely" in (problem or "")
    assert not (tmp_path / "escaped.js").exists()
