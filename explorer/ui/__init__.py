"""The only package that imports streamlit: one module per page, plus shared widgets."""
