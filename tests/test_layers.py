"""The package's layers import in one direction only, without cycles, in short modules."""

from __future__ import annotations

import ast
from pathlib import Path

import sphinxcontrib_mldesign

PACKAGE = Path(sphinxcontrib_mldesign.__file__).parent
NAME = "sphinxcontrib_mldesign"

#: Module prefix -> layer; a module may import its own layer and the ones before it.
LAYERS = {
    "model": 0, "version": 0,
    "nodes": 1,
    "config": 2, "config_validators": 2,
    "domain": 3,
    "directives": 4,
    "rules": 5,
    "state": 6,
    "outputs": 7, "export": 7, "rollups": 7, "html": 7, "imported_refs": 7,
    "cli": 8,
    "__main__": 9, "": 9,
}  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports (relative names, without the package)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = [part for part in package if part]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith(NAME):
                target = (node.module or "").removeprefix(NAME).lstrip(".")
            else:
                continue
            for alias in node.names:
                name = f"{target}.{alias.name}".lstrip(".")
                found.add(name if name in modules else target)
        elif isinstance(node, ast.Import):
            found |= {
                alias.name.removeprefix(NAME).lstrip(".")
                for alias in node.names
                if alias.name.startswith(NAME)
            }
    return {name for name in found if name in modules and name != module}


def _layer(module: str) -> int:
    prefix = max(
        (p for p in LAYERS if module == p or module.startswith(p + ".")), key=len, default=""
    )
    return LAYERS[prefix]


def test_every_module_imports_only_its_own_layer_and_those_before() -> None:
    modules = _modules()
    wrong = [
        f"{module} -> {imported}"
        for module, path in sorted(modules.items())
        for imported in sorted(_imports(module, path, modules))
        if _layer(imported) > _layer(module) and not module.startswith(imported)
    ]
    assert not wrong


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        module: {i for i in _imports(module, path, modules) if not module.startswith(i + ".")}
        for module, path in modules.items()
    }
    graph = {m: {i for i in deps if i != ""} for m, deps in graph.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, " -> ".join([*path[path.index(module) :], module])
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert not long


def _third_party_imports(path: Path) -> set[str]:
    """The top-level names of what a module imports from outside the package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
        elif isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
    return found - {NAME}


def test_the_model_is_sphinx_free() -> None:
    """The model (items, project, checks' inputs) imports neither Sphinx nor docutils: a
    project is made from plain data and checked without a build."""
    wrong = {
        module: sorted(names)
        for module, path in sorted(_modules().items())
        if module.partition(".")[0] == "model"
        and (names := _third_party_imports(path) & {"sphinx", "docutils"})
    }
    assert not wrong
