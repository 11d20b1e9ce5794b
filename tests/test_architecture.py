"""The boundaries of STYLE.md, enforced: a test, not a promise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

ANALYSIS = REPO / "analysis"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(ANALYSIS), ids=lambda p: str(p.relative_to(REPO)))
def test_analysis_never_imports_streamlit(path: Path) -> None:
    assert not {n for n in _imports(path) if n.split(".")[0] == "streamlit"}


@pytest.mark.parametrize(
    "path", _modules(ANALYSIS / "metrics"), ids=lambda p: str(p.relative_to(REPO))
)
def test_metrics_import_neither_plotly_nor_parsers(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("plotly", "analysis.parsers"))}
    assert not bad


@pytest.mark.parametrize(
    "path", _modules(ANALYSIS / "parsers"), ids=lambda p: str(p.relative_to(REPO))
)
def test_parsers_do_not_import_metrics(path: Path) -> None:
    assert not {n for n in _imports(path) if n.startswith("analysis.metrics")}


@pytest.mark.parametrize(
    "path", _modules(ANALYSIS / "figures"), ids=lambda p: str(p.relative_to(REPO))
)
def test_figures_never_read_files_or_stores(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("analysis.parsers", "analysis.store"))}
    assert not bad


def test_the_walk_sees_the_packages() -> None:
    # guards the tests above against silently walking an empty tree
    names = {p.parent.name for p in _modules(ANALYSIS)}
    assert {"parsers", "metrics", "figures", "store"} <= names


def test_column_names_are_not_spelled_in_pages() -> None:
    from analysis import columns

    names = {v for k, v in vars(columns).items() if k.isupper() and isinstance(v, str) and "_" in v}
    offenders = []
    for path in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                offenders.append(f"{path.name}: {node.value!r}")
    assert not offenders
