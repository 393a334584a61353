"""The Lookup page: nn.Embedding beside one-hot x nn.Linear(bias=False), from one weight."""

from __future__ import annotations

import streamlit as st
import torch

from explorer.lookup.compare import LookupResult, compare
from explorer.lookup.config import INITS, LookupConfig
from explorer.ui import intro
from explorer.ui.charts.components import live_chart
from explorer.ui.lookup import cost as lookup_cost
from explorer.ui.lookup import sections as lookup_sections
from explorer.ui.widgets import (
    PRESENT_KEY,
    keep_config,
    setting_widgets,
    show_error,
    stored_config,
)
from explorer.view import heatmaps

P = "lk_"  # widget key prefix of this page
LAST_GOOD = "lk_last_good"  # the last config drawn, redrawn while a bad input is fixed
MAX_HEATMAP_CELLS = 20_000  # above this a heatmap is skipped: the browser would crawl


def _controls(config: LookupConfig) -> LookupConfig:
    """Sidebar widgets, one a LookupConfig field (the settings table); returns their config."""
    return setting_widgets(st.sidebar, P, config, init={"format_func": INITS.get})


def _heatmap(matrix: torch.Tensor, title: str, key: str, x: str, y: str, **kw) -> None:
    if matrix.numel() > MAX_HEATMAP_CELLS:
        st.info(
            f"{title}: {matrix.numel():,} cells is too many to draw; shrink n, d or the "
            "batch to see it."
        )
        return
    live_chart(heatmaps.heatmap_spec(matrix, title, x, y, **kw), key=key)


def _verdict(result: LookupResult) -> None:
    if result.equal is None:
        st.warning(f"The one-hot path was skipped: {result.skipped['one-hot']}.")
        return
    if result.equal:
        st.success(
            "**Equal, bit for bit.** `torch.equal(one_hot @ W, W[idx])` is True and the max "
            "|difference| is 0. Why exact: each output number is 1 x W[i, j] plus a sum of "
            "0 x W[k, j] terms, and adding zeros changes nothing."
        )
    else:
        st.error(
            f"**Not equal.** `torch.equal` is False; max |difference| = {result.max_abs_diff:.4g}. "
            "See *Where they differ* below for why."
        )


def _side_by_side(result: LookupResult) -> None:
    """The picture that answers the question: the product beside the lookup."""
    d = result.config.d
    left, right = st.columns(2)
    with left:
        if result.product is not None:
            _heatmap(
                result.product.reshape(-1, d),
                "one_hot @ W (nn.Linear, no bias)",
                "product",
                "column j",
                "sample",
            )
    with right:
        _heatmap(
            result.lookup.reshape(-1, d), "W[idx] (nn.Embedding)", "lookup", "column j", "sample"
        )


def render() -> None:
    intro.lookup_intro()
    config = stored_config(P, LookupConfig)
    config = _controls(config)
    keep_config(P, config)
    try:
        result = compare(config)
        st.session_state[LAST_GOOD] = config  # the config, not its tensors: cheap to keep
    except ValueError as err:
        show_error(err)
        last = st.session_state.get(LAST_GOOD)
        if last is None:
            lookup_cost.cost_section(config)  # still cheap to say, when sizes make sense
            return
        result = compare(last)  # it passed before: it passes again
        st.caption(  # the view stays: below is the last one that worked
            "Below: the last settings that worked, until the one above is fixed "
            f"(n = {result.config.n}, d = {result.config.d}, indices {result.config.indices})."
        )
    config = result.config
    idx_rows = sorted(set(result.idx.flatten().tolist()))
    _verdict(result)
    n, d = config.n, config.d
    st.caption(
        f"One weight `W`, shape ({n}, {d}). `nn.Embedding.weight` is `W`; "
        f"`nn.Linear.weight` is `W.T`, shape ({d}, {n}). Batch shape {tuple(result.idx.shape)}."
    )
    stage = bool(st.session_state.get(PRESENT_KEY))  # presenting: the answer on the first screen
    if stage:
        _side_by_side(result)

    st.subheader("1. The weight")
    _heatmap(
        result.weight,
        "W: the one weight (looked-up rows outlined)",
        "weight",
        "column j",
        "row i",
        highlight_rows=idx_rows,
    )

    st.subheader("2. The one-hot input")
    if result.one_hot is None:
        st.info(f"Skipped: {result.skipped['one-hot']}.")
    else:
        oh = result.one_hot.reshape(-1, n)
        _heatmap(
            oh,
            "one_hot(idx): one 1 per row, at the index",
            "one_hot",
            "column = row of W",
            "sample",
            diverging=False,
        )

    st.subheader("3. Product and lookup, side by side")
    if stage:
        st.caption("At the top of the page, under the verdict.")
    else:
        _side_by_side(result)
    lookup_sections.bias_section(result)
    lookup_sections.gradient_section(result, _heatmap)
    lookup_sections.bag_section(result)
    lookup_cost.cost_section(config, result.idx.numel())
    lookup_sections.differ_section(result)
    lookup_sections.code_section(config)
