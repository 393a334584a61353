"""Reading the indices a visitor types, and what it says when they are wrong."""

import pytest

from explorer.lookup.config import MAX_INDEX_TEXT, parse_indices


@pytest.mark.parametrize(
    ("text", "value"),
    [("3, 0, 3", [3, 0, 3]), ("7", [7]), (" [[1, 2], [3, 3]] ", [[1, 2], [3, 3]]), ("[5]", [5])],
)
def test_one_and_two_dimensional_batches_are_read(text, value):
    assert parse_indices(text) == value


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("[]", "empty"),
        ("1, two", "Could not read"),
        ("1.5, 2", "1.5 is not a whole number"),
        ("True", "True is not a whole number"),
        ("[[1, 2], [3]]", "same, non-zero length"),
        ("1," * MAX_INDEX_TEXT, "characters; the page takes at most"),
    ],
)
def test_a_wrong_batch_says_what_to_type(text, needle):
    with pytest.raises(ValueError, match=needle.replace("[", r"\[")):
        parse_indices(text)
