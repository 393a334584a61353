"""Which devices are here, and the one a config asks for."""

import pytest
import torch

from explorer.devices import DEVICES, available_devices, describe, resolve_device


def test_the_cpu_is_always_there_and_last():
    found = available_devices()
    assert found[-1] == "cpu" and set(found) <= set(DEVICES)
    assert ("cuda" in found) == torch.cuda.is_available()


def test_auto_takes_the_best_present_and_an_absent_device_names_those_present():
    assert resolve_device("auto") == torch.device(available_devices()[0])
    assert resolve_device("cpu") == torch.device("cpu")
    absent = next((d for d in ("cuda", "mps") if d not in available_devices()), None)
    if absent is None:
        pytest.skip("every device is present")
    with pytest.raises(ValueError, match=f"'{absent}' is not available here; available: .*cpu"):
        resolve_device(absent)


def test_the_page_says_where_it_trains_and_why():
    assert describe("cpu") == "cpu: as asked"
    if not torch.cuda.is_available():
        assert describe("auto") == "cpu: no GPU found"
    else:
        assert describe("auto") == f"cuda: {torch.cuda.get_device_name(0)}"
