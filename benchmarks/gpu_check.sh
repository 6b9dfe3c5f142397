#!/usr/bin/env bash
# One prepared check for the day a CUDA GPU is lent (at most 8 minutes):
#   1. the CUDA tests (tests marked "needs a CUDA device"),
#   2. benchmarks/bench_devices.py: step time against work (the device="auto"
#      threshold), float64 against float32, the 1,000,000 x 100, (256, 256),
#      adam, 10-epoch fit against scikit-learn on the CPU, and 1,000 members
#      trained at once,
# and writes a short report to $OUT/gpu_check.md (OUT defaults to
# benchmarks/results). Without CUDA it says so and exits 0.
#
# Usage, from the repository root:  bash benchmarks/gpu_check.sh [python]
# (a check of the script itself on a CPU machine:
#  python benchmarks/bench_devices.py --cases big batched --smoke)
set -u
PYTHON=${1:-${PYTHON:-python}}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/results}
mkdir -p "$OUT"
REPORT=$OUT/gpu_check.md
cd "$ROOT"
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}

if ! "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    echo "gpu_check: torch sees no CUDA device; nothing to check here." | tee "$REPORT"
    exit 0
fi

{
    echo "# GPU check ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
    "$PYTHON" -c "import torch, sklearn; print('torch', torch.__version__, 'CUDA', torch.version.cuda, '| scikit-learn', sklearn.__version__)"
    echo
    echo "## CUDA tests"
    echo
    echo '```'
} > "$REPORT"

# The CUDA tests: every test that skips without CUDA (test_devices.py's
# GPU section and the estimators' CUDA test), 150 s at most.
timeout 150 "$PYTHON" -m pytest -q -p no:cacheprovider -rs \
    tests/test_devices.py tests/test_estimators.py -k "cuda" 2>&1 | tail -n 25 >> "$REPORT"
echo "exit status: ${PIPESTATUS[0]}" >> "$REPORT"
echo '```' >> "$REPORT"
echo >> "$REPORT"

# The measurements, 5 minutes at most.
timeout 300 "$PYTHON" benchmarks/bench_devices.py --out "$OUT/bench_devices.md" > /dev/null 2>&1
echo "bench_devices exit status: $?" >> "$REPORT"
cat "$OUT/bench_devices.md" >> "$REPORT" 2>/dev/null
cat "$REPORT"
