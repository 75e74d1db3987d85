"""The house's rules, read from the imports of ``src/jianguan`` (docs/architecture.md draws them).

Imports go one way: entrypoints (CLI, web) → bootstrap → services → domain, with adapters
implementing the services' ports. Only the composition root (``bootstrap.py``) names adapters;
the domain uses the standard library only; the web application is an entrypoint like the CLI and
the two never import each other; and no module imports itself back through others.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "jianguan"


def module_name(path: Path) -> str:
    parts = ("jianguan", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SRC.rglob("*.py")}


def _resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (anywhere in it), ``from a import b`` counted as ``a.b`` when
    ``b`` is a module of ours."""
    here = module_name(path)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, here, path.name == "__init__.py")
            subs = {f"{target}.{a.name}" for a in node.names} & MODULES.keys()
            names.update(subs or {target})
    return names


IMPORTS = {name: imports_of(path) for name, path in MODULES.items()}


def offenders(where: Iterable[str], banned: tuple[str, ...]) -> dict[str, list[str]]:
    out = {
        m: sorted(n for n in IMPORTS[m] if n == banned or n.startswith(banned))
        for m in where
        if m in IMPORTS
    }
    return {m: n for m, n in out.items() if n}


def inside(*packages: str) -> list[str]:
    prefixes = tuple(f"jianguan.{p}" for p in packages)
    return [m for m in IMPORTS if m in prefixes or m.startswith(tuple(p + "." for p in prefixes))]


def test_domain_uses_only_the_standard_library_and_itself() -> None:
    found = {
        m: sorted(
            n
            for n in IMPORTS[m]
            if n.split(".")[0] not in sys.stdlib_module_names
            and not n.startswith(("jianguan.domain", "__future__"))
        )
        for m in inside("domain")
    }
    assert {m: n for m, n in found.items() if n} == {}


def test_only_the_bootstrap_names_adapters() -> None:
    # Issue 12: adapters were built 39 times in 16 CLI and web modules; now one module does it.
    everywhere_else = [m for m in IMPORTS if m != "jianguan.bootstrap"]
    outside = [m for m in everywhere_else if m not in inside("adapters")]
    assert offenders(outside, ("jianguan.adapters",)) == {}


def test_services_reach_neither_the_bootstrap_nor_the_entrypoints() -> None:
    banned = ("jianguan.bootstrap", "jianguan.entrypoints", "jianguan.web", "jianguan.adapters")
    assert offenders(inside("services", "domain"), banned) == {}


def test_adapters_do_not_import_entrypoints_or_the_bootstrap() -> None:
    banned = ("jianguan.entrypoints", "jianguan.web", "jianguan.bootstrap")
    assert offenders(inside("adapters"), banned) == {}


def test_the_web_application_is_an_entrypoint_beside_the_cli() -> None:
    assert offenders(inside("web"), ("jianguan.entrypoints",)) == {}
    assert offenders(["jianguan.bootstrap"], ("jianguan.web", "jianguan.entrypoints")) == {}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_back() -> None:
    # A package's own __init__ is where its children live; a child naming its package is not a
    # cycle of design, so the edge child → parent package is left out.
    graph = {
        m: {n for n in IMPORTS[m] if n in MODULES and n != m and not m.startswith(n + ".")}
        for m in MODULES
    }
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
