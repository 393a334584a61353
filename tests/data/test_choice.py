import pytest

from explorer.data.choice import DataChoice


@pytest.mark.parametrize("data", ["synthetic", "folder", "upload"])
def test_a_split_belongs_to_movielens_100k_only(data):
    assert "only MovieLens 100k" in DataChoice(data, split="u1").split_problem()
    assert repr(data) in DataChoice(data, split="u1").split_problem()
    assert DataChoice(data).split_problem() is None
    assert DataChoice("ml-100k", split="u1").split_problem() is None
