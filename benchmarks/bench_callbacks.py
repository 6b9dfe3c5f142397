"""What scikit-learn's callback API costs a fit.

Goal: with no callback set, a fit costs what it cost before callbacks were
supported. The script times N tiny fits (``hidden_layer_sizes=(5,)``, 50 rows,
``max_iter=20``) per solver in two checkouts of skorchlite, each in a fresh
interpreter, round after round (baseline, this checkout, baseline, ...), and
prints the median time per fit and the ratio. It also times this checkout
with a do-nothing callback and with :class:`skorchlite.callbacks.Snapshots`,
to show what watching costs.

    python benchmarks/bench_callbacks.py --baseline /path/to/old/checkout
    python benchmarks/bench_callbacks.py --baseline /work/main --rounds 7 --fits 200

Not part of the test suite; timings on a loaded machine are noisy, so compare
the ratios within one run.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import json, sys, time, warnings
import numpy as np
from skorchlite import SigmoidMLPRegressor
warnings.simplefilter("ignore")
n_fits, solver, watch = int(sys.argv[1]), sys.argv[2], sys.argv[3]

class Nothing:
    def setup(self, estimator, context): pass
    def teardown(self, estimator, context): pass
    def on_fit_task_begin(self, estimator, context): pass
    def on_fit_task_end(self, estimator, context): pass

rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, (50, 1)); y = np.sin(3 * X.ravel())
est = SigmoidMLPRegressor((5,), solver=solver, max_iter=20, tol=0.0,
                          n_iter_no_change=20, random_state=0, device="cpu")
if watch == "nothing":
    est.set_callbacks(Nothing())
elif watch == "snapshots":
    from skorchlite.callbacks import Snapshots
    est.set_callbacks(Snapshots())
for _ in range(5):
    est.fit(X, y)
start = time.perf_counter()
for _ in range(n_fits):
    est.fit(X, y)
print(json.dumps((time.perf_counter() - start) / n_fits))
"""


def time_fits(checkout, n_fits, solver, watch):
    env = dict(os.environ, PYTHONPATH=checkout)
    out = subprocess.run([sys.executable, "-c", CHILD, str(n_fits), solver, watch],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True,
                        help="a skorchlite checkout without callback support")
    parser.add_argument("--fits", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--solvers", nargs="+", default=["adam", "lbfgs"])
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    print("| solver | baseline ms/fit | this, no callback | ratio | "
          "do-nothing callback | Snapshots() |")
    print("|---|---|---|---|---|---|")
    for solver in args.solvers:
        times = {"baseline": [], "none": [], "nothing": [], "snapshots": []}
        for _ in range(args.rounds):
            times["baseline"].append(time_fits(args.baseline, args.fits, solver, "none"))
            for watch in ("none", "nothing", "snapshots"):
                times[watch].append(time_fits(HERE, args.fits, solver, watch))
        med = {k: sorted(v)[len(v) // 2] * 1e3 for k, v in times.items()}
        print(f"| {solver} | {med['baseline']:.3f} | {med['none']:.3f} | "
              f"{med['none'] / med['baseline']:.3f} | {med['nothing']:.3f} | "
              f"{med['snapshots']:.3f} |")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
