"""Shared page helpers: configs kept across page switches and mirrored in the URL."""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

from explorer.view.links import from_query, to_query

T = TypeVar("T")


def stored_config(prefix: str, cls: type[T]) -> T:
    """This session's config for a page: from the URL on the first visit, then as last set.

    Streamlit forgets a widget's value when its page is not drawn, so the page's config is
    kept under its own key and every widget is seeded from it.
    """
    key = f"_{prefix}config"
    if key not in st.session_state:
        config, problems = from_query(cls, st.query_params.to_dict())
        st.session_state[key] = config
        st.session_state[f"_{prefix}link_problems"] = problems
    for problem in st.session_state.pop(f"_{prefix}link_problems", []):
        st.warning(f"{problem}; the default was used.")
    return st.session_state[key]


def seed_widget(key: str, value: Any) -> None:
    """Give a widget its starting value unless the session already holds one."""
    if key not in st.session_state:
        st.session_state[key] = value


def keep_config(prefix: str, config: Any) -> None:
    """Remember the page's config and write it to the URL, so a link reproduces the view."""
    st.session_state[f"_{prefix}config"] = config
    query = to_query(config)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def show_error(err: Exception) -> None:
    """A ValueError's message as the page's error box, never a traceback."""
    st.error(str(err), icon="⚠️")
