"""The cache of checked events never changes a result, and survives damage and company."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import LoadError, UnknownRaceError
from timeline.cli import main
from timeline.formats import cachefile
from timeline.storage import cache, fingerprint, load, reading
from timeline.storage.repository import Repository

from helpers import REPO, copy_repository

COUNCIL = REPO / "tests" / "data" / "council"
NATO = "nato-secretary-general-2024"


def _two_races(target: Path) -> Path:
    """The real race and the made-up council race, in one repository."""
    copy_repository(target)
    shutil.copytree(COUNCIL / "events", target / "events" / "council")
    shutil.copy(COUNCIL / "seeds" / "forum-bulletin.txt", target / "seeds")
    return target / "events"


def _outcome(load_it: Callable[[], Repository]) -> object:
    try:
        repository = load_it()
    except LoadError as exc:
        return "invalid", sorted(str(p) for p in exc.problems)
    except UnknownRaceError as exc:
        return "no race", str(exc)
    files = sorted((event_id, str(f.path)) for event_id, f in repository.files.items())
    return "valid", repository.events, files, repository.races


def _uncached(events: Path, race: str | None = None, one_race: bool = False) -> object:
    def run() -> Repository:
        repository = load.load_repository(events)
        return repository.only(race) if one_race else repository

    return _outcome(run)


def _cached(
    events: Path, directory: Path, race: str | None = None, one_race: bool = False
) -> object:
    return _outcome(lambda: _through(events, directory, race, one_race))


def _through(events: Path, directory: Path, race: str | None, one_race: bool) -> Repository:
    """The one loader, through the cache in ``directory``."""
    loaded = load.open_repository(events, store=cache.Store(directory, events))
    return loaded.only(race) if one_race else loaded.repository()


def _files(events: Path) -> list[Path]:
    return sorted(events.rglob("*.yaml"))


def _spy_on_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths every later load parses, as it parses them."""
    read: list[str] = []
    original = reading.read_files

    def spy(paths: list[str], *args: Any, **kwargs: Any) -> object:
        read.extend(paths)
        return original(paths, *args, **kwargs)

    monkeypatch.setattr("timeline.storage.checking.read_files", spy)
    return read


# --- edits a contributor (or an accident) makes ------------------------------------------


def _summary(path: Path, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"summary: {json.dumps(text)}\n" if x.startswith("summary:") else x for x in lines]
    path.write_text("".join(lines), encoding="utf-8")


