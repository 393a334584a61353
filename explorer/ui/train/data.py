"""The Train page's data section: choose, load and summarise the ratings.

Loading replaces the session's data only when it succeeds: a bad file or path shows its
message and leaves the loaded data, and any trained model, as they were.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer import limits
from explorer.data.choice import DataChoice
from explorer.data.csvfile import (
    Roles,
    check_columns,
    infer_roles,
    ratings_from_csv,
    read_csv_frame,
)
from explorer.data.download import DATA_DIR, download_ml100k, find_ml100k
from explorer.data.paths import allowed_path
from explorer.data.ratings import Ratings
from explorer.settings import entry, problems
from explorer.ui.charts.components import plotly_chart
from explorer.ui.train.loading import (
    READ_BYTES,
    affordable,
    apply_link,
    current_data,
    data_choice,
    load,
    ml_path,
    synthetic_set,
)
from explorer.ui.train.session import worker_slots
from explorer.ui.widgets import seed_widget, setting_widget, show_error
from explorer.view import figures


@st.cache_resource(show_spinner="Reading the file...", max_entries=2)
def _parsed(file_id: str, size: int, _data: bytes) -> pd.DataFrame:
    """An upload parsed once (keyed by Streamlit's id for this upload, not by hashing its
    bytes), not again at every rerun of the page; the frame is only read, never changed.
    Read only if it fits in the server's memory (a cached frame counts there)."""
    worker_slots().check_room(READ_BYTES * size, "Reading this file")
    return read_csv_frame(_data)


class _StreamlitBar:
    """The progress-bar interface pooch expects (tqdm's total/update/reset/close)."""

    def __init__(self):
        self.total, self.n = 0, 0
        self._bar = st.progress(0.0, text="Downloading MovieLens 100k...")

    def update(self, k: int) -> None:
        self.n += k
        frac = min(1.0, self.n / self.total) if self.total else 0.0
        self._bar.progress(frac, text=f"Downloading MovieLens 100k: {self.n / 2**20:.1f} MiB")

    def reset(self) -> None:
        self.n = 0

    def close(self) -> None:
        self._bar.progress(1.0, text="Downloaded.")


def _upload_section() -> None:
    upload = st.file_uploader(
        "A CSV with a header: user, item, rating (and a title)",
        type=["csv", "tsv", "txt"],
        key="tr_upload",
    )
    if upload is None:
        return
    try:
        frame = _parsed(upload.file_id, upload.size, upload.getvalue())
        columns = check_columns(frame)
    except ValueError as err:
        show_error(err)
        st.caption("The data and model loaded before are unchanged.")
        return
    st.dataframe(frame.head(5), width="stretch", hide_index=True)
    guess = infer_roles(columns)
    unknown = [role for role in ("user", "item", "rating") if guess[role] is None]
    if unknown:
        st.warning(f"No column is named like {', '.join(unknown)}: pick each column's role.")
    cols = st.columns(4)
    chosen = {}
    for col, role in zip(cols, ("user", "item", "rating", "title"), strict=True):
        options = ["(none)", *columns] if role == "title" else columns
        default = guess[role] if guess[role] in options else options[0]
        chosen[role] = col.selectbox(
            f"{role} column",
            options,
            index=options.index(default),
            key=f"tr_role_{role}_{upload.file_id}",  # this upload's: never the last file's
        )
    if st.button("Load this CSV", key="tr_load_csv"):
        title = None if chosen["title"] == "(none)" else chosen["title"]
        roles = Roles(chosen["user"], chosen["item"], chosen["rating"], title)
        load(
            lambda: ratings_from_csv(frame, roles, f"uploaded {upload.name}"), DataChoice("upload")
        )


def data_section() -> Ratings:
    """Draw the data chooser and the summary; return the session's current data."""
    # closed, and the same on every run: an `expanded` that changes between runs (say, open
    # until data is loaded) closes the expander under the user's hands at the next rerun
    apply_link()
    with st.expander("Data", expanded=False):
        # every widget here from DataChoice's table (label, help, bounds, choices)
        seed_widget("tr_source", data_choice().data)
        source = setting_widget(st, entry(DataChoice, "data"), "tr_source")
        if source == "synthetic":
            c1, c2, c3 = st.columns(3)
            now = data_choice()
            values = {}
            for box, name, key in (
                (c1, "n_ratings", "tr_syn_n"),
                (c2, "genres", "tr_syn_genres"),
                (c3, "data_seed", "tr_syn_seed"),
            ):
                seed_widget(key, getattr(now, name))
                values[name] = setting_widget(box, entry(DataChoice, name), key)
            if st.button("Generate", key="tr_load_syn"):
                choice = DataChoice("synthetic", **values)
                why = [p for p in problems(choice)]
                if why:
                    show_error(ValueError(why[0] + "."))
                elif affordable(choice):
                    load(
                        lambda: synthetic_set(choice.n_ratings, choice.genres, choice.data_seed),
                        choice,
                    )
        elif source == "ml-100k":
            found = find_ml100k()
            seed_widget("tr_ml_split", data_choice().split)
            split = setting_widget(st, entry(DataChoice, "split"), "tr_ml_split") or None
            if found:
                st.caption(f"Found in {found}.")
                if st.button("Load MovieLens 100k", key="tr_load_ml"):
                    load(lambda: ml_path(found, split), DataChoice("ml-100k", split=split or ""))
            else:
                st.caption(f"Not in {DATA_DIR} yet: about 5 MB from GroupLens.")
                if st.button("Download MovieLens 100k", key="tr_download"):
                    load(
                        lambda: ml_path(download_ml100k(progressbar=_StreamlitBar()), split),
                        DataChoice("ml-100k", split=split or ""),
                    )
        elif source == "folder":
            roots = ", ".join(str(r) for r in limits.data_roots())
            path = setting_widget(st, entry(DataChoice, "path"), "tr_ml_path")
            st.caption(f"The folders this server reads data from: {roots}.")
            if st.button("Load", key="tr_load_path") and path:
                load(lambda: ml_path(allowed_path(path), None), DataChoice("folder", path=path))
        else:
            _upload_section()
    ratings = current_data()
    summary(ratings)
    return ratings


def summary(ratings: Ratings) -> None:
    st.markdown(f"**{ratings.source}**")
    c = st.columns(4)
    c[0].metric("Users", f"{ratings.n_users:,}")
    c[1].metric("Items", f"{ratings.n_items:,}")
    c[2].metric("Ratings", f"{len(ratings):,}")
    c[3].metric("Density", f"{ratings.density:.2%}")
    for note in ratings.notes:
        st.caption(note)
    with st.expander("Ratings histogram and the most rated items"):
        left, right = st.columns(2)
        plotly_chart(box=left, fig=figures.histogram_figure(ratings.ratings), key="tr_hist")
        counts = ratings.item_counts
        top = counts.topk(min(10, len(counts)))
        right.dataframe(
            pd.DataFrame(
                {
                    "item": [ratings.title(i) for i in top.indices.tolist()],
                    "ratings": top.values.tolist(),
                }
            ),
            width="stretch",
            hide_index=True,
        )
