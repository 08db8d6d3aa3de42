"""Safe YAML: only text and null, nothing executed, nothing ambiguous."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from timeline.errors import EventDataError, YamlProblem
from timeline.formats import yamlio
from timeline.formats.codec import structure_event
from timeline.formats.yamlio import MAX_DEPTH, dump, load, parse


def test_plain_scalars_stay_text_so_norway_is_not_false() -> None:
    doc = parse("a: NO\nb: 2024-06-18\nc: 2024\nd: 1.5\ne: yes\nf: ~\ng:\n")
    expected = {"a": "NO", "b": "2024-06-18", "c": "2024", "d": "1.5", "e": "yes"}
    assert {**expected, "f": None, "g": None} == doc.data


def test_positions_point_at_keys_and_items() -> None:
    doc = parse("a: 1\nlist:\n  - x\n  - y\nmap:\n  inner: z\n")
    assert (1, 1) == doc.locate(("a",))
    assert (4, 5) == doc.locate(("list", 1))
    assert (6, 3) == doc.locate(("map", "inner"))
    assert (6, 3) == doc.locate(("map", "inner", "deeper"))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: !!python/object:os.system x\n", 1, "YAML tags are not allowed"),
        ("a: !!binary aGk=\n", 1, "YAML tags are not allowed"),
        ("a: &x [1]\nb: *x\n", 2, "anchors and aliases are not allowed"),
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first given on line 1)"),
        ("a: [1\n", 2, "malformed YAML"),
        ("a: 1\n---\nb: 2\n", 2, "malformed YAML"),
        ("", 1, "the file is empty"),
        ("? [a]\n: b\n", 1, "keys must be plain field names"),
    ],
)
def test_unsafe_or_ambiguous_yaml_is_refused(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse(text)
    assert line == info.value.line
    assert message in info.value.message


def test_a_billion_laughs_is_refused_at_the_first_alias() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(YamlProblem, match="anchors and aliases"):
        parse("\n".join(lines) + "\n")


def test_dump_writes_dates_plain_and_ambiguous_text_quoted() -> None:
    text = dump({"date": "2024-06-18", "members": ["NO", "HU"], "note": "null"})
    assert "date: 2024-06-18\nmembers:\n- 'NO'\n- HU\nnote: 'null'\n" == text
    assert {"date": "2024-06-18", "members": ["NO", "HU"], "note": "null"} == parse(text).data


def test_the_pure_python_loader_reads_the_repository_alike() -> None:
    """Without libyaml, PyYAML's pure safe loader is used, with the same results."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = """
import json, sys, datetime, pathlib, yaml
for name in ("CSafeLoader", "CSafeDumper"):
    if hasattr(yaml, name):
        delattr(yaml, name)
import timeline, timeline.formats.yamlio
from timeline.views.state import state_to_json
assert timeline.formats.yamlio._BASE_LOADER is yaml.SafeLoader
repo = timeline.load_repository(pathlib.Path("events"))
day = datetime.date(2024, 6, 18)
state = timeline.state_at(repo.events, day, "nato-secretary-general-2024")
print(json.dumps(state_to_json(state, day)))
"""
    root = Path(__file__).resolve().parent.parent
    pure = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    fast = subprocess.run(
        [sys.executable, "-m", "timeline", "state", "--at", "2024-06-18", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(fast.stdout) == json.loads(pure.stdout)


def _nested(depth: int, flow: bool, mapping: bool) -> str:
    if flow:
        return ("{a: " * depth + "x" + "}" * depth) if mapping else "[" * depth + "x" + "]" * depth
    lines = [f"{'  ' * (i + 1)}{'a:' if mapping else '-'}" for i in range(depth)]
    return "\n" + "\n".join(lines) + f"\n{'  ' * (depth + 1)}x"


@given(st.integers(1, 3000), st.booleans(), st.booleans(), st.sampled_from(["note", "members"]))
def test_any_nesting_is_one_clear_problem_never_a_traceback(
    depth: int, flow: bool, mapping: bool, field: str
) -> None:
    """500 nested lists or 990 nested mappings once ended in a RecursionError."""
    text = f"type: mention\n{field}: {_nested(depth, flow, mapping)}\n"
    if depth < MAX_DEPTH:  # shallow enough to load: the codec says what is wrong
        with pytest.raises(EventDataError):
            structure_event(load(text))
        return
    with pytest.raises(YamlProblem, match="nest"):
        load(text)


def test_deep_nesting_with_the_pure_python_loader_is_one_clear_problem() -> None:
    import subprocess
    import sys

    script = """
import yaml
for name in ("CSafeLoader", "CSafeDumper"):
    if hasattr(yaml, name):
        delattr(yaml, name)
from timeline.formats import yamlio
assert yamlio._BASE_LOADER is yaml.SafeLoader
deep_lists = "x: " + "[" * 3000 + "]" * 3000
deep_maps = "x:" + "".join("\\n" + "  " * i + "a:" for i in range(1, 990))
for text in (deep_lists, deep_maps):
    try:
        yamlio.load(text)
    except yamlio.YamlProblem as problem:
        print(problem.message)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "" == result.stderr
    assert 2 == len(result.stdout.splitlines())
    assert all("nest" in line for line in result.stdout.splitlines())


def test_a_top_level_key_is_located_as_a_full_parse_locates_it() -> None:
    """``key_position`` (used to point at a warning without building the document) gives
    what ``parse`` gives, for every field of every event file of the repository."""
    files = sorted((Path(__file__).parent.parent / "events").rglob("*.yaml"))
    assert len(files) > 500
    for path in files[::7]:
        text = path.read_text(encoding="utf-8")
        document = yamlio.parse(text)
        for key in document.data:
            assert document.locate((key,)) == yamlio.key_position(text, key), (path, key)
        assert yamlio.key_position(text, "no-such-field") is None


_keys = st.sampled_from(["id", "members", "naïve", "ключ", "x y", "🙂"])
_scalars = st.one_of(st.text(max_size=12), st.sampled_from(["", "~", "null", "a\nb", "é" * 3]))
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=8,
)


@given(
    st.dictionaries(_keys, _values, min_size=1, max_size=5),
    st.sampled_from([None, True, False]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_a_drawn_top_level_key_is_located_as_a_full_parse_locates_it(
    data: dict[str, object], flow: bool | None, newline: str
) -> None:
    """Drawn documents, block or flow style, with text that is not ASCII and either line
    break: ``key_position`` (libyaml's events) and ``parse`` (the composed document) agree
    on every key, and say None for a key that is not there."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=30)
    text = text.replace("\n", newline)
    document = yamlio.parse(text)
    for key in document.data:
        assert document.locate((key,)) == yamlio.key_position(text, key)
    assert yamlio.key_position(text, "no-such-field") is None
