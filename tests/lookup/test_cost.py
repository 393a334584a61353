from explorer.lookup.cost import lookup_cost, one_hot_cost, sweep, time_paths


def test_cost_model_counts():
    lk = lookup_cost(batch=1024, n=1000, d=50, itemsize=4)
    oh = one_hot_cost(batch=1024, n=1000, d=50, itemsize=4)
    assert lk.multiply_adds == 0
    assert lk.bytes_read == 1024 * 50 * 4 + 1024 * 8
    assert oh.multiply_adds == 1024 * 1000 * 50
    assert oh.input_bytes == 1024 * 1000 * 4
    assert oh.bytes_read == 1000 * 50 * 4 + 1024 * 1000 * 4


def test_cost_grows_with_n_only_for_the_one_hot():
    assert lookup_cost(64, 10, 8) == lookup_cost(64, 10_000, 8)
    assert one_hot_cost(64, 10_000, 8).multiply_adds == 1000 * one_hot_cost(64, 10, 8).multiply_adds


def test_timing_runs_both_paths_and_the_sweep_yields_per_n():
    p = time_paths(100, 8, 32, backward=True, repeats=2)
    assert p.lookup_s > 0 and p.one_hot_s > 0 and p.ratio > 0
    points = list(sweep([10, 100], 4, 16, repeats=1))
    assert [q.n for q in points] == [10, 100]
