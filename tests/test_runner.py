import time

from explorer.runner import TrainingRun
from explorer.training import TrainConfig


def wait(run, cond, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond(run.view()):
            return run.view()
        time.sleep(0.01)
    raise AssertionError(f"timed out; last status {run.view().status}")


def test_stopped_from_another_thread_keeps_its_history_and_resumes(tiny):
    run = TrainingRun(tiny, TrainConfig(epochs=200, batch_size=32, n_factors=8))
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


def test_a_finished_run_reports_epochs_and_cannot_restart(tiny):
    run = TrainingRun(tiny, TrainConfig(epochs=2, n_factors=4))
    run.start()
    run.join(30)
    v = run.view()
    assert v.status == "finished" and len(v.epochs) == 2 and v.progress == 1.0
    assert v.train_seconds > 0
    assert not run.start()


def test_a_crash_in_the_thread_becomes_a_failed_status(tiny, monkeypatch):
    run = TrainingRun(tiny, TrainConfig(epochs=2, n_factors=4))

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(run.trainer, "_step", boom)
    run.start()
    run.join(10)
    v = run.view()
    assert v.status == "failed" and "disk on fire" in v.message
