#!/usr/bin/env python3
"""SciPy's stiff solvers on Robertson [0, 1e5], for docs/BENCHMARKS.md's "Stiff: Robertson" section.

The same problem, tolerances and output as the Fluxion harness (RobertsonBench / StiffReport):
u0 = (1, 0, 0), k = (0.04, 3e7, 1e4), t in [0, 1e5], the final value only (t_eval=[1e5]),
an analytic Jacobian, at rtol 1e-6 / atol 1e-10 and rtol 1e-3 / atol 1e-6.

Each (method, tolerance) is timed as `repeats` rounds of `per_round` solves (time.perf_counter
around the round, divided by per_round), after `warmup` untimed solves; the report gives the
median round (wall clock, and this thread's CPU time), the spread (slowest / fastest round, wall), and the solver's own counts (nfev, njev,
steps = number of accepted steps as len(sol.t) of a dense run). Rounds alternate between methods
so that a burst of load on a shared machine hits all of them alike.

    python3 bench/peers/rober_scipy.py                # table on stdout
    python3 bench/peers/rober_scipy.py --json out.json --repeats 15
"""
import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

K1, K2, K3 = 0.04, 3e7, 1e4
T1 = 1e5
U0 = np.array([1.0, 0.0, 0.0])
TOLERANCES = [(1e-6, 1e-10), (1e-3, 1e-6)]
METHODS = ["LSODA", "BDF", "Radau"]


def f(t, u):
    y1, y2, y3 = u
    return np.array([-K1 * y1 + K3 * y2 * y3,
                     K1 * y1 - K3 * y2 * y3 - K2 * y2 * y2,
                     K2 * y2 * y2])


def jac(t, u):
    _, y2, y3 = u
    return np.array([[-K1, K3 * y3, K3 * y2],
                     [K1, -K3 * y3 - 2 * K2 * y2, -K3 * y2],
                     [0.0, 2 * K2 * y2, 0.0]])


def solve(method, rtol, atol, dense=False):
    kw = {} if dense else {"t_eval": [T1]}
    return solve_ivp(f, (0.0, T1), U0, method=method, rtol=rtol, atol=atol, jac=jac, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=11, help="timed rounds per case")
    ap.add_argument("--per-round", type=int, default=0, help="solves per round (0: about 0.2 s per round)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()

    load_before = os.getloadavg()
    cases = [(m, rt, at) for rt, at in TOLERANCES for m in METHODS]
    counts, per_round, rounds, cpu = {}, {}, {c: [] for c in cases}, {c: [] for c in cases}
    for c in cases:
        m, rt, at = c
        for _ in range(a.warmup):
            sol = solve(m, rt, at)
        assert sol.success, (c, sol.message)
        dense = solve(m, rt, at, dense=True)
        counts[c] = {"nfev": int(sol.nfev), "njev": int(sol.njev), "nlu": int(sol.nlu),
                     "steps": len(dense.t) - 1, "u_end": [float(x) for x in sol.y[:, -1]]}
        t0 = time.perf_counter()
        solve(m, rt, at)
        one = time.perf_counter() - t0
        per_round[c] = a.per_round or max(1, int(0.2 / max(one, 1e-6)))
    for _ in range(a.repeats):
        for c in cases:
            m, rt, at = c
            n = per_round[c]
            t0, c0 = time.perf_counter(), time.thread_time()
            for _ in range(n):
                solve(m, rt, at)
            rounds[c].append((time.perf_counter() - t0) / n)
            cpu[c].append((time.thread_time() - c0) / n)
    load_after = os.getloadavg()

    print(f"SciPy {scipy.__version__}, NumPy {np.__version__}, Python {platform.python_version()}")
    print(f"load before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print()
    print("| method | rtol / atol | median ms (wall) | median ms (CPU) | spread (max/min) | steps | f evals | J evals | LU |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    out = []
    for c in cases:
        m, rt, at = c
        r = rounds[c]
        med = statistics.median(r) * 1e3
        med_cpu = statistics.median(cpu[c]) * 1e3
        spread = max(r) / min(r)
        k = counts[c]
        print(f"| SciPy {m} | {rt:g} / {at:g} | {med:.3f} | {med_cpu:.3f} | {spread:.2f} | {k['steps']} | {k['nfev']} | {k['njev']} | {k['nlu']} |")
        out.append({"method": m, "rtol": rt, "atol": at, "median_ms": med, "median_cpu_ms": med_cpu, "min_ms": min(r) * 1e3,
                    "max_ms": max(r) * 1e3, "rounds": len(r), "per_round": per_round[c], **k})
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"scipy": scipy.__version__, "load_before": load_before, "load_after": load_after,
                       "results": out}, fh, indent=1)


if __name__ == "__main__":
    main()
