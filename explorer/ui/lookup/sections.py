"""The Lookup page's later sections: bias, gradients, bags, cost, where they differ, code."""

from __future__ import annotations

import html
import math

import pandas as pd
import streamlit as st
import torch

from explorer.lookup.bags import bag_compare
from explorer.lookup.compare import LookupResult
from explorer.lookup.config import LookupConfig
from explorer.lookup.snippet import lookup_snippet


def _ok(flag: bool | None, diff: float | None) -> str:
    if flag:
        return "equal (torch.equal True, max |difference| 0)"
    return f"not bit-for-bit equal (max |difference| {diff:.3g})"


def bias_section(result: LookupResult) -> None:
    st.subheader("4. Embedding + bias vs nn.Linear(n, d, bias=True)")
    b = result.bias
    if b is None:
        st.info("Skipped with the one-hot path.")
        return
    why = ""
    if not b.equal and result.renormed_rows:
        why = (
            f" Why: max_norm rescaled rows {result.renormed_rows} of the Embedding's weight in "
            "place as it looked them up, while the Linear, built from the same original W, "
            "multiplies the rows as they were."
        )
    st.markdown(
        "`W[idx] + b` against `nn.Linear(n, d, bias=True)` on the one-hot: "
        f"**{_ok(b.equal, b.max_abs_diff)}**.{why} "
        f"This bias is **one vector of size d = {result.config.d}**, added to every row. The "
        "book's biases are different: one *scalar per user and per item*, an `Embedding(n, 1)` "
        "looked up like the factors. "
        + (
            "Below: the book's bias of each looked-up row."
            if result.config.book_biases
            else "Tick *Show the book's per-row biases* to see them."
        )
    )
    st.dataframe(pd.DataFrame([b.bias.tolist()], index=["shared bias b (d,)"]), width="stretch")
    if result.config.book_biases:
        rows = result.idx.flatten().tolist()
        st.dataframe(
            pd.DataFrame(
                {
                    "row looked up": rows,
                    "book's bias Embedding(n, 1)[row]": b.book_looked_up.flatten().tolist(),
                }
            ),
            width="stretch",
            hide_index=True,
        )


def gradient_section(result: LookupResult, heatmap) -> None:
    st.subheader("5. Gradients")
    g = result.gradients
    if g is None:
        st.info("Skipped with the one-hot path.")
        return
    cfg = result.config
    verdict = _ok(g.equal, g.max_abs_diff)
    if not g.equal and g.within_rounding:
        verdict = (
            f"equal but for summation order (max |difference| {g.max_abs_diff:.3g}, within "
            f"the {g.rounding_bound:.3g} that adding the same numbers in another order can make)"
        )
    st.markdown(
        "A seeded upstream gradient flows back through both paths. Weight gradient: "
        f"**{verdict}**. Only looked-up rows get a gradient: "
        f"{g.nonzero_rows}. Repeated indices add up: looked-up counts {g.counts}."
    )
    if not g.equal and g.within_rounding:
        st.caption(
            "Why not bit for bit: a row looked up k times gets the sum of k upstream rows. "
            "The lookup's backward adds them one by one; the product's, one_hot.T @ upstream, "
            "is a matrix product that adds them in another order, and floating-point addition "
            "rounds differently in another order. Without repeated indices the two are equal."
        )
    if cfg.padding_idx is not None:
        st.info(padding_note(g, cfg.padding_idx % cfg.n))
    left, right = st.columns(2)
    with left:
        heatmap(g.lookup, "dL/dW through the lookup", "grad_lookup", "column j", "row i")
    with right:
        heatmap(
            g.product,
            "dL/dW through the product (Linear grad, transposed)",
            "grad_product",
            "column j",
            "row i",
        )
    if g.sparse_indices is not None:
        st.markdown("With `sparse=True` the gradient is stored as rows and values only:")
        st.dataframe(
            pd.DataFrame(g.sparse_values.tolist(), index=g.sparse_indices.tolist()), width="stretch"
        )


