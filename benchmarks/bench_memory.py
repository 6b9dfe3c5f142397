"""Peak memory of prediction on many rows: skorchlite works through the rows in chunks.

Fits a small network, then predicts on 10,000,000 x 20 float32 rows through
hidden (64, 64) and reports the peak resident memory above the memory held
before the call (the input itself), next to the size of the output and of
one chunk's activations. Chunks follow scikit-learn's ``working_memory``
setting (``--working-memory``, default scikit-learn's default). Each
measurement runs in a fresh process, so peaks do not mix.

    python benchmarks/bench_memory.py            # 10,000,000 rows
    python benchmarks/bench_memory.py --rows 2000000 --working-memory 64
"""

import argparse
import json
import subprocess
import sys

import sklearn

CHILD = r"""
import json, resource, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
import sklearn
from skorchlite import SigmoidMLPRegressor

rows, what, working_memory = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
sklearn.set_config(working_memory=working_memory)
rng = np.random.RandomState(0)
X_small = rng.randn(2000, 20).astype(np.float32)
est = SigmoidMLPRegressor((64, 64), max_iter=2, random_state=0, device="cpu")
est.fit(X_small, X_small[:, 0])
X = np.empty((rows, 20), dtype=np.float32)
for start in range(0, rows, 1_000_000):
    X[start:start + 1_000_000] = rng.randn(min(1_000_000, rows - start), 20)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
out = getattr(est, what)(X)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": rows, "method": what, "input_bytes": X.nbytes,
                  "output_bytes": out.nbytes, "peak_before": before, "peak_after": after}))
"""


def measure(rows, method, working_memory):
    result = subprocess.run([sys.executable, "-c", CHILD, str(rows), method,
                             str(working_memory)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--working-memory", type=float,
                        default=sklearn.get_config()["working_memory"],
                        help="scikit-learn's working_memory in MiB (default: %(default)s)")
    args = parser.parse_args(argv)
    mib = 2**20
    print("| method | rows | input (MiB) | output (MiB) | peak above the input (MiB) |")
    print("|---|---|---|---|---|")
    for method in ("predict", "transform"):
        m = measure(args.rows, method, args.working_memory)
        extra = max(m["peak_after"] - m["peak_before"], 0)
        print(f"| {method} | {m['rows']:,} | {m['input_bytes'] / mib:.0f} | "
              f"{m['output_bytes'] / mib:.0f} | {extra / mib:.0f} |")
    chunk = max(1024, int(args.working_memory * 2**20) // (8 * 64))
    print(f"\nChunk rule: rows are processed in chunks of max(1024, working_memory "
          f"({args.working_memory:g} MiB) / (8 bytes x widest layer)) rows, here "
          f"{chunk:,} rows (64 units).")


if __name__ == "__main__":
    main()
