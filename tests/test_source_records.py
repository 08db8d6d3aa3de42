"""seeds/records.yaml: what is known of the records events cite, checked like any input.

A malformed file is an error at its line; the file may be edited after it is merged (what
is known of a source grows), unlike the seeds; it is not a seed; a citation belongs to the
entry with the longest address its URL starts with.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from timeline.cli import main
from timeline.model.sources import RECORDS, SourceIndex, SourceRecord, source_records

from helpers import NATO, REPO, copy_repository


def _validate(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["validate", "--events", str(repo / "events"), *args])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def test_the_real_file_is_valid_and_is_not_a_seed(repo: Path) -> None:
    """No error, and no warning that seeds/records.yaml is an article without a record."""
    assert (REPO / RECORDS).is_file()
    result = _validate(repo)
    assert 0 == result.exit_code, result.output
    assert "records.yaml" not in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a list\n", "seeds/records.yaml:1:1: error: the records file is a mapping"),
        (
            "https://example.org/data/:\n  publisher: P\n  licese: CC0\n",
            "seeds/records.yaml:3:3: error: unknown field 'licese'",
        ),
        (
            "example.org/data/:\n  publisher: P\n",
            "seeds/records.yaml:1:1: error: 'example.org/data/' is not an http(s) address",
        ),
        (
            "https://example.org/data/:\n  licence: CC0\n  licence_url: not a url\n",
            "seeds/records.yaml:3:3: error: 'not a url' is not a well-formed http(s) URL",
        ),
        (
            "https://example.org/data/:\n  licence: [1, 2]\n",
            "seeds/records.yaml:2:3: error: licence is text, or null when not known",
        ),
        ("https://example.org/data/: [\n", "seeds/records.yaml:2:1: error: "),
    ],
)
def test_a_malformed_file_is_an_error_at_its_line(repo: Path, text: str, expected: str) -> None:
    (repo / RECORDS).write_text(text, encoding="utf-8")
    result = _validate(repo)
    assert 1 == result.exit_code
    assert any(line.startswith(expected) for line in result.output.splitlines()), result.output
    exported = CliRunner().invoke(
        main, ["export", "--events", str(repo / "events"), "--format", "sqlite", "--out",
               str(repo / "record.db")],
    )  # fmt: skip
    assert 1 == exported.exit_code
    assert not (repo / "record.db").exists()


def test_an_edit_is_checked_through_a_warm_cache(repo: Path) -> None:
    """The cache's quick answer (nothing changed) does not hide an edit of the file."""
    assert 0 == _validate(repo).exit_code  # the cache filled
    with (repo / RECORDS).open("a", encoding="utf-8") as file:
        file.write("\nhttps://example.org/x/:\n  license: CC0\n")
    result = _validate(repo)
    assert 1 == result.exit_code
    assert "seeds/records.yaml:" in result.output
    assert "unknown field 'license'" in result.output


def test_a_link_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("https://example.org/x/:\n  licence: CC0\n", encoding="utf-8")
    (repo / RECORDS).unlink()
    (repo / RECORDS).symlink_to(outside)
    result = _validate(repo)
    assert 1 == result.exit_code
    assert (
        "seeds/records.yaml:1:1: error: seeds/records.yaml is reached through a symbolic link"
        in (result.output)
    )


def _commit(repo: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")


def test_the_file_may_be_edited_after_it_is_merged(repo: Path) -> None:
    _commit(repo)
    with (repo / RECORDS).open("a", encoding="utf-8") as file:
        file.write("\nhttps://example.org/minutes/:\n  publisher: A body\n")
    result = _validate(repo, "--base", "HEAD")
    assert 0 == result.exit_code, result.output


def test_a_citation_belongs_to_the_longest_address() -> None:
    records, findings = source_records(
        {
            "https://example.org/": {"publisher": "Example"},
            "https://example.org/data/": {"publisher": "Example data", "licence": "CC0 1.0"},
        }
    )
    assert [] == findings
    index = SourceIndex(records)
    assert index.of("https://example.org/data/2024.csv") == SourceRecord(
        address="https://example.org/data/", publisher="Example data", licence="CC0 1.0"
    )
    assert index.of("https://example.org/news/1") == records["https://example.org/"]
    assert index.of("https://example.com/data/") is None
    assert index.of(None) is None


_PIECES = st.sampled_from(["https://a.org/", "https://a.org/x", "https://b.org/", "x", "/", "y/"])


@given(
    st.lists(st.lists(_PIECES, min_size=1, max_size=4).map("".join), max_size=12),
    st.lists(_PIECES, min_size=1, max_size=6).map("".join),
)
def test_the_index_finds_what_a_search_of_every_address_finds(
    addresses: list[str], url: str
) -> None:
    """Any addresses, any URL: the longest address the URL starts with, or none."""
    records = {a: SourceRecord(address=a) for a in addresses}
    prefixes = [a for a in records if url.startswith(a)]
    expected = records[max(prefixes, key=len)] if prefixes else None
    assert SourceIndex(records).of(url) == expected


def test_an_event_cannot_cite_the_records_file(repo: Path) -> None:
    """The file may be edited after merge: what an event quotes must not be."""
    event = repo / "events" / NATO / "2024-02-22-france-backs-rutte.yaml"
    text = event.read_text(encoding="utf-8")
    text = text.replace(
        "sources:\n",
        "sources:\n  - document: seeds/records.yaml\n"
        '    quote: "Roll call votes of the US House of Representatives"\n',
        1,
    )
    event.write_text(text, encoding="utf-8")
    result = _validate(repo)
    assert 1 == result.exit_code
    assert "seeds/records.yaml is what is known of the records, not an article" in result.output


def test_only_the_files_of_what_is_known_may_be_edited_not_any_of_their_names(
    repo: Path,
) -> None:
    """A seed in a folder of seeds/ named records.yaml is a seed: never edited."""
    (repo / "seeds" / "old-seeds").mkdir()
    (repo / "seeds" / "old-seeds" / "records.yaml").write_text("An article.\n", encoding="utf-8")
    _commit(repo)
    (repo / "seeds" / "old-seeds" / "records.yaml").write_text("Rewritten.\n", encoding="utf-8")
    result = _validate(repo, "--base", "HEAD")
    assert 1 == result.exit_code
    assert "seeds/old-seeds/records.yaml:1:1: error: this seed document existed at HEAD" in (
        result.output
    )
