"""The tree shows the architecture: each subpackage imports only what its docstring allows.

The core (``model``, ``engine``, ``formats``) never imports the shell (``storage``,
``views``, ``cli``, ``importers``); views never read files through storage; nothing but
the CLI imports click. Read from the source, so a new import that breaks a layer fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import timeline

PACKAGE = Path(timeline.__file__).parent

#: Per subpackage, the parts of timeline it may import (besides itself and ``errors``).
ALLOWED = {
    "model": set(),
    "engine": {"model"},
    "formats": {"model"},
    "storage": {"model", "engine", "formats"},
    "views": {"model", "engine", "formats"},
    "importers": {"model", "engine", "formats", "storage"},
    "cli": {"model", "engine", "formats", "storage", "views", "importers"},
}


def _timeline_imports(path: Path) -> set[str]:
    """The subpackages (or top modules) of timeline that ``path`` imports, lazily or not."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "timeline":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from timeline import x: x is a subpackage or a name of the top module
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "timeline":
                    found.add(parts[1] if len(parts) > 1 else "timeline")
    return found


def _modules() -> list[str]:
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if len(path.relative_to(PACKAGE).parts) > 1
    )


def test_every_module_lives_in_a_subpackage() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert ["__init__.py", "__main__.py", "errors.py"] == top
    assert set(ALLOWED) == {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


@pytest.mark.parametrize("module", _modules(), ids=str)
def test_imports_follow_the_layers(module: str) -> None:
    home = module.split("/")[0]
    imported = _timeline_imports(PACKAGE / module) - {home, "errors"}
    assert set() == imported - ALLOWED[home], f"{module} imports across its layer"


@pytest.mark.parametrize("home", sorted(ALLOWED), ids=str)
def test_each_subpackage_says_what_it_may_import(home: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / home / "__init__.py").read_text()))
    assert docstring is not None
    assert "May import" in docstring


def test_the_architecture_page_names_every_module() -> None:
    """docs/architecture.md and the tree agree: each module of a subpackage appears in its
    row of the module table (or the CLI's "a module per group of commands"), and in the
    picture of the tree; no module the page names is missing from the package."""
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = page[page.index("```\ntimeline/") : page.index("```", page.index("```\ntimeline/") + 3)]
    named = set(re.findall(r"`([a-z_0-9]+)\.py`", page))
    for subpackage in ALLOWED:
        if subpackage == "cli":
            continue  # "common.py, a module per group of commands"
        for path in sorted((PACKAGE / subpackage).glob("*.py")):
            if path.name == "__init__.py":
                continue
            assert path.stem in named, f"docs/architecture.md does not describe {path}"
            if subpackage != "importers":
                assert re.search(rf"\b{path.stem}\b", tree), f"the tree picture lacks {path}"
    modules = {path.stem for path in PACKAGE.rglob("*.py")}
    assert named - modules - {"conftest", "reference_fold", "__main__"} == set()
