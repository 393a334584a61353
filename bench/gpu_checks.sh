#!/usr/bin/env bash
# The GPU checks in one go, for a machine with a CUDA card (the device tool's machine):
#   bash bench/gpu_checks.sh [OUT_DIR]
# 1. the CUDA smoke test, 2. the trainer bench on the card (synchronised timing, data on the
# device), 3. the lookup sweep on cuda. Each step's output is kept in OUT_DIR (default
# bench/out/gpu). It needs a torch with CUDA: requirements.txt pins the CPU build, so on the
# card's machine install the CUDA wheel of the same version first, for example
#   pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128
set -u
out="${1:-bench/out/gpu}"
mkdir -p "$out"
py="${PYTHON:-python}"
"$py" - <<'PY' | tee "$out/device.txt"
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print(torch.cuda.get_device_name(0))
PY
status=0
"$py" -m pytest -q tests/train/test_cuda.py 2>&1 | tee "$out/cuda_smoke.txt" || status=1
"$py" -m bench.train_speed --device cuda --sizes 100000,1000000,10000000 2>&1 \
  | tee "$out/train_speed_cuda.txt" || status=1
"$py" -m bench.lookup_speed --device cuda 2>&1 | tee "$out/lookup_speed_cuda.txt" || status=1
exit $status
