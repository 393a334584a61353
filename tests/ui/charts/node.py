"""Running the charts' ES modules in Node from a test (not a test module: tests import it)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from explorer.ui.charts.bundle import HERE

NODE = shutil.which("node")


def run_js(tmp_path: Path, module: str, names: str, data, body: str):
    """Import `names` from the charts' `module`, read `data` (JSON) as `data`, run `body`, which
    ends by printing one JSON value: that value."""
    (tmp_path / "data.json").write_text(json.dumps(data))
    script = tmp_path / "run.mjs"
    script.write_text(
        'import { readFileSync } from "node:fs";\n'
        f'import {{ {names} }} from "{(HERE / module).as_uri()}";\n'
        f'const data = JSON.parse(readFileSync("{tmp_path / "data.json"}", "utf8"));\n' + body
    )
    out = subprocess.run(
        [NODE, str(script)], check=True, capture_output=True, text=True, timeout=60
    )
    return json.loads(out.stdout)
