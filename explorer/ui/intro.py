"""Each page's title and short text, drawn before anything heavy is imported.

A first visit to a cold server waits seconds for torch, plotly and pandas to import; the app
draws these first (app.py), from this module, which imports streamlit alone, so a visitor
reads the answer while the rest loads. Each page draws them again at its top.
"""

from __future__ import annotations

import streamlit as st

LOOKUP_TITLE = "Lookup vs one-hot x Linear"
TRAIN_TITLE = "Train a DotProduct model"

ANSWER = """
**The short answer.** `nn.Embedding(n, d)` holds a weight `W` of shape `(n, d)` and, for an
index `i`, returns row `W[i]`. `nn.Linear(n, d, bias=False)` fed the one-hot vector of `i`
computes `one_hot(i) @ W` (its own weight is `W.T`, shape `(d, n)`), and that product picks
out the same row: every other row is multiplied by 0. So the numbers are the same, and so
are the gradients (bit for bit, or, where an index repeats, up to the order in which the
repeats' gradients are added); the lookup just skips the `n x d` multiply-adds and the
`n`-wide input.
An Embedding followed by a bias vector is `nn.Linear(n, d, bias=True)` on the one-hot.
"""

INTRO = """
Train the book's collaborative-filtering model (fastbook, chapter 8): each user and each
item gets an embedding, a prediction is their dot product (plus a user and an item bias in
`DotProductBias`), squeezed into `y_range` by a sigmoid. Press **Train** and watch the loss
fall and the items of one genre drift together.
"""


def lookup_intro() -> None:
    st.title(LOOKUP_TITLE)
    st.markdown(ANSWER)


def train_intro() -> None:
    st.title(TRAIN_TITLE)
    st.markdown(INTRO)


def first_paint() -> None:
    """The title and short text of the page the visitor opened, and a word on the rest."""
    path = (st.context.url or "").split("?")[0].rstrip("/")
    if path.endswith("/train"):
        train_intro()
    else:
        lookup_intro()
    st.caption("Loading torch and the charts: the first visit to a fresh server takes a moment.")
