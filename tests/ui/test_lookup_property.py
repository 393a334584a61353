"""Random configurations driven through the Lookup page (AppTest, the real script): every
verdict it prints is checked against plain torch on the same W and upstream gradient."""

import os
from pathlib import Path

import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from explorer.lookup.compare import compare
from explorer.lookup.config import LookupConfig

APP = Path(__file__).parents[2] / "app.py"
EXAMPLES = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 12  # a page run each


@st.composite
def configs(draw) -> LookupConfig:
    n = draw(st.integers(1, 30))
    indices = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=12))
    return LookupConfig(
        n=n,
        d=draw(st.integers(1, 6)),
        indices=", ".join(map(str, indices)),
        seed=draw(st.integers(0, 10_000)),
        init=draw(st.sampled_from(["embedding", "linear", "fastai"])),
        padding_idx=draw(st.none() | st.integers(-n, n - 1)),
        max_norm=draw(st.none() | st.floats(0.05, 3.0).map(lambda x: round(x, 2))),
        dtype=draw(st.sampled_from(["float32", "float64"])),
    )


def _page(config: LookupConfig) -> str:
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name in ("n", "d", "indices", "seed", "init", "padding_idx", "max_norm", "dtype"):
        value = getattr(config, name)
        if value is not None:
            app.query_params[name] = str(value)
    app.run()
    assert not app.exception, app.exception
    parts = [m.value for m in app.markdown] + [e.value for e in app.success]
    return "\n".join(parts + [e.value for e in app.error] + [e.value for e in app.warning])


def _oracle(config: LookupConfig):
    """Plain torch on the page's own inputs (W as made, the seeded upstream gradient)."""
    made = compare(config)  # only W and the upstream are taken from it
    w, up = made.weight, made.gradients.upstream
    idx = torch.tensor([int(i) for i in config.indices.split(",")])
    pad = None if config.padding_idx is None else config.padding_idx % config.n
    w1 = w.clone().requires_grad_(True)
    lookup = F.embedding(idx, w1, padding_idx=pad, max_norm=config.max_norm)
    (lookup * up).sum().backward()
    w2 = w.t().contiguous().requires_grad_(True)  # nn.Linear's own (d, n) layout
    one_hot = F.one_hot(idx, config.n).to(w.dtype)
    product = F.linear(one_hot, w2)
    (product * up).sum().backward()
    g1, g2 = w1.grad, w2.grad.t()
    forward_equal = torch.equal(lookup.detach(), product.detach())
    grads_equal = torch.equal(g1, g2)
    # the most that adding a row's k upstream rows in another order can change
    eps = torch.finfo(w.dtype).eps
    counts = torch.bincount(idx, minlength=config.n).to(w.dtype)
    mass = torch.zeros_like(w).index_add_(0, idx, up.abs())
    bound = ((counts - 1).clamp(min=0)[:, None] * eps * mass).max()
    within = bool(((g1 - g2).abs() <= bound).all()) and counts.max() > 1
    return forward_equal, grads_equal, within


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(configs())
def test_every_verdict_on_the_page_matches_plain_torch(config):
    body = _page(config)
    forward_equal, grads_equal, within = _oracle(config)
    assert ("Equal, bit for bit" in body) == forward_equal
    assert ("**Not equal.**" in body) == (not forward_equal)
    said = body.split("Weight gradient: **", 1)[1].split("**", 1)[0]
    if grads_equal:
        assert said.startswith("equal (torch.equal True")
    elif within:
        assert said.startswith("equal but for summation order")
    else:
        assert said.startswith("not bit-for-bit equal")
    if config.max_norm is not None and not forward_equal:
        assert "max_norm rescaled rows" in body  # and it says why
