"""Which torch devices are here, and the one a config asks for."""

from __future__ import annotations

import torch

DEVICES = ("auto", "cpu", "cuda", "mps")


def available_devices() -> list[str]:
    """Devices torch can use here, best first."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        found.append("mps")
    return [*found, "cpu"]


def resolve_device(name: str) -> torch.device:
    """auto -> the best available; an absent device is a ValueError naming those present."""
    present = available_devices()
    if name == "auto":
        return torch.device(present[0])
    if name not in present:
        raise ValueError(f"Device {name!r} is not available here; available: {', '.join(present)}.")
    return torch.device(name)


def describe(name: str) -> str:
    """Where a config's device trains, and why, in words: 'cuda: NVIDIA H200' or
    'cpu: no GPU found'."""
    device = resolve_device(name)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "mps: the Apple GPU"
    why = "no GPU found" if name == "auto" else "as asked"
    return f"cpu: {why}"
