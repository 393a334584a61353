import pytest
import torch
from torch.testing import assert_close

from explorer.data.synthetic import GENRES, synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.loop.trainer import Trainer
from explorer.view.analysis import (
    align_to,
    bias_ranking,
    fold_in_user,
    item_neighbours,
    pca_2d,
    predict_items,
    recommend,
)


def test_pca_matches_svd_up_to_sign_and_is_sign_stable():
    x = torch.randn(50, 6, generator=torch.Generator().manual_seed(0))
    p = pca_2d(x)
    c = x - x.mean(0)
    _, _, vh = torch.linalg.svd(c.double(), full_matrices=False)
    ref = (c.double() @ vh[:2].T).float()
    assert_close(p.abs(), ref.abs(), rtol=1e-4, atol=1e-5)
    assert_close(pca_2d(x * 1.0001), p * 1.0001, rtol=1e-3, atol=1e-4)  # no flip
    assert pca_2d(torch.randn(5, 1)).shape == (5, 2)


def test_neighbours_by_cosine():
    f = torch.tensor([[1.0, 0.0], [0.9, 0.1], [-1.0, 0.0], [0.0, 1.0]])
    near = item_neighbours(f, 0, 2)
    assert [i for i, _ in near] == [1, 3]
    eligible = torch.tensor([True, False, True, True])  # item 1 is rarely rated
    assert [i for i, _ in item_neighbours(f, 0, 2, eligible)] == [3, 2]
    assert near[0][1] == pytest.approx(
        torch.nn.functional.cosine_similarity(f[0], f[1], dim=0).item()
    )


def test_bias_ranking_skips_rarely_rated_items():
    bias = torch.tensor([0.5, -0.2, 3.0, 0.1, -4.0])
    counts = torch.tensor([50, 50, 1, 50, 2])
    top, bottom = bias_ranking(bias, counts, k=2, min_ratings=20)
    assert top == [0, 3] and bottom == [1, 3]


def test_recommend_skips_rated_items():
    scores = torch.tensor([5.0, 4.0, 3.0, 2.0])
    assert [i for i, _ in recommend(scores, [0, 2], 5)] == [1, 3]


def test_trained_model_on_planted_data_reads_right():
    r = synthetic_ratings(30000, seed=3)
    tr = Trainer(r, TrainConfig(device="cpu", epochs=5))
    list(tr.run())
    m = tr.model
    itf, ib = m.item_factors.weight.detach(), m.item_bias.weight[:, 0].detach()
    # the planted item biases come out: learned and planted biases agree in rank
    planted = r.planted.item_bias
    counts = torch.bincount(r.items, minlength=r.n_items)
    busy = counts >= 20
    corr = torch.corrcoef(torch.stack([ib[busy], planted[busy]]))[0, 1]
    assert corr > 0.5
    # neighbours of an item are mostly of its genre
    item = int(counts.argmax())
    near = item_neighbours(itf, item, 10)
    same = sum(r.item_genres[i] == r.item_genres[item] for i, _ in near)
    assert same >= 7
    # a new user who loves one genre and hates the one opposite it on the planted ring of
    # genres is recommended the genre they love
    genre = r.item_genres[item]
    other = GENRES[(GENRES.index(genre) + 3) % 6]
    order = counts.argsort(descending=True).tolist()
    loved = [i for i in order if r.item_genres[i] == genre][:5]
    hated = [i for i in order if r.item_genres[i] == other][:5]
    vec, bias = fold_in_user(
        {**{i: 5.0 for i in loved}, **{i: 1.0 for i in hated}}, itf, ib, m.y_range
    )
    recs = recommend(predict_items(vec, bias, itf, ib, m.y_range), loved + hated, 10)
    assert sum(r.item_genres[i] == genre for i, _ in recs) >= 7
    with pytest.raises(ValueError, match="at least one"):
        fold_in_user({}, itf, ib, m.y_range)


def test_aligned_frames_hold_still_when_the_raw_pca_basis_swaps_and_flips():
    gen = torch.Generator().manual_seed(5)
    base = torch.randn(300, 6, generator=gen) * torch.tensor([3.0, 2.9, 0.5, 0.4, 0.3, 0.2])
    # the top two directions trade places between snapshots: PCA's axes swap
    frames = [base * torch.tensor([1.0 - 0.03 * t, 1.0 + 0.03 * t, 1, 1, 1, 1]) for t in range(3)]
    raw = [pca_2d(f) for f in frames]
    jump = float((raw[0] - raw[1]).abs().max())
    assert jump > 1.5  # drawn raw, the cloud turns
    aligned, last = [], None
    for r in raw:
        last = align_to(r, last)
        aligned.append(last)
    for a, b in zip(aligned, aligned[1:], strict=False):  # aligned, consecutive frames agree
        assert (a - b).abs().max() < jump / 4
    # the fit only turns or mirrors: every distance between points is kept
    assert_close(
        torch.cdist(aligned[-1], aligned[-1]), torch.cdist(raw[-1], raw[-1]), atol=1e-2, rtol=1e-3
    )
