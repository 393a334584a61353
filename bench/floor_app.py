"""The floor under a page with a chart: one title and one small plotly heatmap, Streamlit and
plotly alone (bench.page_speed visits it beside the app)."""

import plotly.graph_objects as go
import streamlit as st

st.title("Lookup vs one-hot x Linear")
st.plotly_chart(go.Figure(go.Heatmap(z=[[1, 2, 3], [4, 5, 6], [7, 8, 9]])), key="floor")
