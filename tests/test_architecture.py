"""How the package is laid out: one reader of the schema, no category spelled in code, imports
that only run down the pipeline (read and check → analyse → publish), short functions."""

import ast
import functools
import json
from pathlib import Path

import pytest

from gbaresearch.dataset.paths import REPO_DIR

PACKAGE = REPO_DIR / "gbaresearch"
MAX_LINES = 80

# The package is a pipeline: each stage is a subpackage, and a module imports only modules of its
# own stage or an earlier one. The command line and the package's top import from every stage.
READ, ANALYSE, PUBLISH, TOP = 1, 2, 3, 4
STAGE = {"dataset": READ, "analysis": ANALYSE, "publish": PUBLISH}


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        parts = list(p.with_suffix("").relative_to(PACKAGE).parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


@functools.cache
def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


@functools.cache
def _nodes(name: str) -> tuple[ast.AST, ...]:
    """Every node of a module's tree (parsed and walked once per test process)."""
    return tuple(ast.walk(_tree(name)))


def _docstrings(tree: ast.Module) -> set[int]:
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _strings(name: str) -> list[str]:
    """Every string literal of a module that is not a docstring."""
    skip = _docstrings(_tree(name))
    return [
        n.value for n in _nodes(name) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


def _imports(name: str) -> set[str]:
    """The package's modules that ``name`` imports anywhere (top level or inside a function)."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for n in _nodes(name):
        if isinstance(n, ast.ImportFrom):
            if n.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (n.level - 1)] if n.level > 1 else base
                target = ".".join(base + ([n.module] if n.module else []))
            elif (n.module or "").startswith("gbaresearch"):
                target = (n.module or "").removeprefix("gbaresearch").lstrip(".")
            else:
                continue
            for c in [target] + [f"{target}.{a.name}".lstrip(".") for a in n.names]:
                if c in MODULES and c not in ("", name):
                    out.add(c)
        elif isinstance(n, ast.Import):
            for a in n.names:
                c = a.name.removeprefix("gbaresearch").lstrip(".")
                if a.name.startswith("gbaresearch.") and c in MODULES and c != name:
                    out.add(c)
    return out


def _descriptor() -> dict:
    return json.loads((REPO_DIR / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_only_the_schema_module_reads_the_descriptor():
    for name in MODULES:
        if name == "dataset.schema":
            continue
        strings = _strings(name)
        assert "datapackage.json" not in strings or name == "dataset.paths", f"{name} names datapackage.json"
        attrs = {n.attr for n in _nodes(name) if isinstance(n, ast.Attribute)}
        assert "descriptor" not in attrs, f"{name} reads a raw descriptor: use the schema's properties"
        calls = {
            f"{n.func.value.id}.{n.func.attr}"
            for n in _nodes(name)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        }
        names = {n.id for n in _nodes(name) if isinstance(n, ast.Name)}
        if "PACKAGE_FILE" in names:
            assert not calls & {"json.load", "json.loads"}, f"{name} parses datapackage.json itself"


def test_no_category_value_is_spelled_in_the_package():
    desc = _descriptor()
    names = {r["name"] for r in desc["resources"]}
    names |= {f["name"] for r in desc["resources"] for f in r["schema"]["fields"]}
    values = set()
    for r in desc["resources"]:
        for f in r["schema"]["fields"]:
            for c in f.get("categories") or []:
                v = c["value"] if isinstance(c, dict) else c
                # a value that is also a table or field name, or a language code, is spelled as that
                if isinstance(v, str) and v not in names and v not in ("en", "zh", "both", "date", "translation"):
                    values.add(v)
    found = {
        (name, s)
        for name in MODULES
        if name not in ("dataset.schema", "dataset.labels")
        for s in _strings(name)
        if s in values
    }
    assert found == set(), "category values belong in datapackage.json: give the category a gba: property"


def test_imports_form_no_cycle():
    graph = {name: _imports(name) - {""} for name in MODULES if name}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(path[path.index(nxt) :] + [nxt]))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def _stage(name: str) -> int:
    """The stage of a module: that of the subpackage it lives in; the top for the rest."""
    return STAGE.get(name.split(".")[0], TOP)


def test_imports_run_down_the_pipeline():
    for name in MODULES:
        own = _stage(name)
        for dep in _imports(name):
            assert _stage(dep) <= own, f"{name} (stage {own}) imports {dep}, a later stage"
    assert not any(d.startswith("publish.site") for d in _imports("publish.exports"))
    assert "dataset.validation" not in _imports("dataset.rules")


def test_every_module_lives_in_its_stage():
    top = {name for name in MODULES if "." not in name}
    assert top == {"", "cli", "__main__", "dataset", "analysis", "publish"}, "put a new module in its stage's folder"
    for name in MODULES:
        first = MODULES[name].read_text(encoding="utf-8").lstrip().split("\n", 1)[0]
        assert first.startswith('"""') and len(first) > 10, f"{name}: the first line of its docstring says its job"


def test_no_function_is_longer_than_80_lines():
    long = []
    for name in MODULES:
        for n in _nodes(name):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > MAX_LINES:
                long.append(f"{name}.{n.name}: {n.end_lineno - n.lineno + 1} lines")
    assert long == [], "split these functions"


def test_no_second_command_line():
    for name in MODULES:
        if name in ("cli", "__main__"):
            continue
        tree = _tree(name)
        assert "argparse" not in {a.name for n in _nodes(name) if isinstance(n, ast.Import) for a in n.names}, name
        mains = [
            n
            for n in tree.body
            if isinstance(n, ast.If)
            and isinstance(n.test, ast.Compare)
            and getattr(n.test.left, "id", "") == "__name__"
        ]
        assert mains == [], f"{name} has a __main__ block: commands live in cli"
