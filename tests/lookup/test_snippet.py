import contextlib
import io

import pytest

from explorer.lookup.config import LookupConfig
from explorer.lookup.snippet import lookup_snippet


@pytest.mark.parametrize(
    "cfg",
    [
        LookupConfig(),
        LookupConfig(n=5, d=2, indices="[[1, 2], [3, 3]]", init="linear", dtype="float64"),
        LookupConfig(init="fastai", padding_idx=3, sparse=True),
        LookupConfig(max_norm=0.5),
        LookupConfig(put_inf=True),
    ],
)
def test_snippet_runs_and_prints_the_verdict(cfg):
    code = lookup_snippet(cfg)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {})  # the page's code must run as shown
    expected = "True 0.0" if cfg.max_norm is None and not cfg.put_inf else "False"
    assert out.getvalue().startswith(expected)
