"""Every door runs the same checks: a bad file is named by its line and never half-loaded."""

import numpy as np
import pytest
import torch

from explorer.data.csvfile import read_csv_frame, read_ratings_csv, sniff_separator
from explorer.data.movielens import read_movielens

GOOD = "user,item,rating\n1,10,4\n1,20,3\n2,10,5\n"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"user,item,rating\n1,10,4\n,20,3\n", "Row 3: the user column 'user' is empty"),
        (b"user,item,rating\n1,10,4\n1,,3\n", "Row 3: the item column 'item' is empty"),
        (b"user,item,rating\n1,10,4\n1,20,\n", "Row 3: rating empty in the rating column"),
        (b"user,item,rating\n1,10,4\n1,20,inf\n", "Row 3: rating inf is infinite"),
        (b"user,item,rating\n", "header but no ratings"),
        (b"user,item,rating\n1,10,4\n", "Every rating is 4"),
        (b"rating\n4\n5\n", r"1 column\(s\), \[.rating.\]"),
        (b"user,item,rating\n1,10,4\n1,10,5\n", "Row 3: user 1 rated item 10 twice"),
        (b"user,item,rating\n1,10,4\n1,20,3,9\n", "same number of fields"),
        (b"\x00\x01\x02PK binary", "not text"),
        (b"   \n\n", "empty"),
    ],
)
def test_a_bad_file_is_named_by_its_row(data, needle):
    with pytest.raises(ValueError, match=needle):
        read_ratings_csv(data)


@pytest.mark.parametrize(
    "data",
    [
        GOOD.encode(),
        b"\xef\xbb\xbf" + GOOD.encode(),  # a UTF-8 BOM, as Excel writes
        GOOD.encode("utf-16"),  # with its BOM
        b"user;item;rating\n1;10;4,0\n1;20;3,0\n2;10;5,0\n",  # decimal commas
        b"sep=;\nuser;item;rating\n1;10;4\n1;20;3\n2;10;5\n",  # Excel's first line
        b"user\titem\trating\n1\t10\t4\n1\t20\t3\n2\t10\t5\n",
        "userId,movieId,rating,title\n1,10,4,Caf\xe9\n1,20,3,B\n2,10,5,Caf\xe9\n".encode("latin-1"),
    ],
)
def test_every_spelling_of_the_same_ratings_reads_the_same(data):
    r = read_ratings_csv(data)
    assert (r.n_users, r.n_items, len(r)) == (2, 2, 3)
    assert r.user_ids.tolist() == [1, 2] and r.item_ids.tolist() == [10, 20]
    torch.testing.assert_close(r.ratings, torch.tensor([4.0, 3.0, 5.0]))


def test_the_header_is_read_without_its_bom_and_one_column_is_one_column():
    assert list(read_csv_frame(b"\xef\xbb\xbfuserId,movieId,rating\n1,2,3\n").columns) == [
        "userId",
        "movieId",
        "rating",
    ]
    assert sniff_separator(["rating", "4", "5"]) == ","  # no "t" split of "rating"


def test_any_scale_loads_and_its_range_is_the_datas():
    r = read_ratings_csv(b"user,item,rating\n1,10,-3\n1,20,100\n2,10,7.5\n")
    assert r.rating_range == (-3.0, 100.0)


def test_a_big_upload_parses_fast_enough_to_stay_interactive():
    rng = np.random.default_rng(0)  # the size of MovieLens latest-small's ratings.csv
    n = 100_836
    rows = np.c_[rng.integers(1, 611, n), np.arange(n), rng.integers(1, 11, n) / 2]
    data = ("userId,movieId,rating\n" + "\n".join(f"{a},{b},{c}" for a, b, c in rows)).encode()
    r = read_ratings_csv(data)  # the C engine: well under a second (bench: not asserted here)
    assert len(r) == n and r.rating_range == (0.5, 5.0)


def test_a_movielens_folder_with_an_empty_id_is_named_by_its_line(tmp_path):
    d = tmp_path / "ml-latest-small"
    d.mkdir()
    (d / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n1,10,4.5,1\n2,,4,964982703\n2,10,3,2\n"
    )
    with pytest.raises(ValueError, match="ratings.csv line 3: the item column is empty"):
        read_movielens(d)


@pytest.mark.parametrize(
    ("lines", "needle"),
    [
        ("1\t10\t4\t0\n1\t10\t5\t0\n2\t10\t3\t0\n", "u.data line 2: user 1 rated item 10 twice"),
        ("1\t10\t4\t0\n1\t20\t4\t0\n", "Every rating is 4"),
        ("1\t10\t4\t0\n1\t20\t9\t0\n", "u.data line 2: rating 9 is outside"),
        ("1\t10\t4\t0\n1\t20\n", "u.data line 2: rating empty"),
        ("1\t10\t4\t0\n1\t20\t3\t0\t7\n", "could not be read"),
    ],
)
def test_the_movielens_readers_run_the_same_checks(tmp_path, lines, needle):
    d = tmp_path / "ml-100k"
    d.mkdir()
    (d / "u.data").write_text(lines)
    with pytest.raises(ValueError, match=needle):
        read_movielens(d)


def test_any_rating_the_checks_pass_gives_a_y_range_the_model_takes():
    from explorer.data.checks import MAX_ABS_RATING
    from explorer.settings import entry, problem
    from explorer.train.config import TrainConfig, y_range_for

    widest = y_range_for(-MAX_ABS_RATING, MAX_ABS_RATING)
    assert problem(entry(TrainConfig, "y_range"), widest) is None


def test_a_rating_past_float32_is_named_by_its_row(tmp_path, capsys):
    from explorer.__main__ import main

    path = tmp_path / "r.csv"
    rows = [f"{u},{i},{(u + i) % 5 + 1}" for u in range(1, 6) for i in range(1, 5)]
    rows[2] = "1,3,-1e308"
    path.write_text("user,item,rating\n" + "\n".join(rows) + "\n")
    assert main(["train", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Row 4: rating -1e+308 is too large for float32" in err and "y_range" not in err
