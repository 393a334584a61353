import subprocess
import sys
from pathlib import Path

import pytest
import torch

from explorer.__main__ import main
from explorer.view.export import load_checkpoint

ROOT = Path(__file__).resolve().parents[1]


def test_train_on_the_built_in_data_end_to_end(tmp_path, capsys):
    ckpt, proj = tmp_path / "m.pt", tmp_path / "proj"
    rc = main(
        [
            "train",
            "--device",
            "cpu",
            "--n-ratings",
            "3000",
            "--epochs",
            "3",
            "--n-factors",
            "8",
            "--checkpoint",
            str(ckpt),
            "--projector",
            str(proj),
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "valid RMSE" in out and "global mean" in out and "Finished 3 epochs." in out
    lines = [ln for ln in out.splitlines() if ln.strip().startswith(("1 ", "2 ", "3 "))]
    assert len(lines) == 3
    model, config, _ = load_checkpoint(ckpt)
    assert config.epochs == 3 and config.n_factors == 8
    assert (
        len((proj / "vectors.tsv").read_text().splitlines()) == model.item_factors.weight.shape[0]
    )


def test_train_on_a_movielens_folder_with_its_split(ml100k_dir, capsys):
    rc = main(
        [
            "train",
            "--device",
            "cpu",
            "--data",
            str(ml100k_dir),
            "--split",
            "u1",
            "--epochs",
            "2",
            "--y-range",
            "none",
            "--model",
            "DotProduct",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "official split" in out and "DotProduct " in out


def test_bad_arguments_exit_with_a_message(capsys):
    assert main(["train", "--n-ratings", "3000", "--lr", "-1"]) == 2
    assert "lr must be" in capsys.readouterr().err


@pytest.mark.worker  # a child Python that imports torch
def test_module_runs_as_a_program():
    res = subprocess.run(
        [sys.executable, "-m", "explorer", "train", "--n-ratings", "2000", "--epochs", "1"]
        + ["--device", "cpu"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "user + item biases" in res.stdout
    assert torch.__version__  # the CLI and the tests share one torch


def _csv(path, scale: float = 1.0) -> None:
    from explorer.data.synthetic import synthetic_ratings

    r = synthetic_ratings(4000, n_users=80, n_items=100, seed=3)
    rows = [
        f"{u},{i},{x * scale:g}"
        for u, i, x in zip(r.users.tolist(), r.items.tolist(), r.ratings.tolist(), strict=True)
    ]
    path.write_text("user,item,rating\n" + "\n".join(rows) + "\n")


def test_a_plain_ratings_csv_trains_on_its_own_scale(tmp_path, capsys):
    _csv(tmp_path / "r.csv", scale=2.0)  # 2 to 10
    assert (
        main(["train", "--data", str(tmp_path / "r.csv"), "--epochs", "2", "--device", "cpu"]) == 0
    )
    out = capsys.readouterr().out
    assert "ratings from r.csv: 4,000 ratings" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--data", "/"], "holds more than"),
        (["--data", "/nonexistent/ml"], "does not exist"),
        (["--data", "BAD"], "Row 3: the user column"),
        (["--epochs", "abc"], "--epochs 'abc': not a valid value"),
        (["--valid-pct", "0.6"], "valid_pct must be between 0.05 and 0.5"),
        (["--model", "Evil"], "model must be one of"),
    ],
)
def test_bad_input_is_a_message_and_exit_status_2(tmp_path, capsys, args, needle):
    if "BAD" in args:
        (tmp_path / "bad.csv").write_text("user,item,rating\n1,2,4\n,3,5\n")
        args = ["--data", str(tmp_path / "bad.csv")]
    assert main(["train", "--n-ratings", "500", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_no_progress_bar_floods_a_log(capsys):
    from explorer.__main__ import main

    assert main(["train", "--n-ratings", "2000", "--epochs", "2", "--device", "cpu"]) == 0
    err = capsys.readouterr().err  # not a terminal here, as a log is not
    assert "step/s" not in err and "\r" not in err
