"""Imported by the training workers' fork server: it loads the compiled row step once (from
numba's disk cache, or compiles it), so every worker forked from that server has it ready.
It never raises: without the kernel the trainer uses torch ops (row_adamw._kernel)."""

from explorer.train.step.row_adamw import _kernel

_kernel()
