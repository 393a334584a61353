"""Only explorer/ui/ may import streamlit: everything else must run without a browser."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "explorer"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_streamlit_outside_ui():
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if "ui" not in p.relative_to(ROOT).parts and "streamlit" in _imports(p)
    ]
    assert offenders == []


def test_the_check_sees_the_ui_imports():
    assert "streamlit" in _imports(ROOT / "ui" / "lookup_page.py")
