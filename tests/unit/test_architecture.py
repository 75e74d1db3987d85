"""Imports go one way: entrypoints → services → domain; the domain uses the standard library only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "jianguan"


def imported_modules(folder: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        out[str(path.relative_to(SRC))] = names
    return out


def test_domain_uses_only_the_standard_library_and_itself() -> None:
    offenders = {
        path: sorted(
            n
            for n in names
            if n.split(".")[0] not in sys.stdlib_module_names
            and not n.startswith(("jianguan.domain", "__future__"))
        )
        for path, names in imported_modules(SRC / "domain").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_services_do_not_import_adapters_or_entrypoints() -> None:
    offenders = {
        path: sorted(
            n for n in names if n.startswith(("jianguan.adapters", "jianguan.entrypoints"))
        )
        for path, names in imported_modules(SRC / "services").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_adapters_do_not_import_entrypoints() -> None:
    offenders = {
        path: sorted(n for n in names if n.startswith("jianguan.entrypoints"))
        for path, names in imported_modules(SRC / "adapters").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_only_entrypoints_import_the_web_layer() -> None:
    """jianguan.web is an entrypoint layer: domain, services and adapters never import it."""
    offenders = {
        path: sorted(n for n in names if n.startswith("jianguan.web"))
        for folder in ("domain", "services", "adapters")
        for path, names in imported_modules(SRC / folder).items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}
