"""The shape of the package, drawn from its import statements: data flows one
way, so the modules import each other without a cycle; the reader only
reads; sibling record builders share helpers from lower modules instead of
importing each other; the checks take the extraction and nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
RECORD_BUILDERS = {"results", "workplan", "budget", "risks", "document"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports anywhere in its code (at
    the top, inside functions, under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """A cycle of imports as the modules along it, or [] when there is none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    assert len(edges) > 20 and edges["pipeline.extract"]  # the graph was drawn
    assert cycle(edges) == []


def test_a_cycle_is_found_where_there_is_one() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [
        "a",
        "b",
        "c",
        "a",
    ]


def test_the_reader_reads_and_nothing_more() -> None:
    """OCR reads too: the pages that are pictures."""
    edges = graph()
    assert edges["pipeline.reader"] <= {
        "pipeline.errors",
        "pipeline.model",
        "pipeline.ocr",
    }
    assert edges["pipeline.ocr"] <= {"pipeline.errors", "pipeline.model"}


def test_record_builders_do_not_import_each_other() -> None:
    edges = graph()
    for builder in RECORD_BUILDERS:
        siblings = {f"pipeline.{b}" for b in RECORD_BUILDERS - {builder}}
        assert not edges[f"pipeline.{builder}"] & siblings, builder


def test_every_check_takes_the_extraction_alone() -> None:
    tree = ast.parse((PACKAGE / "checks.py").read_text("utf-8"))
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    [listed] = [
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and node.target.id == "CHECKS"
    ]
    names = [n.id for n in listed.elts]
    assert len(names) > 10
    for name in names:
        args = functions[name].args
        assert [ast.unparse(a.annotation) for a in args.args] == ["Extraction"], name
        assert not (args.kwonlyargs or args.vararg or args.kwarg), name
    assert "class Extraction" in (PACKAGE / "extraction.py").read_text("utf-8")
