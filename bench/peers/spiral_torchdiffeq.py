#!/usr/bin/env python3
"""torchdiffeq's side of the spiral per-iteration timing (Fluxion's side: ./fluxion spiral, and
dev.fluxion.examples.bench.SpiralIterations).

The seed's spiral: data from du = ((u^3)' A)' with A = [-0.1 2; -2 -0.1], u0 = [2, 0], 30 points
on [0, 1.5] (solved at rtol = atol = 1e-10 with dopri8); model x -> x^3, Linear(2, 50), tanh,
Linear(50, 2); odeint (backprop) or odeint_adjoint, tsit5 (or --method) at rtol 1e-7, atol 1e-9,
float64; Adam(lr 0.1). Prints the median and 10th-90th percentiles of ms per training iteration
(forward, backward, Adam step) over iterations 1-40 and over all of them, and the loss every 10.

Run (Debian): apt-get install python3-torch python3-scipy; put torchdiffeq's source on PYTHONPATH:
  PYTHONPATH=/path/to/torchdiffeq /usr/bin/python3 bench/peers/spiral_torchdiffeq.py --iterations 40
"""
import argparse
import os
import time

import torch
from torchdiffeq import odeint, odeint_adjoint


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 50), torch.nn.Tanh(), torch.nn.Linear(50, 2))

    def forward(self, t, y):
        return self.net(y ** 3)


def pct(ts, q):
    s = sorted(ts)
    return s[min(len(s) - 1, int(len(s) * q))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--method", default="tsit5")
    ap.add_argument("--adjoint", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(a.seed)
    t = torch.linspace(0.0, 1.5, 30)
    u0 = torch.tensor([2.0, 0.0])
    A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])
    with torch.no_grad():
        data = odeint(lambda t, u: (u ** 3) @ A, u0, t, rtol=1e-10, atol=1e-10, method="dopri8")
    f = Model()
    opt = torch.optim.Adam(f.parameters(), lr=0.1)
    solve = odeint_adjoint if a.adjoint else odeint
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load before {os.getloadavg()}; "
          f"{'odeint_adjoint' if a.adjoint else 'odeint'}, {a.method}, rtol 1e-7, atol 1e-9, Adam(0.1)")
    times = []
    for it in range(1, a.iterations + 1):
        s = time.perf_counter()
        opt.zero_grad()
        loss = ((solve(f, u0, t, rtol=1e-7, atol=1e-9, method=a.method) - data) ** 2).sum()
        loss.backward()
        opt.step()
        times.append((time.perf_counter() - s) * 1e3)
        if it == 1 or it % 10 == 0:
            print(f"iteration {it:4d}  loss {loss.item():.6f}  ({times[-1]:.1f} ms)", flush=True)
    first = times[:40]
    print(f"ms per iteration, iterations 1-{len(first)}: median {pct(first, 0.5):.1f} (p10 {pct(first, 0.1):.1f}, p90 {pct(first, 0.9):.1f})")
    print(f"ms per iteration, all {len(times)}: median {pct(times, 0.5):.1f} (p10 {pct(times, 0.1):.1f}, p90 {pct(times, 0.9):.1f})")
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
