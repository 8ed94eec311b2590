#!/usr/bin/env python3
"""torchsde's side of issue 13's stochastic Lotka-Volterra (Fluxion's side: SdeBench.java).

du = LV(u, p) dt + 0.1 u dW (diagonal, Ito), p = [1.5, 1, 3, 1], u0 = [1, 1], [0, 10], saved at
0:0.1:10, fixed dt 0.01 (1000 steps); loss = sum over the saved series of (u - 1)^2, gradient with
respect to p. float64. For each method (torchsde's default for diagonal Ito noise, 'srk', strong
order 1.5, and 'euler', Euler-Maruyama) and each batch size (1 path, and 100 paths in one batched
call as a torchsde user writes an ensemble): the forward solve, the gradient by backprop through
sdeint, and by sdeint_adjoint. A new Brownian path per call. Warm-up, then the median and the
10th-90th percentiles of ms per call, and ms per path.

Run (Debian: apt-get install python3-torch python3-scipy), with torchsde's source folder (the one
holding the torchsde package) and bench/peers/shim (a stand-in for its `trampoline` dependency)
on PYTHONPATH:
  PYTHONPATH=/tmp/tsde:bench/peers/shim /usr/bin/python3 bench/peers/sde_torchsde.py
"""
import argparse

import torch
import torchsde

from timing import timed


class StochasticLV(torch.nn.Module):
    noise_type = "diagonal"
    sde_type = "ito"

    def __init__(self):
        super().__init__()
        self.p = torch.nn.Parameter(torch.tensor([1.5, 1.0, 3.0, 1.0], dtype=torch.float64))

    def f(self, t, u):
        x, y = u[:, 0], u[:, 1]
        a, b, c, d = self.p
        return torch.stack([a * x - b * x * y, -c * y + d * x * y], dim=1)

    def g(self, t, u):
        return 0.1 * u


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="srk,euler")
    ap.add_argument("--batch", default="1,100")
    ap.add_argument("--modes", default="forward,backprop,adjoint")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warm", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float64)
    ts = torch.linspace(0, 10, 101)
    sde = StochasticLV()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| method | paths | case | median ms | p10 - p90 ms | ms per path |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for method in args.methods.split(","):
        for b in map(int, args.batch.split(",")):
            u0 = torch.ones(b, 2)

            def forward():
                with torch.no_grad():
                    torchsde.sdeint(sde, u0, ts, method=method, dt=0.01)

            def backprop():
                sde.zero_grad()
                us = torchsde.sdeint(sde, u0, ts, method=method, dt=0.01)
                ((us - 1) ** 2).sum().backward()

            def adjoint():
                sde.zero_grad()
                us = torchsde.sdeint_adjoint(sde, u0, ts, method=method, dt=0.01)
                ((us - 1) ** 2).sum().backward()

            for mode in args.modes.split(","):
                fn = {"forward": forward, "backprop": backprop, "adjoint": adjoint}[mode]
                reps = args.reps if mode != "adjoint" else max(3, args.reps // 2)
                med, lo, hi = timed(fn, reps, args.warm, min_warm=2)
                print(f"| {method} | {b} | {mode} | {med:.1f} | {lo:.1f} - {hi:.1f} | {med / b:.2f} |", flush=True)


if __name__ == "__main__":
    main()
