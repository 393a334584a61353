import pytest

from explorer.lookup.config import LookupConfig
from explorer.train.config import TrainConfig
from explorer.view.links import from_query, to_query


def test_configs_round_trip_through_query_text():
    for cfg in (
        LookupConfig(n=9, indices="[[1, 2], [3, 3]]", padding_idx=2, max_norm=1.5, sparse=True),
        TrainConfig(y_range=None, bias_wd=None, lr=1e-3, model="DotProduct"),
        TrainConfig(y_range=(0.5, 5.0), official_split=True),
    ):
        query = to_query(cfg)
        assert all(isinstance(v, str) for v in query.values())
        back, problems = from_query(type(cfg), query)
        assert back == cfg and problems == []


def test_bad_values_keep_defaults_and_are_reported():
    cfg, problems = from_query(TrainConfig, {"lr": "fast", "epochs": "3", "y_range": "1"})
    assert cfg.epochs == 3 and cfg.lr == TrainConfig().lr and cfg.y_range == TrainConfig().y_range
    assert len(problems) == 2 and any("lr=" in p for p in problems)


@pytest.mark.parametrize(
    ("cls", "key", "text"),
    [
        (TrainConfig, "valid_pct", "0.6"),
        (TrainConfig, "valid_pct", "0.01"),
        (TrainConfig, "lr", "1e30"),
        (TrainConfig, "lr", "nan"),
        (TrainConfig, "wd", "inf"),
        (TrainConfig, "batch_size", str(10**12)),
        (TrainConfig, "epochs", "100000"),
        (TrainConfig, "model", "Evil"),
        (LookupConfig, "n", "-5"),
        (LookupConfig, "n", str(10**9)),
        (LookupConfig, "seed", "-1"),
        (LookupConfig, "d", "9" * 100_000),
    ],
)
def test_a_link_value_out_of_bounds_is_named_and_keeps_the_default(cls, key, text):
    config, problems = from_query(cls, {key: text})
    assert config == cls()  # never clamped: the default stays
    assert len(problems) == 1 and problems[0].startswith(f"{key}=")
    assert len(problems[0]) < 300  # a 100 kB value is not echoed back whole


def test_unknown_keys_are_left_alone():
    assert from_query(TrainConfig, {"colour": "red"}) == (TrainConfig(), [])
