#!/usr/bin/env python3
"""torchdiffeq's side of issue 15's batched neural ODE (Fluxion's side: BatchedNeuralOde.java).

B trajectories of a 2-D state (uniform in [-1, 1]^2) through Linear(2, 64) + tanh + Linear(64, 2)
(322 parameters), saved at t = 0.05, 0.10, ..., 1.0, loss = sum of squares of the saved series,
gradient with respect to the parameters; float64, Tsit5 (or --method dopri5) at rtol 1e-5,
atol 1e-7, by backprop through odeint and by odeint_adjoint. Warm-up, then the median and the
10th-90th percentiles of ms per gradient, and the forward's f evaluations.

Run (Debian): apt-get install python3-torch; put torchdiffeq's source on PYTHONPATH, e.g.
  git clone https://github.com/rtqichen/torchdiffeq /tmp/tdq   (or any copy of its package folder)
  PYTHONPATH=/tmp/tdq /usr/bin/python3 bench/peers/batched_torchdiffeq.py --batch 16,256,1024
"""
import argparse
import os

import torch
from torchdiffeq import odeint, odeint_adjoint

from timing import timed


class Field(torch.nn.Module):
    def __init__(self, width=64):
        super().__init__()
        self.l1 = torch.nn.Linear(2, width)
        self.l2 = torch.nn.Linear(width, 2)
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        return self.l2(torch.tanh(self.l1(y)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", default="16,256,1024")
    ap.add_argument("--method", default="tsit5")
    ap.add_argument("--modes", default="backprop,adjoint")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warm", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_default_dtype(torch.float64)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load before {os.getloadavg()}")
    print("| B | torchdiffeq | median ms/gradient | p10 - p90 | f evals (forward) |")
    print("| ---: | --- | ---: | --- | ---: |")
    t = torch.linspace(0.0, 1.0, 21)
    for b in [int(x) for x in a.batch.split(",")]:
        torch.manual_seed(0)
        f = Field()
        y0 = torch.rand(b, 2) * 2 - 1
        for mode in a.modes.split(","):
            solve = odeint if mode == "backprop" else odeint_adjoint

            def grad():
                f.zero_grad()
                ys = solve(f, y0, t, rtol=1e-5, atol=1e-7, method=a.method)[1:]
                (ys ** 2).sum().backward()

            f.nfe = 0
            with torch.no_grad():
                odeint(f, y0, t, rtol=1e-5, atol=1e-7, method=a.method)
            nfe = f.nfe
            med, p10, p90 = timed(grad, a.reps, a.warm)
            label = "odeint (backprop)" if mode == "backprop" else "odeint_adjoint"
            print(f"| {b} | {label}, {a.method} | {med:.2f} | {p10:.2f} - {p90:.2f} | {nfe} |", flush=True)
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
