"""A Streamlit app that draws one title and nothing else: the floor under any app's first
paint on this machine (the browser loading Streamlit's own frontend), for bench.live_overhead."""

import streamlit as st

st.title("Train a DotProduct model")
