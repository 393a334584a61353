"""The subpackages are the architecture, and imports run one way.

Between the parts of explorer/: `ui -> view -> train -> data`, `ui -> lookup`, and under all
of them the small tools (settings, limits, devices, pca). Inside train/, the rooms run
`worker -> loop -> step -> model -> config`; inside ui/, the pages (`lookup`, `train`) use the
shared modules and `charts`, never each other. `__main__` (the command line) uses everything
but ui. Nothing in explorer/ imports bench/ or tests/; bench/ uses explorer/ but not tests/.
Relative imports are resolved first, so `from ..ui import widgets` counts as what it is.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "explorer"

TOOLS = {"settings", "limits", "devices", "pca"}  # under every part
# what each part of explorer/ may import from explorer/ (itself always)
ALLOWED = {
    "settings": set(),
    "limits": set(),
    "devices": set(),
    "pca": set(),
    "data": TOOLS,
    "lookup": TOOLS,
    "train": TOOLS | {"data"},
    "view": TOOLS | {"data", "lookup", "train"},
    "ui": TOOLS | {"data", "lookup", "train", "view"},
    "__main__": TOOLS | {"data", "lookup", "train", "view"},
    "__init__": set(),
}
# the rooms inside a part, bottom first: a room may import the rooms before it, not after
ROOMS = {
    "train": ["config", "model", "step", "loop", "worker"],
    "ui": ["widgets", "intro", "presenting", "charts", "lookup", "train", "warm"],
}
SIDEWAYS = {("ui", "lookup", "train"), ("ui", "train", "lookup")}  # pages never use each other
MAX_LINES = 250
MAX_MODULES = 12


def _imports(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a source imports, dotted and absolute (relative imports resolved against
    `module`), including each name of `from explorer import view`."""
    names = set()
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            if stem:
                names.add(stem)
                names |= {f"{stem}.{a.name}" for a in node.names}
    return names


def module_name(path: Path, root: Path) -> str:
    """`explorer.train.loop.plan` for root/train/loop/plan.py (root's name first)."""
    rel = path.relative_to(root).with_suffix("")
    parts = [root.name, *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(path: Path, root: Path = ROOT) -> str:
    """The part of explorer/ a file belongs to: its subpackage, or its module's name."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def room_of(dotted: list[str]) -> str | None:
    """The room of `part.room...` (a subpackage or a module of the part), if it has rooms."""
    return dotted[1] if len(dotted) > 1 else None


def violations(root: Path = ROOT, planted: dict[str, str] | None = None) -> list[str]:
    """'file imports explorer.x' for every import the layering forbids, and streamlit
    outside ui/. `planted`: lines put on top of some files (their paths under root)."""
    found = set()
    planted = planted or {}
    for path in sorted(root.rglob("*.py")):
        part = part_of(path, root)
        allowed = ALLOWED.get(part, set()) | {part}
        me = module_name(path, root).split(".")[1:]
        where = path.relative_to(root)
        source = planted.get(str(where), "") + path.read_text()
        for name in _imports(source, ".".join([root.name, *me]), path.stem == "__init__"):
            top, *rest = name.split(".")
            if top == "streamlit" and part != "ui":
                found.add(f"{where} imports streamlit")
            if top in ("bench", "tests"):
                found.add(f"{where} imports {top}")
            if top != root.name or not rest:
                continue
            if rest[0] in ALLOWED and rest[0] not in allowed:
                found.add(f"{where} imports {top}.{rest[0]}")
            if rest[0] == part and part in ROOMS:
                order = ROOMS[part]
                mine, theirs = room_of(me), room_of(rest)
                if mine in order and theirs in order and mine != theirs:
                    up = order.index(theirs) > order.index(mine)
                    if up or (part, mine, theirs) in SIDEWAYS:
                        found.add(f"{where} imports {top}.{part}.{theirs}")
    return sorted(found)


def import_graph(root: Path = ROOT, planted: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Module -> the modules of explorer/ it imports (names that are modules, not objects)."""
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    planted = planted or {}
    graph = {}
    for name, path in modules.items():
        source = planted.get(str(path.relative_to(root)), "") + path.read_text()
        used = _imports(source, name, path.stem == "__init__")
        graph[name] = {u for u in used if u in modules and u != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan's algorithm)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_imports_run_one_way():
    assert violations() == []


def test_no_circle_of_imports():
    assert circles(import_graph()) == []


def test_a_planted_circle_is_found():
    planted = {
        "train/model/baselines.py": "from explorer.train.model import models\n",
        "train/model/models.py": "from . import baselines\n",
    }
    found = circles(import_graph(planted=planted))
    assert found == [["explorer.train.model.baselines", "explorer.train.model.models"]]


def test_every_part_of_explorer_is_placed_in_the_layers():
    parts = {part_of(p) for p in ROOT.rglob("*.py")}
    assert parts <= set(ALLOWED), parts - set(ALLOWED)
    for part, order in ROOMS.items():
        rooms = {room_of(module_name(p, ROOT).split(".")[1:]) for p in (ROOT / part).rglob("*.py")}
        assert rooms - {None, "__init__"} <= set(order), rooms - set(order)


def test_the_check_sees_the_ui_imports():
    page = ROOT / "ui" / "lookup" / "page.py"
    assert "streamlit" in _imports(page.read_text(), "explorer.ui.lookup.page")


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from ..ui import widgets", "explorer.train.models", "explorer.ui.widgets"),
        ("from ...view import theme", "explorer.train.step.reference", "explorer.view.theme"),
        ("from . import plan", "explorer.train.loop.trainer", "explorer.train.loop.plan"),
        ("from .plan import Plan", "explorer.train.loop.trainer", "explorer.train.loop.plan.Plan"),
        ("from .step import reference", "explorer.train", "explorer.train.step.reference"),
    ],
)
def test_relative_imports_are_resolved(source, module, expected):
    assert expected in _imports(source, module, is_package=module == "explorer.train")