def _same_size_same_time(path: Path, _: str) -> None:
    """Change one character and put the modification time back: only the content tells."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    at = data.index(b"summary: ") + len(b"summary: ")
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _break(path: Path, _: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n: [unclosed\n", encoding="utf-8")


def _delete(path: Path, _: str) -> None:
    path.unlink()


def _add(path: Path, text: str) -> None:
    """A copy of the event under a new id (and so a new file name)."""
    new_id = f"{path.stem}-copy"
    body = path.read_text(encoding="utf-8").replace(f"id: {path.stem}\n", f"id: {new_id}\n")
    (path.parent / f"{new_id}.yaml").write_text(body, encoding="utf-8")


def _touch(path: Path, _: str) -> None:
    os.utime(path)


def _foreign_member(path: Path, _: str) -> None:
    """A member outside the electorate: the file parses, the replay refuses it."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("members: [", "members: [JP, "), encoding="utf-8")


def _seed(path: Path, _: str) -> None:
    """A seed document loses its first half: quotes from it no longer match."""
    seeds = sorted((path.parents[2] / "seeds").iterdir())
    seed = seeds[len(path.stem) % len(seeds)]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text[len(text) // 2 :], encoding="utf-8")


EDITS: dict[str, Callable[[Path, str], None]] = {
    "summary": _summary,
    "same size, same time": _same_size_same_time,
    "break": _break,
    "delete": _delete,
    "add": _add,
    "touch": _touch,
    "foreign member": _foreign_member,
    "seed": _seed,
}

_edits = st.lists(
    st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 10_000), st.text(max_size=12)),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40)
@given(_edits, st.sampled_from([None, NATO, "council"]), st.booleans(), st.booleans())
def test_cached_equals_uncached_after_random_edits(
    edits: list[tuple[str, int, str]], race: str | None, aged: bool, fork: bool
) -> None:
    """After every edit, a load through the cache gives exactly what a fresh load gives:
    the same events, files and races, or the same problems.

    Files just written are "racy" (checked by content); ``aged`` files have old
    modification times, so the cache trusts their stat and must see changes in it.
    With ``fork``, a second process takes half the directories of every scan.
    """
    forking = fingerprint.FORK_FROM
    fingerprint.FORK_FROM = 1 if fork else 1_000_000
    try:
        _edit_and_compare(edits, race, aged)
    finally:
        fingerprint.FORK_FROM = forking


def _edit_and_compare(edits: list[tuple[str, int, str]], race: str | None, aged: bool) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        events = _two_races(Path(temporary) / "repo")
        if aged:
            for path in Path(temporary, "repo").rglob("*"):
                os.utime(path, (1e9, 1e9))  # 2001
        directory = Path(temporary) / "cache"
        assert _uncached(events) == _cached(events, directory)  # cold, then stored
        for kind, index, text in edits:
            files = _files(events)
            if files:
                EDITS[kind](files[index % len(files)], text)
            assert _uncached(events) == _cached(events, directory)
            assert _uncached(events, race, True) == _cached(events, directory, race, True)


def test_a_second_process_scans_as_one_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _two_races(tmp_path / "repo")
    (events / "loose.yaml").write_text("x", encoding="utf-8")  # a file in events/ itself
    alone = fingerprint.fingerprint(events)
    monkeypatch.setattr(fingerprint, "FORK_FROM", 1)
    assert alone == fingerprint.fingerprint(events)
    assert {"events", "seeds", "events/council", f"events/{NATO}"} == set(alone[0])


def test_a_warm_load_reads_no_event_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _two_races(tmp_path / "repo")
    expected = _cached(events, tmp_path / "cache", NATO, True)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm load parsed files")

    monkeypatch.setattr("timeline.storage.checking.read_files", refuse)
    assert expected == _cached(events, tmp_path / "cache", NATO, True)


def test_an_edit_reads_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _two_races(tmp_path / "repo")
    _cached(events, tmp_path / "cache")
    edited = _files(events)[3]
    _summary(edited, "An edited summary")
    expected = _uncached(events)
    read = _spy_on_reads(monkeypatch)
    assert expected == _cached(events, tmp_path / "cache")
    assert [str(edited)] == read


def test_an_edit_rewrites_only_the_race_it_touched(tmp_path: Path) -> None:
    """Race files are named by a digest of their inputs: an edit writes the edited race's
    file anew, leaves the other race's file as it was, and removes the file it replaced."""
    events = _two_races(tmp_path / "repo")
    directory = tmp_path / "cache"
    _cached(events, directory)
    (home,) = directory.iterdir()

    def race_files() -> dict[str, tuple[int, int]]:
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in home.glob("race-*")}

    before = race_files()
    _summary(_files(events / "council")[0], "An edited summary")
    assert _uncached(events) == _cached(events, directory)
    after = race_files()
    assert 2 == len(before) == len(after)
    (untouched,) = before.keys() & after.keys()
    assert before[untouched] == after[untouched]  # not written again
    assert _uncached(events, NATO, True) == _cached(events, directory, NATO, True)


