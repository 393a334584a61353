import time

import torch

from explorer.train.config import TrainConfig
from explorer.train.runner import TrainingRun
from tests.conftest import ema_oracle


def wait(run, cond, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond(run.view()):
            return run.view()
        time.sleep(0.01)
    raise AssertionError(f"timed out; last status {run.view().status}")


def test_stopped_from_another_thread_keeps_its_history_and_resumes(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=200, batch_size=32, n_factors=8))
    assert run.start()
    assert not run.start()  # already running
    wait(run, lambda v: v.global_step > 20)
    run.stop()
    run.join(10)
    v = run.view()
    assert v.status == "stopped" and not run.running
    assert len(v.losses) == v.global_step == len(v.steps)
    assert 0 < v.progress < 1 and v.snapshot is not None
    assert v.planted and 0 <= v.planted[-1][1] <= 1  # the synthetic set's planted factors
    run.start()
    wait(run, lambda v2: v2.global_step > v.global_step + 10)
    run.stop()
    run.join(10)
    after = run.view()
    assert after.losses[: len(v.losses)] == v.losses
    # the smoothed loss, kept batch by batch across the stop, is fastai's over all the losses
    torch.testing.assert_close(
        torch.tensor(after.smoothed, dtype=torch.float64), ema_oracle(after.losses)
    )


def test_a_finished_run_reports_epochs_and_cannot_restart(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=2, n_factors=4))
    run.start()
    run.join(30)
    v = run.view()
    assert v.status == "finished" and len(v.epochs) == 2 and v.progress == 1.0
    assert v.train_seconds > 0
    assert not run.start()


def test_a_killed_worker_becomes_a_failed_status_not_a_hang(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=500, batch_size=16, n_factors=4))
    run.start()
    wait(run, lambda v: v.global_step > 5)
    run._process.kill()  # as the kernel's OOM killer would
    v = wait(run, lambda v: v.status == "failed", timeout=10)
    assert "ended unexpectedly" in v.message and not run.running
    assert not run.start()


def test_the_parent_model_gets_the_workers_weights(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=2, n_factors=4))
    before = run.model.item_factors.weight.detach().clone()
    run.start()
    run.join(30)
    after = run.model.item_factors.weight.detach()
    assert not torch.equal(before, after)
    assert torch.equal(after, run.view().snapshot.item_factors)
    assert run.evaluate().rmse == run.view().epochs[-1].valid.rmse


def test_close_ends_the_worker(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=500, batch_size=16, n_factors=4))
    run.start()
    wait(run, lambda v: v.global_step > 5)
    run.close()
    run._process.join(5)
    assert not run._process.is_alive() and not run.running
