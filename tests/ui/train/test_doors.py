"""The same data trains the same model through every door: the folder widget, a link that
names the folder (with train=1), and the command line. A folder in MovieLens's CSV format on
a half-star scale (0.5 to 5), where y_range follows the data: (-0.625, 5.5625), not (0, 5.5).
"""

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from torch.testing import assert_close

from explorer.__main__ import main
from explorer.train.config import y_range_for
from explorer.ui.train.session import RUN_KEY
from tests.ui.apptest import PAGE, finished, page, poll


def write_ml_csv(folder, n_users=60, n_items=40, per_user=12, seed=0):
    """A small folder in the ml-latest-small format, ratings in half stars from 0.5 to 5."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    rows = ["userId,movieId,rating,timestamp"]
    for u in range(1, n_users + 1):
        for i in rng.choice(np.arange(1, n_items + 1), size=per_user, replace=False):
            rows.append(f"{u},{i},{rng.integers(1, 11) / 2:g},{len(rows)}")
    (folder / "ratings.csv").write_text("\n".join(rows) + "\n")
    movies = ["movieId,title,genres"] + [
        f"{i},Film {i} (2001),{'Drama' if i % 2 else 'Comedy'}" for i in range(1, n_items + 1)
    ]
    (folder / "movies.csv").write_text("\n".join(movies) + "\n")
    return folder


def _trained(at: AppTest) -> tuple[tuple, float]:
    poll(at, finished, timeout=120)
    run = at.session_state[RUN_KEY]
    return run.config.y_range, run.view().epochs[-1].valid.rmse


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", str(tmp_path))
    return write_ml_csv(tmp_path / "half-stars")


def test_the_folder_door_a_link_and_the_command_line_train_the_same_model(folder, capsys):
    expected = y_range_for(0.5, 5.0)
    assert expected == (-0.625, 5.5625)

    at = page()  # the folder door: Data, the folder, Load, Train
    at.radio(key="tr_source").set_value("folder").run()
    at.text_input(key="tr_ml_path").set_value(str(folder)).run()
    at.button(key="tr_load_path").click().run()
    at.button(key="tr_train").click().run()
    door_range, door_rmse = _trained(at)

    link = AppTest.from_string(PAGE, default_timeout=60)  # a link that names the folder
    link.query_params.update({"data": "folder", "path": str(folder), "train": "1"})
    link.query_params["device"] = "cpu"
    link.run()
    link_range, link_rmse = _trained(link)
    shown = (
        link.sidebar.number_input(key="tr_y_range_low").value,
        link.sidebar.number_input(key="tr_y_range_high").value,
    )

    assert main(["train", "--data", str(folder), "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    cli_rmse = float(re.findall(r"^\s+5\s+\S+\s+(\S+)", out, flags=re.M)[-1])

    assert door_range == link_range == expected and shown == expected
    assert_close(link_rmse, door_rmse, rtol=0, atol=0)  # same seed, same CPU: the same bits
    assert_close(cli_rmse, round(door_rmse, 4), rtol=0, atol=1e-4)  # the table's 4 decimals


def test_a_link_that_names_its_y_range_keeps_it(folder):
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update(
        {"data": "folder", "path": str(folder), "y_range": "0,5.5", "device": "cpu", "train": "1"}
    )
    at.run()
    y_range, _ = _trained(at)
    assert y_range == (0.0, 5.5)


def test_a_link_to_a_synthetic_set_keeps_its_y_range():
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update({"n_ratings": "5000", "y_range": "0.5,5.25", "device": "cpu"})
    at.run()
    assert not at.exception
    assert at.session_state["_tr_config"].y_range == (0.5, 5.25)
    assert len(at.session_state["tr_data"]) == 5000
    low, high = (at.sidebar.number_input(key=f"tr_y_range_{end}").value for end in ("low", "high"))
    assert (low, high) == (0.5, 5.25)
