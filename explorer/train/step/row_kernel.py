"""The row AdamW step as one compiled loop on the CPU (numba), instead of about 35 kernels.

At batch 256 a step's arithmetic is small: the time of the torch version (`row_torch`) goes
to launching its kernels and to passes over memory. This does the same maths row by row in
one pass: bring each row the batch touches up to date, the forward and the gradient rating
by rating, then AdamW on each touched row once. It reads and writes `RowAdamW`'s own tensors
(as numpy views of the same memory), so the two paths can take turns; tests/train/
step/test_row_adamw.py and test_variants.py check it against the torch version and AdamW.

numba compiles it when imported (a few seconds, once) and caches the machine code on disk;
the fork server imports it, so a worker starts with it ready.

Measured (bench/train_speed.py, u1's sizes, batch 256): about 33 us a step, 11 ms an epoch of
80,000 ratings. Two things cost most, and are avoided: an array view in the loops (see
_step), and a branch in the helper called once per row (one that skipped the catch-up of
rows already up to date made the epoch 1.6 times longer, 15.9 ms against 9.8; why is not
known), so every row takes the same arithmetic, a no-op where nothing was skipped.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from explorer.train.step.schedule import BETA2, EPS  # numba reads them as constants

PREFETCH_BYTES = 8 << 20  # blocks past this run _prefetch first (measured: 6 MB no, 12 MB yes)
# error_model="numpy": no zero-division branch per division, so the row loops vectorise; the
# fast-math flags allow reordering sums but keep NaN and inf (the trainer's checks need them)
FAST = dict(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract", "arcp"})


@njit(**FAST)
def _skipped(prefix, coast, bias2, s, t, wd, bias_wd):
    """What the steps s .. t-1, where a row's gradient was zero, do to it: the momentum's
    move, sqrt(bias correction 2) at s, the weights' and biases' decay, the moments'. The
    factors that are used in float32 take float32 exps (expf: the step ran 5% faster)."""
    f_m = math.exp(prefix[t, 2] - prefix[s, 2])
    f_v = math.exp(np.float32(prefix[t, 3] - prefix[s, 3]))
    move = np.float32(coast[s] - f_m * coast[t])
    f_w = math.exp(np.float32(prefix[t, 0] - prefix[s, 0])) if wd != 0.0 else np.float32(1.0)
    f_b = math.exp(np.float32(prefix[t, 1] - prefix[s, 1])) if bias_wd != 0.0 else np.float32(1)
    return move, np.float32(bias2[s]), f_w, f_b, f_m, f_v


@njit(inline="always", **FAST)
def _direction(block, r, c, sb):
    """Adam's step direction for row r's column c: m / (sqrt(v) / sqrt(bias correction 2)
    + eps), sb being that square root."""
    return block[r, 1, c] / (np.sqrt(block[r, 2, c]) / sb + np.float32(EPS))


@njit(inline="always", **FAST)
def _coast(out, block, r, k, move, sb, f_w, f_b):
    """Row r's weights moved by its momentum m / sqrt(v) and decayed (see _skipped), into
    out[r, 0] (out may be the block itself)."""
    for c in range(k):
        out[r, 0, c] = (block[r, 0, c] - _direction(block, r, c, sb) * move) * f_w
    for c in range(k, block.shape[2]):
        out[r, 0, c] = (block[r, 0, c] - _direction(block, r, c, sb) * move) * f_b


@njit(inline="always", **FAST)
def _catch_up(block, meta, prefix, coast, bias2, r, t, k, wd, bias_wd, decay, q):
    """Apply to row r's weights the steps since its last one, where its gradient was zero;
    leave in decay[q] what they multiply its moments by (the AdamW pass applies it). A row
    used in the last step gets move 0 and factors exp(0) = 1: no change, and no branch here
    (see the module's docstring)."""
    move, sb, f_w, f_b, f_m, f_v = _skipped(prefix, coast, bias2, meta[r, 0], t, wd, bias_wd)
    decay[q, 0] = f_m
    decay[q, 1] = f_v
    _coast(block, block, r, k, move, sb, f_w, f_b)
    meta[r, 0] = t


@njit(inline="always", **FAST)
def _adamw(block, grad, q, r, k, step, sb, keep_w, keep_b, a1, decay):
    """torch's AdamW update of row r with its gradient grad[q] (then zeroed), its moments
    first multiplied by the skipped steps' decay; step, sb, keep_w, keep_b, a1: the step's
    own constants (lr / bias correction 1, sqrt(bias correction 2), 1 - lr wd, 1 - beta1)."""
    a2 = np.float32(1.0 - BETA2)
    b2, n = np.float32(BETA2), block.shape[2]
    f_m, f_v = decay[q, 0], decay[q, 1] * b2
    for c in range(n):
        g = grad[q, c]
        mc = block[r, 1, c] * f_m
        block[r, 1, c] = mc + a1 * (g - mc)
        block[r, 2, c] = block[r, 2, c] * f_v + a2 * g * g
        grad[q, c] = 0.0
    for c in range(k):
        block[r, 0, c] = block[r, 0, c] * keep_w - step * _direction(block, r, c, sb)
    for c in range(k, n):
        block[r, 0, c] = block[r, 0, c] * keep_b - step * _direction(block, r, c, sb)


@njit(**FAST)
def _prefetch(block, meta, users, items, a, b):
    """Load the cache lines of the batch's rows in one tight loop of independent reads, so
    that the memory fetches overlap (a large table's rows are each a cache miss), before the
    row loops below, whose reads would each wait for the last. Only for tables larger than
    PREFETCH_BYTES: on smaller ones the extra pass costs more than it saves (u1's 1.6 MB:
    10% of the step, 6 MB: 5%; at 20,000 rows, 12 MB, it saves 7%, at 400,000 rows 10%)."""
    acc = np.float32(0.0)
    n = block.shape[2]
    for j in range(a, b):
        for r in (users[j], items[j]):
            acc += np.float32(meta[r, 0])
            for q in range(3):
                for c in range(0, n, 16):
                    acc += block[r, q, c]
    return acc


@njit(**FAST)
def _step(block, meta, grad, decay, touched, prefix, coast, bias2, lr, beta1, t, users,
          items, target, a, b, k, has_bias, use_range, low, high, wd, bias_wd,
          prefetch):  # fmt: skip
    """One AdamW step on the batch users[a:b], items[a:b], target[a:b]; returns its MSE.

    Every array is indexed in place, never sliced into a view: a view costs two atomic
    reference counts (numba's NRT_incref and NRT_decref, a locked add each), which stall
    the memory reads around them. With views per row and per rating they were a fifth of
    the samples under perf, and the step took 46 us instead of 33 (u1's sizes)."""
    if prefetch:
        _prefetch(block, meta, users, items, a, b)
    nt = 0
    for j in range(a, b):
        for r in (users[j], items[j]):
            if meta[r, 1] != t + 1:  # first seen in this step: give it a slot
                meta[r, 1] = t + 1
                meta[r, 2] = nt
                touched[nt] = r
                _catch_up(block, meta, prefix, coast, bias2, r, t, k, wd, bias_wd, decay, nt)
                nt += 1
    scale = np.float32(2.0 / (b - a))
    span = np.float32(high - low)
    loss = 0.0
    for j in range(a, b):
        u, i = users[j], items[j]
        z = np.float32(0.0)
        for c in range(k):
            z += block[u, 0, c] * block[i, 0, c]
        if has_bias:
            z += block[u, 0, k] + block[i, 0, k]
        if use_range:
            s = np.float32(1.0) / (np.float32(1.0) + np.float32(math.exp(-z)))
            err = s * span + np.float32(low) - target[j]
            dz = (s - s * s) * err * scale * span
        else:
            err = z - target[j]
            dz = err * scale
        loss += err * err
        gu, gi = meta[u, 2], meta[i, 2]
        for c in range(k):
            grad[gu, c] += dz * block[i, 0, c]
            grad[gi, c] += dz * block[u, 0, c]
        if has_bias:
            grad[gu, k] += dz
            grad[gi, k] += dz
    step = np.float32(lr / (1.0 - beta1 ** (t + 1)))  # the step's constants, once
    sb = np.float32(bias2[t + 1])
    keep_w, keep_b = np.float32(1.0 - lr * wd), np.float32(1.0 - lr * bias_wd)
    a1 = np.float32(1.0 - beta1)
    for q in range(nt):
        r = touched[q]
        _adamw(block, grad, q, r, k, step, sb, keep_w, keep_b, a1, decay)
        meta[r, 0] = t + 1
    return loss / (b - a)


STEPS = (
    "void(float32[:, :, ::1], int64[:, ::1], float32[:, ::1], float32[:, ::1], int64[::1], "
    "float64[:, ::1], float64[::1], float64[::1], float64[::1], float64[::1], int64, "
    "int64[::1], int64[::1], float32[::1], int64, int64, float64[::1], "
    "int64, boolean, boolean, float64, float64, float64, float64, boolean)"
)


@njit(STEPS, **FAST)  # a signature: compiled (or loaded from numba's cache) at import
def steps(block, meta, grad, decay, touched, prefix, coast, bias2, rates, betas, t0, users,
          items, target, start, batch, losses, k, has_bias, use_range, low, high, wd,
          bias_wd, prefetch):  # fmt: skip
    """len(losses) steps from step t0, on consecutive batches of `batch` ratings of (users,
    items, target) from index `start` (items already offset by n_users); each batch's MSE
    into losses.

    block (rows, 3, C): weights and moments; meta (rows, 3): each row's last step, the step
    that last saw it and its slot in this step; grad (slots, C), zeros, decay (slots, 2) and
    touched (slots,) are scratch; prefetch: whether to run _prefetch first."""
    end = users.shape[0]
    for q in range(losses.shape[0]):
        a = start + q * batch
        b = min(a + batch, end)
        t = t0 + q
        losses[q] = _step(block, meta, grad, decay, touched, prefix, coast, bias2, rates[t],
                          betas[t], t, users, items, target, a, b, k, has_bias, use_range,
                          low, high, wd, bias_wd, prefetch)  # fmt: skip


SETTLE = (
    "void(float32[:, :, ::1], int64[:, ::1], float64[:, ::1], float64[::1], float64[::1], "
    "int64, int64, float64, float64, float32[:, :, ::1])"
)


@njit(SETTLE, **FAST)
def settle(block, meta, prefix, coast, bias2, t, k, wd, bias_wd, out):
    """Every row's weights brought up to step t, into out (rows, 1, C); the block is left as
    it is, so reading the weights changes nothing."""
    for r in range(block.shape[0]):
        move, sb, f_w, f_b, _, _ = _skipped(prefix, coast, bias2, meta[r, 0], t, wd, bias_wd)
        _coast(out, block, r, k, move, sb, f_w, f_b)


@njit("boolean(float32[:, :, ::1])", **FAST)
def finite(block):
    """Whether every value is finite, in one pass: x * 0 is 0, or NaN where x is inf or NaN
    (the fast-math flags above keep that)."""
    flat = block.reshape(-1)
    acc = np.float32(0.0)
    for j in range(flat.shape[0]):
        acc += flat[j] * np.float32(0.0)
    return acc == 0.0