@pytest.mark.parametrize(
    ("where", "line", "expected"),
    [
        ("data/ratings.py", "from explorer.train.model.models import DotProduct", "explorer.train"),
        ("train/model/models.py", "from explorer.view import theme", "explorer.view"),
        ("train/model/models.py", "from ...ui import widgets", "explorer.ui"),
        ("train/model/models.py", "from ...view.theme import GENRE_COLORS", "explorer.view"),
        ("data/ratings.py", "from ..lookup import units", "explorer.lookup"),
        ("lookup/cost.py", "import explorer.data.ratings", "explorer.data"),
        ("view/theme.py", "from explorer.ui.widgets import show_error", "explorer.ui"),
        ("train/loop/plan.py", "import streamlit as st", "streamlit"),
        ("train/step/reference.py", "from ..loop import plan", "explorer.train.loop"),
        ("train/model/models.py", "from explorer.train.step import warm", "explorer.train.step"),
        ("train/loop/trainer.py", "from ..worker.slots import Slots", "explorer.train.worker"),
        ("ui/lookup/page.py", "from ..train import session", "explorer.ui.train"),
        ("ui/charts/components.py", "from explorer.ui.train import live", "explorer.ui.train"),
        ("__main__.py", "from bench.train_speed import main", "bench"),
        ("train/worker/runner.py", "from tests.conftest import tiny", "tests"),
    ],
)
def test_a_planted_upward_import_is_caught(where, line, expected):
    found = violations(planted={where: line + "\n"})
    assert len(found) == 1 and found[0].startswith(where) and expected in found[0], found


def test_bench_uses_the_product_and_never_the_tests():
    for path in (REPO / "bench").glob("*.py"):
        tops = {name.split(".")[0] for name in _imports(path.read_text(), f"bench.{path.stem}")}
        assert "tests" not in tops, path


def test_no_module_is_past_the_house_size():
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for p in [*ROOT.rglob("*.py"), *ROOT.rglob("*.js")]
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_no_folder_is_past_the_house_size():
    folders = {p for p in ROOT.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    counts = {
        str(f.relative_to(REPO)): len([m for m in f.glob("*.py") if m.stem != "__init__"])
        for f in [ROOT, *folders]
    }
    assert {f: n for f, n in counts.items() if n > MAX_MODULES} == {}
