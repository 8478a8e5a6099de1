"""Check offerlab's import graph: no cycle between modules, and the layers' arrows point one way.

    python scripts/check_imports.py            # exit 0 when the graph is clean, else 1
    python scripts/check_imports.py --edges    # also print every edge, for a look at the graph

The layers (docs/architecture.md): ``cli``, ``web`` -> services -> domain <- ``store``. The domain
packages (``offers``, ``market``, ``negotiate``, ``scenarios``, ``prep``, ``money``, ``errors``,
``validation``) never import ``store``, ``cli`` or ``web``, not even under ``TYPE_CHECKING`` or
inside a function: they declare what they need as a Protocol and receive it.

An edge is an import statement of a module, wherever it stands in the file:
``from offerlab.web import api`` is an edge to ``offerlab.web.api`` (a submodule), while
``from offerlab.offers import Offer`` is an edge to ``offerlab.offers`` (the package's
``__init__``, which defines or re-exports the name). Only the source is read; nothing is imported.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "offerlab"

#: Packages and modules of the domain, and what they may never import.
DOMAIN = ("offers", "market", "negotiate", "scenarios", "prep", "money", "errors", "validation")
EDGES_OF_THE_APP = ("store", "cli", "web")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(node: ast.AST, module: str, is_package: bool, known: Mapping[str, Path]) -> set[str]:
    """The modules one import statement names (only offerlab's own)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
    if not isinstance(node, ast.ImportFrom):
        return set()
    if node.level:
        # `from . import x` in a package's __init__ is relative to the package itself; in a
        # plain module, to the package that holds it.
        here = module.split(".") if is_package else module.split(".")[:-1]
        base = here[: len(here) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if target.split(".")[0] != PACKAGE:
        return set()
    named = set()
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        named.add(sub if sub in known else target)
    return named


def graph(known: Mapping[str, Path]) -> dict[str, set[str]]:
    """Each module's edges to the modules it imports."""
    edges: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        out: set[str] = set()
        for node in ast.walk(tree):
            out |= _imported(node, module, is_package, known)
        edges[module] = {target for target in out if target != module}
    return edges


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative so a deep graph cannot exhaust the stack), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def successors(node: str) -> Iterator[str]:
        return iter(sorted(edges.get(node, ())))

    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, successors(start))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, successors(child)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c))


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def wrong_way(edges: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Edges from a domain module to ``store``, ``cli`` or ``web``."""
    return sorted(
        (source, target)
        for source, targets in edges.items()
        if _layer(source) in DOMAIN
        for target in targets
        if _layer(target) in EDGES_OF_THE_APP
    )


def main(argv: list[str]) -> int:
    known = modules()
    edges = graph(known)
    if "--edges" in argv:
        for source in sorted(edges):
            for target in sorted(edges[source]):
                print(f"{source} -> {target}")
    problems = 0
    for component in cycles(edges):
        problems += 1
        print(f"cycle of {len(component)} modules: {', '.join(component)}")
    for source, target in wrong_way(edges):
        problems += 1
        print(f"domain module {source} imports {target} (the arrow must point the other way)")
    count = sum(len(t) for t in edges.values())
    if problems:
        print(f"{problems} problem(s) in the import graph of {len(known)} modules, {count} edges")
        return 1
    print(f"import graph clean: {len(known)} modules, {count} edges, no cycle, no wrong-way edge")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
