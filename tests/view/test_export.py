import io
import pickle

import pytest
import torch

from explorer.train.config import TrainConfig
from explorer.train.loop.trainer import Trainer
from explorer.view.export import checkpoint_bytes, load_checkpoint, projector_tsv, save_checkpoint


@pytest.fixture(scope="module")
def trained(tiny):
    tr = Trainer(tiny, TrainConfig(device="cpu", epochs=2, n_factors=6, y_range=(0.5, 5.5)))
    list(tr.run())
    return tr


def test_checkpoint_round_trip_is_exact(trained, tiny, tmp_path):
    path = tmp_path / "model.pt"
    save_checkpoint(path, trained.model, trained.config, tiny)
    model, config, meta = load_checkpoint(path)
    assert config == trained.config
    for (k, a), (k2, b) in zip(
        trained.model.state_dict().items(), model.state_dict().items(), strict=True
    ):
        assert k == k2 and torch.equal(a, b)
    u, i = tiny.users[:50], tiny.items[:50]
    with torch.no_grad():
        assert torch.equal(model(u, i), trained.model(u, i))
    assert meta["item_ids"] == tiny.item_ids.tolist() and meta["n_users"] == tiny.n_users


def test_checkpoint_bytes_load_from_memory(trained, tiny):
    model, config, _ = load_checkpoint(
        io.BytesIO(checkpoint_bytes(trained.model, trained.config, tiny))
    )
    assert config.y_range == (0.5, 5.5)


class Payload:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_a_pickle_that_is_not_a_checkpoint_is_refused_without_running(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps(Payload(), protocol=2))
    with pytest.raises(ValueError, match="not an Embedding Explorer checkpoint"):
        load_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out


def test_plain_tensors_are_not_a_checkpoint_either(tmp_path):
    path = tmp_path / "t.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(ValueError, match="holds tensors but is not"):
        load_checkpoint(path)
    (tmp_path / "junk.pt").write_bytes(b"not a file torch knows")
    with pytest.raises(ValueError, match="not an Embedding Explorer checkpoint"):
        load_checkpoint(tmp_path / "junk.pt")


def test_projector_files(trained, tiny):
    factors = trained.model.item_factors.weight.detach()
    vectors, meta = projector_tsv(factors, tiny)
    rows = vectors.strip("\n").split("\n")
    assert len(rows) == tiny.n_items
    parsed = torch.tensor([[float(x) for x in r.split("\t")] for r in rows])
    torch.testing.assert_close(parsed, factors, rtol=1e-5, atol=1e-6)
    lines = meta.strip("\n").split("\n")
    assert lines[0] == "title\tgenre\tid" and len(lines) == tiny.n_items + 1
    assert lines[1].split("\t") == [tiny.item_titles[0], tiny.item_genres[0], "0"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("config"),
        lambda d: d.update(config="not a dict"),
        lambda d: d.update(n_users=None),
        lambda d: d["config"].update(n_factors=-3),
        lambda d: d["model_state"].pop("item_factors.weight"),
        lambda d: d["model_state"].update({"item_factors.weight": torch.zeros(2, 2)}),
    ],
)
def test_a_damaged_checkpoint_is_a_value_error(trained, tiny, tmp_path, damage):
    path = tmp_path / "m.pt"
    save_checkpoint(path, trained.model, trained.config, tiny)
    data = torch.load(path, weights_only=True)
    damage(data)
    torch.save(data, path)
    with pytest.raises(ValueError, match="do not fit together"):
        load_checkpoint(path)
