import zipfile

import pandas as pd
import pytest

from explorer.data.movielens import detect_format, read_movielens
from tests.conftest import ratings_frame, write_ml100k, zip_folder


def test_ml100k_folder_matches_a_plain_pandas_read(ml100k_dir):
    r = read_movielens(ml100k_dir)
    raw = pd.read_csv(ml100k_dir / "u.data", sep="\t", header=None)
    assert len(r) == len(raw)
    back = ratings_frame(r)
    assert back["user"].tolist() == raw[0].tolist()
    assert back["item"].tolist() == raw[1].tolist()
    assert back["rating"].tolist() == raw[2].astype(float).tolist()
    assert r.title(list(r.item_ids).index(1)) == "Café Film 1 (1991)"  # latin-1 decoded
    assert r.item_genres[list(r.item_ids).index(2)] == "Animation"
    assert r.is_valid is None and r.rating_range == (1.0, 5.0)


def test_official_split_marks_the_test_rows(ml100k_dir):
    r = read_movielens(ml100k_dir, split="u1")
    test = pd.read_csv(ml100k_dir / "u1.test", sep="\t", header=None)
    assert int(r.is_valid.sum()) == len(test)
    assert ratings_frame(r)[r.is_valid.numpy()]["user"].tolist() == test[0].tolist()


def test_zip_with_a_nested_folder_reads_the_same(ml100k_dir, tmp_path):
    z = zip_folder(ml100k_dir, tmp_path / "ml-100k.zip", prefix="ml-100k/")
    a, b = read_movielens(ml100k_dir), read_movielens(z)
    assert ratings_frame(a).equals(ratings_frame(b))


def test_zip_members_are_never_extracted(tmp_path):
    folder = write_ml100k(tmp_path / "src")
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(folder / "u.data", "../../escaped/u.data")
    read_movielens(z)
    assert not (tmp_path.parent / "escaped").exists()


def test_csv_format(tmp_path):
    d = tmp_path / "ml-latest-small"
    d.mkdir()
    (d / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n1,10,4.5,1\n1,20,3.0,2\n2,10,0.5,3\n"
    )
    (d / "movies.csv").write_text(
        'movieId,title,genres\n10,"Heat, The (1995)",Action|Crime\n'
        "20,Up (2009),(no genres listed)\n"
    )
    assert detect_format(d) == "csv"
    r = read_movielens(d)
    assert len(r) == 3 and r.rating_range == (0.5, 5.0)
    assert r.title(0) == "Heat, The (1995)" and r.item_genres == ["Action", "unknown"]


def test_1m_format(tmp_path):
    d = tmp_path / "ml-1m"
    d.mkdir()
    (d / "ratings.dat").write_text(
        "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n"
    )
    (d / "movies.dat").write_bytes(
        (
            "1193::One Flew (1975)::Drama\n661::James et la Pêche (1996)::Animation|Children's\n"
        ).encode("latin-1")
    )
    r = read_movielens(d)
    assert detect_format(d) == "1m"
    assert (r.n_users, r.n_items, len(r)) == (2, 2, 3)
    assert r.title(0) == "James et la Pêche (1996)"


def test_bad_paths_say_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_movielens(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No MovieLens ratings"):
        read_movielens(tmp_path / "empty")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ValueError, match="neither a folder nor a zip"):
        read_movielens(tmp_path / "x.txt")


def test_bad_split(ml100k_dir):
    with pytest.raises(ValueError, match="Unknown split"):
        read_movielens(ml100k_dir, split="u9")
    (ml100k_dir / "u1.test").unlink()
    with pytest.raises(ValueError, match="no u1.base"):
        read_movielens(ml100k_dir, split="u1")


def test_malformed_file_gives_a_message(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "u.data").write_text("1\t2\tfive\t0\n")
    with pytest.raises(ValueError, match="u.data"):
        read_movielens(d)


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ml-100k/u.data", b"1\t1\t1\t1\n" * 2_000_000)  # 16 MB of one line: x1000
    with pytest.raises(ValueError, match="times its packed size"):
        read_movielens(z)


def test_a_member_over_the_size_limit_is_refused(tmp_path, ml100k_dir, monkeypatch):
    import explorer.data.archive as archive

    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 100)
    z = zip_folder(ml100k_dir, tmp_path / "ml.zip")
    with pytest.raises(ValueError, match="the server reads at most"):
        read_movielens(z)


def test_a_file_named_zip_that_is_not_one(tmp_path):
    (tmp_path / "fake.zip").write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="neither a folder nor a zip"):
        read_movielens(tmp_path / "fake.zip")
