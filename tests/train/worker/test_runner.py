import gc
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch

from explorer.train.config import TrainConfig
from explorer.train.worker.runner import TrainingRun
from explorer.train.worker.slots import Slots
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
    run._worker.process.kill()  # as the kernel's OOM killer would
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
    run._worker.process.join(5)
    assert not run._worker.process.is_alive() and not run.running


def gone(pid: int, timeout: float = 15) -> bool:
    """True once no process has this pid (or only a zombie of it)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ")[-1].startswith("Z"):
                    return True
        except (FileNotFoundError, ProcessLookupError):  # gone, maybe while being read
            return True
        time.sleep(0.05)
    return False


LONG = dict(device="cpu", epochs=1000, batch_size=4, n_factors=4)  # well over 2 s of training


def test_a_run_that_is_dropped_ends_its_worker(tiny):
    run = TrainingRun(tiny, TrainConfig(**LONG))
    run.start()
    wait(run, lambda v: v.global_step > 5)
    pid = run._worker.process.pid
    del run  # as when Streamlit drops a closed tab's session
    gc.collect()
    assert gone(pid)


def test_past_the_cap_a_run_waits_in_line_then_trains(tiny):
    slots = Slots(1)
    first = TrainingRun(tiny, TrainConfig(**LONG), slots=slots)
    second = TrainingRun(tiny, TrainConfig(device="cpu", epochs=2, n_factors=4), slots=slots)
    first.start()
    second.start()
    v = second.view()
    assert v.status == "queued" and "you are next" in v.message and second.running
    assert not second._worker.started and slots.running == 1
    wait(first, lambda v: v.global_step > 5)
    first.stop()
    first.join(10)
    assert gone(first._worker.process.pid)  # a stopped run holds no process
    v = wait(second, lambda v: v.status == "finished")
    end = time.monotonic() + 15
    while slots.running and time.monotonic() < end:  # free once its process has ended
        time.sleep(0.01)
    assert v.epochs and slots.running == 0 and not second._worker.alive and first.resumable


def test_a_queued_run_that_is_stopped_leaves_the_line(tiny):
    slots = Slots(1)
    first, second = (TrainingRun(tiny, TrainConfig(**LONG), slots=slots) for _ in range(2))
    first.start()
    second.start()
    second.stop()
    assert second.view().status == "ready" and not second.running and slots.waiting == 0
    first.close()
    assert gone(first._worker.process.pid)
    end = time.monotonic() + 10
    while slots.running and time.monotonic() < end:  # free once its process has ended
        time.sleep(0.01)
    assert slots.running == 0


def test_the_unwatched_clock_starts_when_a_queued_run_starts_training(tiny, monkeypatch):
    # a run that waited in line longer than the unwatched limit was stopped as unwatched the
    # moment it got its turn, and sat stopped holding a worker; now it trains the full limit
    monkeypatch.setenv("EXPLORER_UNWATCHED_S", "2")
    slots = Slots(1)
    first, second = (TrainingRun(tiny, TrainConfig(**LONG), slots=slots) for _ in range(2))
    first.start()
    second.start()  # queued, and nobody looks at it from now on (no view())
    end = time.monotonic() + 3
    while time.monotonic() < end:  # the queue wait: past the unwatched limit
        first.view()
        time.sleep(0.1)
    first.stop()
    first.join(10)
    end = time.monotonic() + 60
    while second._rec.status != "stopped" and time.monotonic() < end:
        time.sleep(0.1)  # it trains, unwatched, until its own limit
    assert second._rec.status == "stopped" and second._unwatched
    assert second._rec.train_seconds >= 1.5  # not stopped at once: it had its 2 s
    first.close()
    second.close()


def test_a_run_nobody_looks_at_stops_and_a_stopped_one_ends(tiny, monkeypatch):
    monkeypatch.setenv("EXPLORER_UNWATCHED_S", "1")
    monkeypatch.setenv("EXPLORER_STOPPED_IDLE_S", "1")
    run = TrainingRun(tiny, TrainConfig(**LONG))
    run.start()
    pid = run._worker.process.pid
    end = time.monotonic() + 30
    while run.running and time.monotonic() < end:
        time.sleep(0.1)  # no view(): nobody is looking
    v = run.view()
    assert v.status == "stopped" and "nobody looked at this run" in v.message
    assert gone(pid)  # a stopped run holds no process
    assert run.held_bytes > 0 and run.resumable  # its state waits for Resume,
    v = wait(run, lambda v: "let go" in v.message)  # for the stopped idle limit
    assert run.held_bytes == 0
    assert not run.resumable and not run.start()
    assert run.evaluate().rmse > 0  # the model it learned is kept


def test_the_data_reaches_the_worker_without_shared_memory(tiny):
    run = TrainingRun(tiny, TrainConfig(device="cpu", epochs=2, n_factors=4))
    run.start()
    run.join(30)
    assert run.view().status == "finished"
    tensors = [tiny.users, tiny.items, tiny.ratings, run.plan.split.train, run.plan.split.valid]
    tensors += [tiny.planted.item_factors]
    assert not any(t.is_shared() for t in tensors)


def test_a_worker_does_not_outlive_its_server(tmp_path):
    script, pid_file = tmp_path / "server.py", tmp_path / "pid"
    script.write_text(
        "import os, sys, time\n"
        "from explorer.data.synthetic import synthetic_ratings\n"
        "from explorer.train.config import TrainConfig\n"
        "from explorer.train.worker.runner import TrainingRun\n"
        "if __name__ == '__main__':\n"
        f"    run = TrainingRun(synthetic_ratings(3000, seed=1), TrainConfig(**{LONG!r}))\n"
        "    run.start()\n"
        "    while run.view().global_step < 5: time.sleep(0.01)\n"
        "    open(sys.argv[1], 'w').write(str(run._worker.process.pid))\n"
        "    os.kill(os.getpid(), 9)  # the server dies, no clean-up of any kind\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run(  # no pipe on its output: the worker would hold it open, and the wait
        [sys.executable, str(script), str(pid_file)],  # for it would wait for the worker
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert gone(int(pid_file.read_text()), timeout=5)


def test_random_clicks_never_leave_a_worker_behind(tiny):
    rng = random.Random(0)
    made, lock = [], threading.Lock()
    current = None

    def click():
        nonlocal current
        with lock:  # the page's session lock
            op = rng.choice(["train", "stop", "resume", "reset"])
            if op == "train" or current is None:
                if current is not None:
                    current.close()
                current = TrainingRun(tiny, TrainConfig(**LONG))
                made.append(current)
                current.start()
            elif op == "stop":
                current.stop()
            elif op == "resume":
                current.start()
            else:
                current.close()
                current = None

    threads = [threading.Thread(target=click) for _ in range(50)]
    for t in threads:
        t.start()
        time.sleep(rng.random() * 0.05)
    for t in threads:
        t.join(30)
    pids = [r._worker.process.pid for r in made if r._worker.started and r is not current]
    assert all(gone(pid) for pid in pids)  # every run but the page's own has ended
    if current is not None:
        current.close()
        if current._worker.started:
            assert gone(current._worker.process.pid)


def test_a_run_ends_once_its_page_has_been_gone_for_the_grace_time(tiny):
    page_open = threading.Event()
    page_open.set()
    run = TrainingRun(tiny, TrainConfig(**LONG))
    run.watch_owner(page_open.is_set, grace_s=1.0)
    run.start()
    wait(run, lambda v: v.global_step > 5)
    pid = run._worker.process.pid
    page_open.clear()  # the tab closes; 1 s later Streamlit would drop the session
    assert gone(pid)
    assert not run.running and not run.start()


def test_a_stopped_run_gives_its_process_back_and_resumes_bit_for_bit(tiny):
    config = TrainConfig(device="cpu", epochs=30, batch_size=16, n_factors=8)
    straight = TrainingRun(tiny, config)
    straight.start()
    straight.join(60)
    whole = straight.view()
    assert whole.status == "finished"

    run = TrainingRun(tiny, config)
    run.start()
    wait(run, lambda v: v.global_step > 50)
    run.stop()
    run.join(10)
    first_pid = run._worker.process.pid
    assert run.view().global_step < whole.global_step
    assert gone(first_pid) and run.resumable and run.held_bytes > 0  # its state is here
    assert run.start()
    v = wait(run, lambda v: v.status == "finished", timeout=60)
    assert run._worker.process.pid != first_pid and run.held_bytes == 0
    assert v.losses == whole.losses and v.steps == whole.steps  # the same floats, step by step
    assert [e.valid for e in v.epochs] == [e.valid for e in whole.epochs]
    for name, value in straight.model.state_dict().items():
        torch.testing.assert_close(run.model.state_dict()[name], value, rtol=0, atol=0)


def test_a_worker_yields_the_cpu_to_the_server(tiny):
    from explorer.train.worker.worker import WORKER_NICE

    run = TrainingRun(tiny, TrainConfig(**LONG))
    run.start()
    wait(run, lambda v: v.global_step > 5)
    pid = run._worker.process.pid
    worker_nice = int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[16])
    run.close()
    assert worker_nice == min(19, os.nice(0) + WORKER_NICE)  # the field after priority