def bag_section(result: LookupResult) -> None:
    st.subheader("6. Bags: nn.EmbeddingBag vs a multi-hot product")
    st.caption("A 1-D batch is one bag; each row of a 2-D batch is a bag.")
    rows = []
    for mode in ("sum", "sum+weights", "mean", "max"):
        r = bag_compare(
            result.weight_after, result.idx, mode, result.config.seed, result.one_hot is not None
        )
        rows.append(
            {
                "mode": mode,
                "product form": "none"
                if r.product is None
                else (
                    "weighted multi-hot @ W"
                    if r.weighted
                    else "multi-hot @ W"
                    if mode == "sum"
                    else "(multi-hot / L) @ W"
                ),
                "bit-for-bit": r.exact,
                "max |difference|": f"{r.max_abs_diff:.3g}",
                "note": r.note,
            }
        )
    # st.table wraps its cells: the note, the explanation, is read whole (a dataframe cut it)
    st.table(pd.DataFrame(rows).set_index("mode"))


def padding_note(g, pad: int) -> str:
    """What padding_idx does to the gradient here, naming every row where the paths differ:
    the padding row, and repeated rows, by summation order alone."""
    others = [i for i in (g.lookup != g.product).any(1).nonzero().flatten().tolist() if i != pad]
    if g.padding_row_differs:
        msg = (
            f"nn.Embedding gives the padding row {pad} no gradient, while the one-hot product "
            "does: that row differs by the whole gradient"
        )
    else:
        msg = (
            f"nn.Embedding gives the padding row {pad} no gradient (this batch does not look it up)"
        )
    if others:
        msg += (
            f"{';' if g.padding_row_differs else '.'} row{'s' if len(others) > 1 else ''} "
            f"{', '.join(map(str, others))}, looked up more than once, differ too, by "
            "summation order alone (within the rounding bound)."
        )
    else:
        msg += "." if g.padding_row_differs else ""
    return msg


def differ_section(result: LookupResult) -> None:
    st.subheader("8. Where they differ")
    cfg = result.config
    if cfg.put_inf:
        if result.inf_row is None:
            st.info("Every row is looked up, so there is no free row to put inf in.")
        else:
            cols = result.nan_columns
            lookup_nan = bool(torch.isnan(result.lookup).any())
            if result.product is None:  # the one-hot path was skipped at this size
                st.markdown(
                    f"Row {result.inf_row} (not looked up) holds `inf` in column 0. The one-hot "
                    "path is skipped at this size, so no product was computed; computed, "
                    "`0 x inf = NaN` (IEEE arithmetic) would make its column 0 NaN for every "
                    "sample. The lookup returns the finite rows unchanged (any NaN in the "
                    f"lookup: {lookup_nan})."
                )
            else:
                st.markdown(
                    f"Row {result.inf_row} (not looked up) holds `inf` in column 0. In IEEE "
                    "arithmetic `0 x inf = NaN`, so the product's column(s) "
                    f"**{cols}** are NaN for every sample, while the lookup returns the finite "
                    f"rows unchanged (any NaN in the lookup: {lookup_nan})."
                )
    else:
        st.markdown("Tick *Put inf in a row not looked up* in the sidebar to see `0 x inf = NaN`.")
    if cfg.max_norm is not None:
        rows = result.renormed_rows
        st.markdown(
            f"`max_norm = {cfg.max_norm:g}` renormalises looked-up rows longer than that, "
            f"**in place, during the lookup**: rows {rows} of `emb.weight` changed. The product "
            "reads the weight as it was, so the two outputs differ on those rows."
        )
        if rows:
            norms = pd.DataFrame(
                {
                    "row": rows,
                    "norm before": result.weight[rows].norm(dim=1).tolist(),
                    "norm after": result.weight_after[rows].norm(dim=1).tolist(),
                }
            )
            st.dataframe(norms, width="stretch", hide_index=True)
    if math.isnan(result.max_abs_diff or 0.0):
        st.caption("The max |difference| is NaN where one output is NaN and the other is not.")


CODE_CSS = """<style>
.lookup-code { font-family: "Source Code Pro", monospace; font-size: 0.85rem; line-height: 1.5;
  background: #f7f8fa; border-radius: 0.5rem; padding: 1rem; overflow-x: auto; }
</style>"""


def code_section(config: LookupConfig) -> None:
    st.subheader("9. The code")
    code = lookup_snippet(config)
    # a plain <pre>, not st.code nor a markdown fence: both load the syntax highlighter
    # (1.5 MB), which took 0.6 s of the browser's main thread on every visit and held the
    # page's first chart back by up to 2 s (bench/page_speed.py, the browser's CPU profile)
    st.html(f'<pre class="lookup-code">{html.escape(code)}</pre>' + CODE_CSS)
    st.download_button(
        "Download lookup.py", code, "lookup.py", "text/x-python", key="lk_code", on_click="ignore"
    )
