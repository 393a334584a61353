"""A stopped run's whole state, so that another process continues it bit for bit.

A stopped run gives its worker process back (a class's stopped runs once held 370-410 MB of
the server's memory each, waiting for Resume): the worker sends this state home and ends,
and Resume starts a fresh worker from it. It holds what nanoGPT's checkpoint holds (the
model, the optimizer's moments and steps, the schedule's place) and what makes the
continuation the one an unstopped run takes: the epoch's shuffle, its place in the epoch, the
global RNG and the replay's frames.

Plain numbers, lists, dicts and numpy arrays: it crosses the worker's pipe and waits in the
server. It is made by the app's own worker, never read from a visitor's file.
"""

from __future__ import annotations

import numpy as np
import torch

from explorer.train.loop.trainer import Trainer


def _to_numpy(x, copy: bool = True):
    if isinstance(x, torch.Tensor):  # a copy: the trainer goes on changing its own tensors
        return x.detach().cpu().numpy().copy() if copy else x.detach().cpu().numpy()
    if isinstance(x, dict):
        return {k: _to_numpy(v, copy) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return type(x)(_to_numpy(v, copy) for v in x)
    return x


def _to_torch(x):
    if isinstance(x, np.ndarray):
        return torch.from_numpy(x.copy())  # a copy: the state can be resumed from again
    if isinstance(x, dict):
        return {k: _to_torch(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return type(x)(_to_torch(v) for v in x)
    return x


def save(trainer: Trainer) -> dict:
    """The trainer's state at a stop (between two steps)."""
    trainer.make_stepper()
    trainer.stepper.settle()  # the model's parameters as the row step's block holds them
    in_epoch = trainer.batches is not None
    # the frames are not copied: a kept frame is never written again (FrameKeeper.add keeps
    # copies), and they are most of a stopped worker's memory
    frames = None if trainer.frames is None else _to_numpy(trainer.frames.state_dict(), False)
    state = {
        "model": trainer.model.state_dict(),
        "stepper": trainer.stepper.state_dict(),
        "frames": frames,
        "epoch": trainer.epoch,
        "step_in_epoch": trainer.step_in_epoch,
        "global_step": trainer.global_step,
        # the shuffle as it was before this epoch's order was drawn: drawn again, the same order
        "shuffle": trainer.epoch_shuffle if in_epoch else trainer.shuffle.get_state(),
        "in_epoch": in_epoch,
        "epoch_losses": list(trainer.epoch_losses),
        "epoch_seconds": trainer.epoch_seconds,
        "rng": torch.get_rng_state(),
    }
    return _to_numpy(state)  # the frames are numpy arrays already: passed through as they are


def nbytes(state: dict) -> int:
    """The memory the state holds in its arrays."""
    if isinstance(state, np.ndarray):
        return state.nbytes
    if isinstance(state, dict):
        return sum(nbytes(v) for v in state.values())
    if isinstance(state, list | tuple):
        return sum(nbytes(v) for v in state)
    return 0


def load(trainer: Trainer, state: dict) -> None:
    """Put a fresh Trainer (same ratings and plan) where `save` found the stopped one."""
    state = _to_torch(state)
    trainer.model.load_state_dict(state["model"])
    trainer.make_stepper()
    trainer.stepper.load_state_dict(state["stepper"])
    if trainer.frames is not None and state["frames"] is not None:
        trainer.frames.load_state_dict(state["frames"])
    trainer.epoch, trainer.global_step = state["epoch"], state["global_step"]
    trainer.shuffle.set_state(state["shuffle"])
    trainer.batches = None
    if state["in_epoch"]:
        trainer._epoch_batches()  # the same order; it resets the epoch's losses, so after:
    trainer.step_in_epoch = state["step_in_epoch"]
    trainer.epoch_losses, trainer.epoch_seconds = state["epoch_losses"], state["epoch_seconds"]
    torch.set_rng_state(state["rng"])
    trainer.status = "stopped"
