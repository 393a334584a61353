"""The subpackages are the architecture, and imports run one way.

settings and limits at the bottom; data and lookup on them, side by side; then train, then
view, then ui (the only package that imports streamlit). `__main__` (the command line) may
use everything but ui. An import upward, or sideways between data and lookup, fails here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "explorer"

# what each part of explorer/ may import from explorer/ (itself always)
BASE = {"settings", "limits"}  # the setting table and the server's limits, under all
ALLOWED = {
    "settings": set(),
    "limits": set(),
    "data": BASE,
    "lookup": BASE,
    "train": BASE | {"data"},
    "view": BASE | {"data", "lookup", "train"},
    "ui": BASE | {"data", "lookup", "train", "view"},
    "__main__": BASE | {"data", "lookup", "train", "view"},
    "__init__": set(),
}
MAX_LINES = 250


def _imports(source: str) -> set[str]:
    """Every module a source imports, dotted, including `from explorer import view`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def part_of(path: Path, root: Path = ROOT) -> str:
    """The part of explorer/ a file belongs to: its subpackage, or its module's name."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def violations(root: Path = ROOT) -> list[str]:
    """'file imports explorer.x' for every import the layering forbids, and streamlit
    outside ui/."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        part = part_of(path, root)
        allowed = ALLOWED.get(part, set()) | {part}
        for name in _imports(path.read_text()):
            top, *rest = name.split(".")
            if top == "streamlit" and part != "ui":
                found.add(f"{path.relative_to(root)} imports streamlit")
            if top == root.name and rest and rest[0] in ALLOWED and rest[0] not in allowed:
                found.add(f"{path.relative_to(root)} imports {top}.{rest[0]}")
    return sorted(found)


def test_imports_run_one_way():
    assert violations() == []


def test_every_part_of_explorer_is_placed_in_the_layers():
    parts = {part_of(p) for p in ROOT.rglob("*.py")}
    assert parts <= set(ALLOWED), parts - set(ALLOWED)


def test_the_check_sees_the_ui_imports():
    assert "streamlit" in _imports((ROOT / "ui" / "lookup_page.py").read_text())


@pytest.mark.parametrize(
    ("where", "line", "expected"),
    [
        ("data/ratings.py", "from explorer.train.models import DotProduct", "explorer.train"),
        ("train/models.py", "from explorer.view import theme", "explorer.view"),
        ("lookup/cost.py", "import explorer.data.ratings", "explorer.data"),
        ("view/theme.py", "from explorer.ui.widgets import show_error", "explorer.ui"),
        ("train/plan.py", "import streamlit as st", "streamlit"),
    ],
)
def test_a_planted_upward_import_is_caught(tmp_path, where, line, expected):
    root = tmp_path / "explorer"
    for path in ROOT.rglob("*.py"):  # a copy of the real tree, then one import planted
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    planted = root / where
    planted.write_text(line + "\n" + planted.read_text())
    found = violations(root)
    assert len(found) == 1 and found[0].startswith(where) and expected in found[0]


def test_no_module_is_past_the_house_size():
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines())
        for p in [*ROOT.rglob("*.py"), *ROOT.rglob("*.js")]
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
