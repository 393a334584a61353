"""The MovieLens download through pooch, against a real HTTP server on 127.0.0.1."""

import functools
import hashlib
import http.server
import socket
import threading
import time

import pytest

from explorer.data.download import download_ml100k, find_ml100k
from explorer.data.movielens import read_movielens
from tests.conftest import write_ml100k, zip_folder


@pytest.fixture
def served_zip(tmp_path):
    """A small ml-100k.zip served over HTTP from a folder of its own; yields (url, md5)."""
    www = tmp_path / "www"
    www.mkdir()
    z = zip_folder(write_ml100k(tmp_path / "src"), www / "ml-100k.zip", prefix="ml-100k/")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ml-100k.zip"
    yield url, hashlib.md5(z.read_bytes()).hexdigest()
    server.shutdown()
    server.server_close()


def test_download_with_the_right_checksum_is_kept_and_readable(served_zip, tmp_path):
    url, md5 = served_zip
    data = tmp_path / "data"
    path = download_ml100k(data, url=url, known_hash=f"md5:{md5}")
    assert path == data / "ml-100k.zip" and path.exists()
    assert find_ml100k(data) == path
    assert len(read_movielens(path)) == 60


def test_a_wrong_checksum_keeps_nothing(served_zip, tmp_path):
    url, _ = served_zip
    data = tmp_path / "data"
    with pytest.raises(RuntimeError, match="checksum"):
        download_ml100k(data, url=url, known_hash="md5:" + "0" * 32)
    assert not (data / "ml-100k.zip").exists()
    assert find_ml100k(data) is None


def test_server_down_says_where_to_put_the_files(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RuntimeError, match="put the zip"):
        download_ml100k(tmp_path, url=f"http://127.0.0.1:{port}/ml-100k.zip", timeout=5)


def test_find_an_unzipped_folder(tmp_path):
    write_ml100k(tmp_path / "ml-100k")
    assert find_ml100k(tmp_path) == tmp_path / "ml-100k"


def test_a_server_that_trickles_is_given_up_on_at_the_deadline(tmp_path):
    sent = []

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # a byte every 0.3 s: no single read ever times out
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    sent.append(1)
                except OSError:
                    return
                time.sleep(0.3)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ml-100k.zip"
    with pytest.raises(RuntimeError, match="TimeoutError"):
        download_ml100k(tmp_path, url=url, known_hash=None, timeout=2, deadline=2)
    assert len(sent) < 1000  # it gave up: the whole file would have taken 300 s
    assert not (tmp_path / "ml-100k.zip").exists()
    server.shutdown()
    server.server_close()


def test_downloads_land_in_the_repositorys_ignored_data_folder():
    # not in explorer/data/, the package: a download there could be committed by mistake
    # (MovieLens' licence forbids redistributing it)
    import subprocess
    from pathlib import Path

    from explorer.data.download import DATA_DIR

    root = Path(__file__).resolve().parents[2]
    assert root / "data" == DATA_DIR
    probe = DATA_DIR / "ml-100k" / "u.data"
    out = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", str(probe)], cwd=root, check=False
    )
    assert out.returncode == 0  # git ignores it
