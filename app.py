"""Embedding Explorer: a router only. Every page lives in explorer/ui/."""

import streamlit as st

from explorer.ui import lookup_page, train_page

st.set_page_config(page_title="Embedding Explorer", page_icon="🔎", layout="wide")
train_page.prepare()  # whichever page opens first, the training worker starts warming up
pages = [
    st.Page(lookup_page.render, title="Lookup vs one-hot x Linear", default=True),  # served at /
    st.Page(train_page.render, title="Train a DotProduct model", url_path="train"),
]
st.navigation(pages).run()
