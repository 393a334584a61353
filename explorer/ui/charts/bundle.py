"""The browser's copy of an ES module and everything it imports, as one module.

The charts' JavaScript is written as ES modules beside this file (Node's test runner imports
them as they are: tests/js/). A `st.components.v2` component takes its code as one string with
no files around it to import from, so each entry module is sent with its imports inlined:
every module once, after the modules it imports, its `import` lines dropped and its
`export` keywords removed, but the entry's `export default`.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
_IMPORT = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"\./([\w.-]+\.js)";[ \t]*\n', re.M)
_EXPORT = re.compile(r"^export (?=const |let |function |class )", re.M)


def bundle(entry: str, folder: Path = HERE) -> str:
    """`entry` and the modules it imports (relative `./x.js` only), as one module's text."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"the modules import each other: {' -> '.join((*path, name))}")
        if name in order:
            return
        for dep in _IMPORT.findall((folder / name).read_text()):
            visit(dep, (*path, name))
        order.append(name)

    visit(entry, ())
    parts = []
    for name in order:
        text = _IMPORT.sub("", (folder / name).read_text())
        if name != entry and "export default" in text:
            raise ValueError(f"{name} has a default export but is imported by {entry}")
        parts.append(f"// ---- {name}\n" + _EXPORT.sub("", text))
    return "\n".join(parts)
