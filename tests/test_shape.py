"""The engine's shape, as contributing.md maps it: layers that import downwards only,
parts of a package that stay its own, and tests that use the engine's public names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "handbook"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, typing_too: bool) -> set[str]:
    """The modules (and names, as ``module.name``) a file imports; those imported only
    for type checkers (``if TYPE_CHECKING:``) when ``typing_too``."""
    found: set[str] = set()

    def visit(nodes: list[ast.stmt] | list[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit([*node.orelse, *(node.body if typing_too else [])])
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the file's package
                    package = _module(path).split(".")[: None if path.stem == "__init__" else -1]
                    base = ".".join([*package[: len(package) - node.level + 1], base]).strip(".")
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            else:
                visit(list(ast.iter_child_nodes(node)))

    visit(ast.parse(path.read_text()).body)
    return found


def _graph(typing_too: bool = False) -> dict[str, set[str]]:
    modules = {_module(path): path for path in ENGINE.rglob("*.py")}
    return {
        name: {found for found in _imports(path, typing_too=typing_too) if found in modules}
        - {name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the chain of modules; empty when there is none."""
    done: set[str] = set()

    def walk(name: str, chain: list[str]) -> list[str]:
        if name in chain:
            return [*chain[chain.index(name) :], name]
        if name in done:
            return []
        for imported in sorted(graph[name]):
            if found := walk(imported, [*chain, name]):
                return found
        done.add(name)
        return []

    for name in sorted(graph):
        if found := walk(name, []):
            return found
    return []


def _private(name: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in name.split("."))


def test_no_module_of_the_engine_imports_one_that_imports_it() -> None:
    assert _cycle(_graph()) == []


def test_the_evaluators_and_emulators_never_import_the_run() -> None:
    """They are given a Desk; the run depends on them, never the reverse."""
    graph = _graph(typing_too=True)
    importers = sorted(
        name
        for name, imported in graph.items()
        if (name == "handbook.evaluators" or name.startswith("handbook.emulators"))
        and "handbook.run" in imported
    )
    assert importers == []


def test_no_module_reaches_into_another_packages_private_parts() -> None:
    reaching = sorted(
        f"{name} imports {imported}"
        for name, imports in _graph(typing_too=True).items()
        for imported in imports
        if _private(imported) and not imported.startswith(name.rpartition(".")[0] + ".")
    )
    assert reaching == []


def test_the_tests_use_only_the_engines_public_names() -> None:
    private = sorted(
        f"{path.relative_to(ROOT)} imports {imported}"
        for path in (ROOT / "tests").rglob("*.py")
        for imported in _imports(path, typing_too=True)
        if imported.startswith("handbook") and _private(imported)
    )
    assert private == []


def test_the_check_finds_a_cycle_and_a_private_import(tmp_path: Path) -> None:
    """The checks above can fail: a cycle and a private import are found."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    test = tmp_path / "test_x.py"
    test.write_text("from handbook.emulators.docker import _x\nimport handbook._y\n")
    assert {name for name in _imports(test, typing_too=True) if _private(name)} == {
        "handbook.emulators.docker._x",
        "handbook._y",
    }
