"""Shared page helpers: widgets made from the settings table, configs kept in the URL."""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

from explorer.settings import Entry, bounds_text, table
from explorer.view.links import from_query, to_query

T = TypeVar("T")
PRESENT_KEY = "present"  # the presenting switch's key in the session and the link


def config_key(prefix: str) -> str:
    """Where a page's config is kept in the session."""
    return f"_{prefix}config"


def stored_config(prefix: str, cls: type[T]) -> T:
    """This session's config for a page: from the URL on the first visit, then as last set.

    Streamlit forgets a widget's value when its page is not drawn, so the page's config is
    kept under its own key and every widget is seeded from it.
    """
    key = config_key(prefix)
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


def resend(key: str) -> None:
    """Make this run send the session's value of a widget to the browser: call it just before
    the widget is drawn. The one mechanism behind "every widget shows the session's value".

    Streamlit sends a value written through Session State only in the run that wrote it. A
    run that a later one supersedes before the browser has drawn it (a `train=1` link whose
    run ends at once, a fragment's `st.rerun`) takes that value with it: the browser shows the
    widget's own default (a number box 0, a slider its minimum, a checkbox unticked) and
    sends it back at the next interaction, so the page ran what the link said while showing,
    and next training, something else. Written back in every run, the value travels with
    every run, whichever one the browser draws (tests/e2e/test_widgets_browser.py, every kind
    of widget, several fresh sessions). A value the user has just changed is already in the
    session when the run starts, so writing it back changes nothing."""
    try:  # one read, not `in` then a read: a fast rerun may drop the key in between
        value = st.session_state[key]
    except KeyError:
        return
    st.session_state[key] = value


def _number_args(e: Entry, key: str, clearable: bool = False) -> dict:
    """value, step and format of a number box, of the field's own type (Streamlit insists).

    value: what the session holds for the box (seeded from the config), as its default too,
    so that even a box whose value did not travel (see `resend`) falls back to the session's
    value rather than 0. A clearable box (an optional field: bias_wd, padding_idx, max_norm)
    keeps the default None, since Streamlit lets a box be emptied only then.

    No min_value or max_value: a box with bounds silently keeps its old value when a number
    beyond them is typed. Here the number goes through, and the page's check names the field
    and its bounds (which the help text also states)."""
    s, kind = e.setting, int if e.kind is int else float  # a pair's ends: float
    args = {"format": s.fmt} if s.fmt else {}
    if s.step is not None:
        args["step"] = kind(s.step)
    value = None if clearable else st.session_state.get(key)
    args["value"] = None if value is None else kind(value)
    return args


def help_text(e: Entry) -> str:
    """The row's help, with its bounds."""
    allowed = bounds_text(e)
    return f"{e.setting.help} Allowed: {allowed}." if allowed else e.setting.help


def _pair(box, e: Entry, key: str, disabled: bool) -> tuple | None:
    """A pair like y_range: a checkbox turns it on, then one box for each end."""
    s = e.setting
    for part in ("_on", "_low", "_high"):
        resend(key + part)
    on = box.checkbox(s.label, key=key + "_on", help=help_text(e), disabled=disabled)
    left, right = box.columns(2)
    off = disabled or not on
    low = left.number_input("low", key=key + "_low", disabled=off, **_number_args(e, key + "_low"))
    high = right.number_input(
        "high", key=key + "_high", disabled=off, **_number_args(e, key + "_high")
    )
    return (float(low), float(high)) if on else None


def setting_widget(box, e: Entry, key: str, **kw: Any) -> Any:
    """The widget a table row asks for, in `box` (the sidebar, a column...); returns its value.

    kw: `choices` (a list narrower than the table's), `format_func`, `disabled`."""
    s, disabled = e.setting, kw.get("disabled", False)
    common = dict(key=key, help=help_text(e), disabled=disabled)
    if s.widget == "pair":
        return _pair(box, e, key, disabled)
    resend(key)
    if s.widget in ("select", "radio"):
        options = list(kw.get("choices", s.choices))
        fmt = kw.get("format_func", s.label_of)
        if s.widget == "radio":
            return box.radio(s.label, options, format_func=fmt, horizontal=True, **common)
        return box.selectbox(s.label, options, format_func=fmt, **common)
    if s.widget == "checkbox":
        return box.checkbox(s.label, **common)
    if s.widget == "text":  # its default is the session's value too, as a number box's
        return box.text_input(s.label, value=st.session_state.get(key, ""), **common)
    if s.widget == "slider":
        return box.slider(s.label, e.kind(s.low), e.kind(s.high), step=e.kind(s.step), **common)
    value = box.number_input(s.label, **_number_args(e, key, clearable=e.optional), **common)
    return None if value is None else e.kind(value)


def seed_widgets(prefix: str, config: Any) -> None:
    """Seed every widget of a config's table from the config."""
    for e in table(type(config)):
        value = getattr(config, e.name)
        if e.setting.widget == "pair":
            low, high = value if value is not None else (e.default or (0.0, 1.0))
            seed_widget(prefix + e.name + "_on", value is not None)
            seed_widget(prefix + e.name + "_low", low)
            seed_widget(prefix + e.name + "_high", high)
        else:
            seed_widget(prefix + e.name, value)


def setting_widgets(box, prefix: str, config: T, **special: dict) -> T:
    """Every widget of a config's table in field order under its group's header; returns the
    config they now say. special: per field name, the keyword arguments of `setting_widget`,
    or {"hidden": True} to keep the config's value without a widget."""
    seed_widgets(prefix, config)
    values, group = {}, None
    for e in table(type(config)):
        kw = special.get(e.name, {})
        if kw.get("hidden"):
            values[e.name] = getattr(config, e.name)
            continue
        if e.setting.group != group:
            group = e.setting.group
            box.header(group)
        values[e.name] = setting_widget(box, e, prefix + e.name, **kw)
    return type(config)(**values)


def keep_config(prefix: str, config: Any, extra: dict[str, str] | None = None) -> None:
    """Remember the page's config and write it to the URL (with `extra`, more of the view's
    settings), so a link reproduces the view."""
    st.session_state[config_key(prefix)] = config
    query = {**to_query(config), **(extra or {})}
    if st.session_state.get(PRESENT_KEY):  # the presenting switch (presenting.py) travels too
        query[PRESENT_KEY] = "1"
    written = f"_{prefix}written_query"  # what this session last wrote: a write made in a
    # rerun that a component's state change started did not always reach the address bar, and
    # the dict then already held it, so comparing with the dict alone never wrote it again
    if st.query_params.to_dict() != query or st.session_state.get(written) != query:
        st.query_params.from_dict(query)
        st.session_state[written] = query


def show_error(err: Exception) -> None:
    """A ValueError's message as the page's error box, never a traceback."""
    st.error(str(err), icon="⚠️")