def test_a_damaged_race_file_costs_only_its_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When an edit sends a load to the manifest and another race's file fails its digest,
    that race's event files are read again and the other races still come from the cache."""
    events = _two_races(tmp_path / "repo")
    directory = tmp_path / "cache"
    council = _files(events / "council")
    _cached(events, directory)
    (home,) = directory.iterdir()
    before = {p.name for p in home.glob("race-*")}
    _summary(council[0], "An edited summary")
    _cached(events, directory)
    (nato_file,) = before & {p.name for p in home.glob("race-*")}  # the race not edited
    (home / nato_file).write_bytes((home / nato_file).read_bytes()[:100])
    _summary(council[1], "Another edited summary")
    expected = _uncached(events)
    read = _spy_on_reads(monkeypatch)
    assert expected == _cached(events, directory)
    nato = [p for p in _files(events) if p not in council]
    assert sorted(map(str, [council[1], *nato])) == sorted(read)
    assert expected == _cached(events, directory)  # and the cache is whole again


@pytest.mark.parametrize("damage", ["truncate", "flip a byte", "empty", "not a cache"])
@pytest.mark.parametrize("which", ["manifest", "part", "race"])
def test_a_damaged_cache_is_detected_and_rebuilt(tmp_path: Path, damage: str, which: str) -> None:
    events = _two_races(tmp_path / "repo")
    directory = tmp_path / "cache"
    expected = _uncached(events, NATO, True)
    assert expected == _cached(events, directory, NATO, True)
    (home,) = directory.iterdir()
    victims = [p for p in home.iterdir() if p.name.startswith(which)]
    for victim in victims:
        data = victim.read_bytes()
        victim.write_bytes(
            {
                "truncate": data[: len(data) // 2],
                "flip a byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
                "empty": b"",
                "not a cache": b"\x80\x04K\x01.",  # a valid pickle of 1
            }[damage]
        )
    if which == "part":  # a directory's part is read when that directory changes
        for path in _files(events):
            os.utime(path)
    assert expected == _cached(events, directory, NATO, True)  # rebuilt, same answer
    assert expected == _cached(events, directory, NATO, True)  # and warm again
    assert all(p.read_bytes().startswith(cachefile.MAGIC) for p in home.iterdir())


def _as_cache_file(payload: bytes) -> bytes:
    """``payload`` with a cache file's header and a correct digest: what anyone who can
    write the cache folder could make (the digest has no key, and needs none now)."""
    import hashlib

    return cachefile.MAGIC + hashlib.blake2b(payload, digest_size=32).digest() + payload


def _pickles(tmp_path: Path) -> list[bytes]:
    """Pickles that run a command when unpickled: os.system by name, and os.system reached
    through a dotted name under timeline.* (protocol 4), which an allow list of timeline.*
    once let through."""
    command = f"touch {tmp_path / 'pwned'}".encode()
    classic = b"cos\nsystem\n(S'" + command + b"'\ntR."
    dotted = (
        b"\x80\x04\x8c\x0etimeline.cache\x8c\tos.system\x93\x8c"
        + bytes([len(command)])
        + command
        + b"\x85R."
    )
    return [classic, dotted]


def test_a_cache_file_holding_code_is_not_run(tmp_path: Path) -> None:
    """The cache holds JSON data: a pickle, even one that passed the old allow list, is
    only damage, and the answer is rebuilt as without a cache."""
    events = _two_races(tmp_path / "repo")
    directory = tmp_path / "cache"
    for payload in _pickles(tmp_path):
        _cached(events, directory)
        (home,) = directory.iterdir()
        for path in home.iterdir():
            path.write_bytes(_as_cache_file(payload))
        assert _uncached(events) == _cached(events, directory)
        assert not (tmp_path / "pwned").exists()


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["index", "manifest", "race"]),
    st.binary(max_size=200)
    | st.sampled_from([b"[1, 2, 3]", b'{"code": 1}', b'[[0, "a.yaml", ["mention"]]]', b"null"]),
)
def test_any_bytes_in_a_cache_file_are_data_or_damage(
    tmp_path_factory: pytest.TempPathFactory, which: str, payload: bytes
) -> None:
    """Whatever a cache file holds (with a correct digest), a load gives the uncached
    answer: it decodes to timeline's own values or is treated as damaged."""
    root = tmp_path_factory.mktemp("any")
    events = _two_races(root / "repo")
    directory = root / "cache"
    _cached(events, directory)
    (home,) = directory.iterdir()
    for path in home.iterdir():
        if path.name.startswith(which):
            path.write_bytes(_as_cache_file(payload))
    assert _uncached(events) == _cached(events, directory)


