"""Server folders are confined to the app's data/ folder and the operator's roots."""

import os

import pytest

from explorer import limits
from explorer.data.paths import allowed_path


@pytest.fixture
def roots(tmp_path):
    allowed = tmp_path / "data"
    (allowed / "ml").mkdir(parents=True)
    (tmp_path / "secret").mkdir()
    return [allowed.resolve()], allowed, tmp_path


@pytest.mark.parametrize("text", ["/", "/etc", "~", "/etc/passwd"])
def test_paths_outside_the_roots_are_refused_naming_the_setting(text):
    with pytest.raises(ValueError, match="EXPLORER_DATA_ROOTS"):
        allowed_path(text)


def test_dot_dot_and_links_out_of_a_root_are_refused(roots):
    allowed_roots, allowed, top = roots
    assert allowed_path(str(allowed / "ml"), allowed_roots) == (allowed / "ml").resolve()
    with pytest.raises(ValueError, match="outside the folders"):
        allowed_path(str(allowed / ".." / "secret"), allowed_roots)
    os.symlink(top / "secret", allowed / "link")
    with pytest.raises(ValueError, match="outside the folders"):
        allowed_path(str(allowed / "link"), allowed_roots)


def test_a_relative_path_is_read_from_the_apps_data_folder():
    assert allowed_path("ml-100k") == (limits.APP_DATA / "ml-100k").resolve()
    with pytest.raises(ValueError, match="outside"):
        allowed_path("../explorer")


def test_the_operator_adds_roots(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", f"{tmp_path}{os.pathsep}/nowhere")
    assert allowed_path(str(tmp_path / "x")) == (tmp_path / "x").resolve()
