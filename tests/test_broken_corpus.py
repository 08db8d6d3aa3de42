"""The corpus of broken event files: one failure mode each, each with its answer.

Every file in tests/data/broken/ ends with a line ``# expect: LINE:COL: error: MESSAGE``
(or ``# expect: PATH:LINE:...`` when the problem is reported in another file).
Dropped into a copy of the real repository, each must make ``timeline validate``
print exactly that one line and exit 1, without a traceback and without
writing or changing any file. A hypothesis test then feeds arbitrary bytes and
arbitrary YAML documents to validation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from timeline.cli import main

from helpers import REPO, snapshot

CORPUS = sorted((REPO / "tests" / "data" / "broken").glob("*.yaml"))
LINE = re.compile(r"^\S.*:\d+:\d+: (error|warning): \S.*$")


@pytest.fixture
def repo(repo: Path) -> Path:
    """The repository copy, with a directory for the broken file under test."""
    (repo / "events" / "broken").mkdir()
    return repo


def _validate_reports(repo: Path, name: str, expected: str) -> None:
    before = snapshot(repo)
    result = CliRunner().invoke(main, ["validate"])
    own = f"events/broken/{name}:"
    assert (1, [expected if expected.startswith("events/") else own + expected]) == (
        result.exit_code,
        result.stdout.splitlines(),
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert before == snapshot(repo)


def test_the_corpus_covers_at_least_30_failure_modes() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_each_broken_file_gets_its_one_line_answer(path: Path, repo: Path) -> None:
    raw = path.read_bytes()
    expected = raw.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("utf-8")
    assert expected.startswith("# expect: "), "each corpus file ends with its expectation"
    (repo / "events" / "broken" / path.name).write_bytes(raw)
    _validate_reports(repo, path.name, expected.removeprefix("# expect: "))


def test_a_file_over_the_size_limit_is_refused_unread(repo: Path) -> None:
    (repo / "events" / "broken" / "huge.yaml").write_bytes(b"# " + b"x" * 300_000 + b"\n")
    _validate_reports(
        repo, "huge.yaml", "1:1: error: is 300003 bytes; event files are limited to 262144"
    )


def test_a_seed_symlink_leading_out_of_seeds_is_refused(repo: Path) -> None:
    (repo / "secret.txt").write_text("Hungary is ready to support", encoding="utf-8")
    (repo / "seeds" / "link.txt").symlink_to(repo / "secret.txt")
    text = (REPO / "tests/data/broken/missing-document.yaml").read_text(encoding="utf-8")
    text = text.replace("missing-document", "symlink-document").replace(
        "seeds/no-such-article.txt", "seeds/link.txt"
    )
    (repo / "events" / "broken" / "symlink-document.yaml").write_text(text, encoding="utf-8")
    _validate_reports(
        repo,
        "symlink-document.yaml",
        "9:5: error: sources[0].document: seeds/link.txt is reached through a symbolic link;"
        " only regular files inside the repository's seeds/ are read",
    )


def _answers_clearly(repo: Path, content: bytes) -> None:
    """Validation of one more file: success, or only well-formed problem lines."""
    target = repo / "events" / "broken" / "fuzzed.yaml"
    target.write_bytes(content)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert (result.exit_code == 0) == (not any(": error: " in line for line in lines))
    assert all(LINE.match(line) for line in lines), lines


_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_cause_a_traceback(repo: Path, content: bytes) -> None:
    _answers_clearly(repo, content)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@_SETTINGS
@given(yaml_values)
def test_arbitrary_yaml_documents_never_cause_a_traceback(repo: Path, value: object) -> None:
    _answers_clearly(repo, yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


@_SETTINGS
@given(st.sampled_from(CORPUS), st.data())
def test_mangled_event_files_never_cause_a_traceback(
    repo: Path, path: Path, data: st.DataObject
) -> None:
    """Real-looking files with a random slice replaced by random text."""
    raw = path.read_bytes()
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    noise = data.draw(st.text(max_size=12)).encode("utf-8")
    _answers_clearly(repo, raw[:start] + noise + raw[end:])


_HUNGARY = yaml.safe_load(
    (REPO / "events/nato-secretary-general-2024/2024-06-18-hungary-backs-rutte.yaml").read_text(
        encoding="utf-8"
    )
)


@_SETTINGS
@given(st.sampled_from(sorted(_HUNGARY)), yaml_values)
@example(field="sources", value=[{"\x1e": None}])  # a key with a line separator in it
def test_a_real_event_with_any_value_in_any_field_never_causes_a_traceback(
    repo: Path, field: str, value: object
) -> None:
    """A valid file with one field replaced by an arbitrary value (a list where text
    belongs, a mapping where a list belongs, ...): found the bare-string source bug."""
    document = {**_HUNGARY, "id": "fuzzed", field: value}
    _answers_clearly(repo, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))
