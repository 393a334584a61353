"""The settings table: one declaration a field feeds the check, the link, the CLI and the widget."""

import dataclasses
import math
from types import MappingProxyType

import pytest

from explorer.__main__ import main
from explorer.data.choice import DataChoice
from explorer.lookup.config import LookupConfig
from explorer.settings import bounds_text, entry, parse_entry, problem, problems, table
from explorer.train.config import TrainConfig
from explorer.view.links import from_query
from tests.ui.apptest import page


def test_every_field_of_both_configs_has_a_setting_and_its_default_passes():
    for cls in (TrainConfig, LookupConfig):
        rows = table(cls)
        assert [e.name for e in rows] == [f.name for f in dataclasses.fields(cls)]
        assert all(e.setting.label and e.setting.help for e in rows)
        assert problems(cls()) == []


@pytest.mark.parametrize(
    ("cls", "name", "text", "value"),
    [
        (TrainConfig, "y_range", "0.5, 5", (0.5, 5.0)),
        (TrainConfig, "bias_wd", "", None),
        (TrainConfig, "official_split", "yes", True),
        (TrainConfig, "epochs", " 7 ", 7),
        (LookupConfig, "padding_idx", "none", None),
        (LookupConfig, "indices", "[[1, 2]]", "[[1, 2]]"),
    ],
)
def test_text_is_read_by_the_declared_type(cls, name, text, value):
    assert parse_entry(entry(cls, name), text) == value


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("epochs", 0, "epochs must be between 1 and 1,000, not 0"),
        ("epochs", 2.5, "whole number"),
        ("lr", math.nan, "lr must be between"),
        ("lr", math.inf, "not inf"),
        ("model", "Evil", "model must be one of DotProduct, DotProductBias"),
        ("y_range", (0.0, math.inf), "y_range must be"),
        ("bias_wd", -1.0, "or empty"),
        ("official_split", 1, "1 or 0"),
    ],
)
def test_a_value_out_of_its_row_is_named_with_its_bounds(name, value, needle):
    assert needle in problem(entry(TrainConfig, name), value)


def test_a_bound_that_excludes_its_end_says_so():
    e = entry(LookupConfig, "max_norm")
    assert bounds_text(e).startswith("above 0")
    assert problem(e, 0.0) and problem(e, 1e-9) is None and problem(e, None) is None


@pytest.fixture
def epochs_up_to_7(monkeypatch):
    """The table row of `epochs` with its upper bound changed from 1,000 to 7."""
    field = TrainConfig.__dataclass_fields__["epochs"]
    row = dataclasses.replace(field.metadata["setting"], high=7)
    monkeypatch.setattr(field, "metadata", MappingProxyType({"setting": row}))


def test_one_bound_changed_in_the_table_moves_the_check_the_link_and_the_cli(
    epochs_up_to_7, capsys
):
    TrainConfig(epochs=7).check()
    with pytest.raises(ValueError, match="epochs must be between 1 and 7, not 8"):
        TrainConfig(epochs=8).check()
    config, found = from_query(TrainConfig, {"epochs": "8", "lr": "0.01"})
    assert config.epochs == TrainConfig().epochs and config.lr == 0.01
    assert found == ["epochs='8' in the link: epochs must be between 1 and 7, not 8"]
    assert main(["train", "--n-ratings", "500", "--epochs", "8"]) == 2
    assert "--epochs '8': epochs must be between 1 and 7" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Passes over the data. Default 5; between 1 and 7." in help_text


def test_one_bound_changed_in_the_table_moves_the_widget(epochs_up_to_7):
    at = page()
    box = at.sidebar.number_input(key="tr_epochs")
    assert "between 1 and 7" in box.help
    box.set_value(8).run()
    assert not at.exception
    assert any("epochs must be between 1 and 7, not 8" in e.value for e in at.error)
    at.button(key="tr_train").click().run()
    assert not at.exception and "tr_run" not in at.session_state  # nothing trains on it


def test_the_data_widgets_show_what_the_data_choice_table_declares():
    from explorer.ui.widgets import help_text

    at = page()
    source = at.radio(key="tr_source")
    e = entry(DataChoice, "data")
    assert (source.label, source.help) == (e.setting.label, help_text(e))
    assert source.options == list(e.setting.labels) and source.value == "synthetic"
    for key, name in (("tr_syn_n", "n_ratings"), ("tr_syn_seed", "data_seed")):
        box, e = at.number_input(key=key), entry(DataChoice, name)
        assert (box.label, box.help, box.value) == (e.setting.label, help_text(e), e.default)
    genres, e = at.slider(key="tr_syn_genres"), entry(DataChoice, "genres")
    assert (genres.min, genres.max, genres.label) == (
        e.setting.low,
        e.setting.high,
        e.setting.label,
    )
    source.set_value("ml-100k").run()
    split, e = at.selectbox(key="tr_ml_split"), entry(DataChoice, "split")
    assert split.options == list(e.setting.labels) and split.help == help_text(e)
    at.radio(key="tr_source").set_value("folder").run()
    path, e = at.text_input(key="tr_ml_path"), entry(DataChoice, "path")
    assert (path.label, path.help) == (e.setting.label, help_text(e))


def test_the_command_lines_data_flags_come_from_the_same_table(capsys):
    from explorer.__main__ import DATA_FLAGS

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for name in DATA_FLAGS:
        e = entry(DataChoice, name)
        assert f"{e.flag} VALUE {e.setting.help}" in text
        assert bounds_text(e) in text
    assert main(["train", "--genres", str(int(entry(DataChoice, "genres").setting.high) + 1)]) == 2
    assert "--genres '9': genres must be between 2 and 8" in capsys.readouterr().err


def test_the_sweeps_boxes_come_from_their_table():
    from streamlit.testing.v1 import AppTest

    from explorer.lookup.cost import SweepChoice
    from explorer.ui.widgets import help_text

    at = AppTest.from_string(
        "from explorer.ui.lookup import cost\n"
        "from explorer.lookup.config import LookupConfig\n"
        "cost.cost_section(LookupConfig())\n",
        default_timeout=60,
    ).run()
    batch, e = at.number_input(key="lk_sweep_batch"), entry(SweepChoice, "batch")
    assert (batch.label, batch.help, batch.value) == (e.setting.label, help_text(e), e.default)
    batch.set_value(int(e.setting.high) + 1).run()
    assert "batch must be between 1 and 8,192, not 8,193" in at.error[0].value
    assert len(at.button) == 0  # no Run button while the batch is out of its bounds
