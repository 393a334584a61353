import pytest
import torch

from explorer.data.csvfile import Roles, infer_roles, read_csv_frame, read_ratings_csv


def test_good_csv_with_inferred_roles_and_titles():
    r = read_ratings_csv(
        b"userId,movieId,rating,title\nu1,m1,4,Alpha\nu2,m1,2,Alpha\nu1,m2,5,Beta\n"
    )
    assert (r.n_users, r.n_items, len(r)) == (2, 2, 3)
    assert torch.equal(r.ratings, torch.tensor([4.0, 2.0, 5.0]))
    assert [r.title(i) for i in range(2)] == ["Alpha", "Beta"]


def test_explicit_roles_and_other_separators():
    r = read_ratings_csv(b"a;b;c\n1;7;1\n2;7;3\n", Roles(user="a", item="b", rating="c"))
    assert len(r) == 2 and r.n_items == 1


def test_infer_roles_by_name():
    assert infer_roles(["User ID", "Product", "Stars"]) == {
        "user": "User ID",
        "item": "Product",
        "rating": "Stars",
        "title": None,
    }


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"user,item,rating\n", "no ratings"),
        (b"user,rating\n1,4\n", "needs three"),
        (b"user,thing,rating\n1,4,5\n", "No column for item"),
        (b"user,item,rating\n1,2,4\n1,3,good\n", "Row 3: rating 'good'"),
        (b"user,item,rating\n1,2,4\n1,3,\n", "Row 3"),
        (b"user,item,rating\n1,2,4\n1,3,4\n", "Every rating is 4"),
        (b"user,item,rating\n1,2,4\n1,2,5\n", "Row 3: user 1 rated item 2 twice"),
        (b"user,item,rating\n1,2,4\n,3,5\n", "Row 3: the user column"),
        (b"user,item,rating\n1,2,inf\n1,3,4\n", "infinite"),
    ],
)
def test_bad_csv_names_the_problem_the_row_and_the_fix(data, needle):
    with pytest.raises(ValueError, match=needle):
        read_ratings_csv(data)


def test_size_limit():
    with pytest.raises(ValueError, match="the limit is"):
        read_csv_frame(b"user,item,rating\n" + b"1,2,3\n" * 100, max_bytes=50)


def test_missing_explicit_column():
    with pytest.raises(ValueError, match="not in the file"):
        read_ratings_csv(b"user,item,rating\n1,2,3\n1,3,4\n", Roles("user", "movie", "rating"))
