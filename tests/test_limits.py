"""The operator's limits: read from the environment when used, checked, named when wrong."""

import os

import pytest

from explorer import limits


def test_defaults_when_unset(monkeypatch):
    for name in ("EXPLORER_MAX_WORKERS", "EXPLORER_UNWATCHED_S", "EXPLORER_MAX_RUN_MB"):
        monkeypatch.delenv(name, raising=False)
    assert limits.max_workers() == limits.cores() >= 1
    assert limits.unwatched_s() == 90.0
    assert limits.max_run_bytes() == 1024 * 2**20


def test_a_set_value_is_read_when_used(monkeypatch):
    monkeypatch.setenv("EXPLORER_MAX_WORKERS", "3")
    monkeypatch.setenv("EXPLORER_MAX_RUN_MB", "2.5")
    assert limits.max_workers() == 3
    assert limits.max_run_bytes() == int(2.5 * 2**20)


@pytest.mark.parametrize(
    ("value", "needle"),
    [("many", "'many' is not a number (unset it for"), ("0", "must be at least 1")],
)
def test_a_bad_value_names_the_setting(monkeypatch, value, needle):
    monkeypatch.setenv("EXPLORER_MAX_WORKERS", value)
    with pytest.raises(ValueError, match="EXPLORER_MAX_WORKERS=") as err:
        limits.max_workers()
    assert needle in str(err.value)


def test_data_roots_are_the_apps_folder_and_the_operators(monkeypatch, tmp_path):
    monkeypatch.delenv("EXPLORER_DATA_ROOTS", raising=False)
    assert limits.data_roots() == [limits.APP_DATA.resolve()]
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", f"{a}{os.pathsep}{os.pathsep}{b}")
    assert limits.data_roots() == [limits.APP_DATA.resolve(), a.resolve(), b.resolve()]
