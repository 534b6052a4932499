"""The shape of the package, drawn from its import statements: data flows one
way, so the modules import each other without a cycle; the reader only
reads; sibling record builders share helpers from lower modules instead of
importing each other; the checks take the extraction and nothing else; each
table kind is declared once, with its rules, its records and their schemas."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from pipeline.extraction import Extraction
from pipeline.kinds import TABLE_KINDS
from pipeline.model import Document
from pipeline.reference import vocabulary
from pipeline.results import Framework
from pipeline.tables import YEAR_OR_QUARTER, Column, classify

pytestmark = pytest.mark.fast

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
SCHEMAS = PACKAGE.parent / "schemas"
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
        "pipeline.processes",
    }
    assert edges["pipeline.ocr"] <= {
        "pipeline.errors",
        "pipeline.model",
        "pipeline.processes",
    }


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


def columns_with(roles: list[str]) -> list[Column]:
    """A table's columns with these roles, `year_or_quarter` a year column."""
    return [
        Column(i, year=2019)
        if role == YEAR_OR_QUARTER
        else Column(i, role=role, support=1.0)
        for i, role in enumerate(roles)
    ]


def test_every_table_kind_has_its_rules_records_and_schemas() -> None:
    rules = vocabulary()["table_kinds"]
    roles = set(vocabulary()["table_columns"]) | {YEAR_OR_QUARTER}
    names = [kind.name for kind in TABLE_KINDS]
    assert len(names) >= 4 and len(set(names)) == len(names)
    assert set(names) == set(rules)  # no kind without rules, no rules without a kind
    datasets = [table for kind in TABLE_KINDS for table in kind.datasets]
    assert len(set(datasets)) == len(datasets)  # each dataset table has one kind
    for kind in TABLE_KINDS:
        assert callable(kind.records) and kind.missing, kind.name
        assert kind.datasets, kind.name
        for table in kind.datasets:
            assert (SCHEMAS / f"{table}.schema.json").is_file(), (kind.name, table)
        for rule in rules[kind.name]:
            assert rule["required"] and rule["any"], kind.name
            assert set(rule["required"]) | set(rule["any"]) <= roles, kind.name


def test_each_kind_fills_only_its_own_dataset_tables() -> None:
    doc = Document("empty.pdf", "empty", "", [])
    ex = Extraction(doc, [], [], Framework([], []), [], [], [], [])
    for kind in TABLE_KINDS:
        records = kind.records(ex, {"doc_id": "empty"}, {"source_file": "empty.pdf"})
        assert records and set(records) <= set(kind.datasets), kind.name
        assert not any(records.values()), kind.name  # nothing read, nothing made


def test_classify_gives_registered_kinds_and_each_kind_is_reachable() -> None:
    names = {kind.name for kind in TABLE_KINDS}
    for kind, rules in vocabulary()["table_kinds"].items():
        assert any(
            classify(columns_with([*rule["required"], rule["any"][0]])) == kind
            for rule in rules
        ), kind  # not shadowed by a kind tried before it
    roles = sorted(set(vocabulary()["table_columns"]) | {YEAR_OR_QUARTER})
    draw = random.Random(7)
    given = {classify(columns_with(draw.sample(roles, 5))) for _ in range(2000)}
    assert given <= names | {None} and len(given & names) >= 3