def test_processes_at_once_agree_and_leave_a_working_cache(tmp_path: Path) -> None:
    events = _two_races(tmp_path / "repo")
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "timeline", "state", "--at", "2024-06-18", "--race", NATO]
    runs = [
        subprocess.Popen(
            [*command, "--events", str(events)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = {run.communicate()[0] for run in runs}
    assert [0, 0, 0, 0] == [run.returncode for run in runs]
    assert 1 == len(outputs)
    again = subprocess.run(
        [*command, "--events", str(events)], env=env, capture_output=True, text=True, check=True
    )
    assert outputs == {again.stdout}
    (home,) = (tmp_path / "cache").iterdir()
    assert not [p for p in home.iterdir() if p.name.startswith(".")]  # no temporary left


def test_the_cache_never_lives_inside_events(tmp_path: Path) -> None:
    events = _two_races(tmp_path / "repo")
    result = CliRunner().invoke(
        main, ["--cache-dir", str(events / "c"), "state", "--at", "2024-06-18", "--race", NATO,
               "--events", str(events)],
    )  # fmt: skip
    assert 1 == result.exit_code
    assert f"error: the cache directory {events / 'c'} is inside {events}" in result.output
    assert not (events / "c").exists()


def test_no_cache_reads_every_file_and_writes_nothing(tmp_path: Path) -> None:
    events = _two_races(tmp_path / "repo")
    result = CliRunner().invoke(
        main, ["--no-cache", "--cache-dir", str(tmp_path / "cache"), "state", "--race", NATO,
               "--at", "2024-06-18", "--events", str(events)],
    )  # fmt: skip
    assert 0 == result.exit_code, result.output
    assert not (tmp_path / "cache").exists()


def test_the_default_cache_is_the_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIMELINE_CACHE_DIR")
    import platformdirs

    assert Path(platformdirs.user_cache_dir("timeline", appauthor=False)) == (
        cache.default_directory()
    )


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    """A cache directory that is a file (or read-only, or on a full disk) is no error."""
    events = _two_races(tmp_path / "repo")
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache would go", encoding="utf-8")
    expected = _uncached(events)
    assert expected == _cached(events, blocked)
    assert expected == _cached(events, blocked)
    assert "a file where the cache would go" == blocked.read_text(encoding="utf-8")


def test_a_cache_directory_someone_else_may_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git refuses a repository owned by someone else: one warning, then no cache."""
    repo = copy_repository(tmp_path / "repo")
    home = tmp_path / "shared-cache"
    home.mkdir()
    home.chmod(0o777)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["--cache-dir", str(home), "state", "--at", "2024-06-18"])
    assert 0 == result.exit_code
    assert [
        f"warning: not using the cache in {home}: {home} can be written by others (mode 777)"
    ] == (result.stderr.splitlines())
    assert [] == list(home.iterdir())  # nothing written there either
    assert "Holdouts (1): RO" in result.stdout
    # `new` loads twice (before and after writing its file): still one warning
    new = ["--cache-dir", str(home), "new", "endorsement", "--date", "2024-06-18"]
    new += ["--members", "HU", "--candidate", "mark-rutte"]
    new += ["--summary", "Hungary's backing, reported again"]
    new += ["--document", "seeds/003_30db4212d268332d.txt", "--published", "2024-06-18/2024-06-19"]
    new += ["--quote", "Hungary is ready to support PM Rutte’s bid"]
    result = CliRunner().invoke(main, new)
    assert 0 == result.exit_code, result.output
    warnings = [line for line in result.stderr.splitlines() if "not using the cache" in line]
    assert 1 == len(warnings)


def test_a_cache_directory_owned_by_someone_else_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from timeline.storage import cachefiles

    home = tmp_path / "theirs"
    home.mkdir(mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(home).st_uid + 1)
    assert f"{home} is owned by someone else" in (cachefiles.untrusted(home) or "")
    monkeypatch.undo()
    assert cachefiles.untrusted(home) is None
    assert cachefiles.untrusted(tmp_path / "not-made-yet") is None


def test_temporary_files_left_by_a_killed_writer_are_removed(tmp_path: Path) -> None:
    """kill -9 during a write left `.race-....<pid>.<ns>` files that were never removed."""
    import subprocess
    import sys
    import time

    from timeline.storage import cachefiles

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = tmp_path / f".race-0123.{dead.stdout.strip()}.{time.monotonic_ns()}"
    old = tmp_path / f".manifest.{os.getpid()}.1"
    mine = tmp_path / f".index.{os.getpid()}.2"
    for path in (gone, old, mine):
        path.write_bytes(b"half a file")
    eleven_minutes_ago = time.time_ns() - 11 * 60 * 1_000_000_000
    os.utime(old, ns=(eleven_minutes_ago, eleven_minutes_ago))
    cachefiles.sweep(tmp_path)
    assert [mine.name] == [p.name for p in tmp_path.iterdir()]


def test_validate_through_the_cache_reports_what_it_reports_without(tmp_path: Path) -> None:
    """``validate`` keeps per race what it found (its warnings): a second run reads those
    reports, a run after an edit replays the edited race alone; each time the problems
    are those of a validation without the cache, in the same order."""
    import datetime
    import subprocess
    import sys

    generate = Path(__file__).parent.parent / "benchmarks" / "generate.py"
    out = tmp_path / "generated"
    command = [sys.executable, str(generate), str(out), "--events", "600", "--per-race", "200"]
    subprocess.run(command, check=True, capture_output=True)
    events = out / "events"
    today = datetime.date(2026, 12, 6)

    def report(store: cache.Store | None) -> list[str]:
        check = load.check_repository(events, today=today, as_reported=True, store=store)
        return [str(p) for p in check.problems]

    store = cache.Store(tmp_path / "cache", events)
    expected = report(None)
    assert any("changes nothing" in line for line in expected)  # warnings to keep
    assert expected == report(store)  # written
    assert expected == report(store)  # read from the reports
    edited = sorted(events.rglob("*.yaml"))[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert report(None) == report(store)


def test_a_damaged_part_read_only_to_save_costs_the_save_not_the_answer(tmp_path: Path) -> None:
    """A race whose files lie in two directories: the part of the one not edited is read
    only when the edited race is saved. Damaged, it used to escape as an error; now the
    answer is given, nothing is saved, and the next load rebuilds."""
    events = _two_races(tmp_path / "repo")
    (events / "council-more").mkdir()
    council = _files(events / "council")
    for path in council[len(council) // 2 :]:
        path.rename(events / "council-more" / path.name)
    for path in Path(tmp_path, "repo").rglob("*"):
        os.utime(path, (1e9, 1e9))  # 2001: old enough for the cache to trust stats
    directory = tmp_path / "cache"
    assert _uncached(events) == _cached(events, directory)
    (home,) = directory.iterdir()
    for part in home.glob("part-*"):
        if "council/" not in part.read_text(encoding="utf-8", errors="replace"):
            continue
        if "council-more/" in part.read_text(encoding="utf-8", errors="replace"):
            continue
        part.write_bytes(b"not a cache")  # the part of events/council
    edited = _files(events / "council-more")[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    os.utime(edited, (1e9, 1e9))
    expected = _uncached(events)
    assert expected == _cached(events, directory)  # the answer, not an error
    assert expected == _cached(events, directory)  # and again: the damage found, rebuilt
    assert all(p.read_bytes().startswith(cachefile.MAGIC) for p in home.iterdir())
