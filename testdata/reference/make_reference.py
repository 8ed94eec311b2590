#!/usr/bin/env python3
"""Regenerates the reference data in this folder with SciPy (and SymPy for the Jacobians).

    python3 make_reference.py [OUTDIR]        # default: this script's folder
    python3 make_reference.py --check         # regenerate in memory, compare with the files here

Writes lotka_volterra.json, lotka_volterra_gradient.json, spiral.json, rober.json, lorenz.json and
brusselator_1d.json,
each with an `about` field that states its problem and method. Needs numpy, scipy and sympy
(Debian: apt-get install python3-numpy python3-scipy python3-sympy).

Solutions: solve_ivp DOP853 at rtol = atol = 1e-13 (Lotka-Volterra, spiral, Lorenz) and Radau at
rtol 1e-12, atol 1e-20 with the analytic Jacobian (Robertson), saved at the listed times (t_eval).
The Lotka-Volterra gradient comes from the forward sensitivity equations: the state u, S_p = du/dp
and S_u0 = du/du0 integrated together (dS/dt = J_u S + J_p, S_p(0) = 0, S_u0(0) = I), with the
Jacobians J_u, J_p derived by SymPy; dloss/dp = sum over the saved times of 2 (u - 1)^T S_p.
"""
import json
import os
import sys

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp

TIGHT = dict(method="DOP853", rtol=1e-13, atol=1e-13)


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "w") as f:
        json.dump(data, f, indent=1)   # no trailing newline, like the committed files


def rows(sol):
    assert sol.success, sol.message
    return [[float(x) for x in col] for col in sol.y.T]


# Lotka-Volterra: du1 = p1 u1 - p2 u1 u2, du2 = -p3 u2 + p4 u1 u2 (SymPy, also for the Jacobians)
U = sp.symbols("u1 u2")
P = sp.symbols("p1 p2 p3 p4")
LV = sp.Matrix([P[0] * U[0] - P[1] * U[0] * U[1], -P[2] * U[1] + P[3] * U[0] * U[1]])
lv_f = sp.lambdify((U, P), LV, "numpy")
lv_ju = sp.lambdify((U, P), LV.jacobian(U), "numpy")
lv_jp = sp.lambdify((U, P), LV.jacobian(P), "numpy")


def lotka_volterra():
    p, u0, t = [1.5, 1.0, 3.0, 1.0], [1.0, 1.0], [i / 10 for i in range(101)]
    sol = solve_ivp(lambda _, u: np.ravel(lv_f(u, p)), (0, 10), u0, t_eval=t, **TIGHT)
    return {"about": "Lotka-Volterra du1=p1*u1-p2*u1*u2, du2=-p3*u2+p4*u1*u2; DOP853 rtol=atol=1e-13",
            "p": p, "u0": u0, "tspan": [0, 10], "t": t, "u": rows(sol)}


def lotka_volterra_gradient():
    p, u0, t = [2.2, 1.0, 2.0, 0.4], [1.0, 1.0], [i / 10 for i in range(101)]
    n, m = 2, 4

    def rhs(_, y):
        u = y[:n]
        s = y[n:].reshape(n, m + n)                    # [S_p | S_u0]
        ju = np.array(lv_ju(u, p), dtype=float)
        ds = ju @ s
        ds[:, :m] += np.array(lv_jp(u, p), dtype=float)
        return np.concatenate([np.ravel(lv_f(u, p)), ds.ravel()])

    y0 = np.concatenate([u0, np.hstack([np.zeros((n, m)), np.eye(n)]).ravel()])
    sol = solve_ivp(rhs, (0, 10), y0, t_eval=t, **TIGHT)
    assert sol.success, sol.message
    loss, grad = 0.0, np.zeros(m + n)
    for k in range(len(t)):
        u = sol.y[:n, k]
        s = sol.y[n:, k].reshape(n, m + n)
        loss += float(np.sum((u - 1) ** 2))
        grad += 2 * (u - 1) @ s
    return {"about": "loss = sum over t in 0:0.1:10 of sum_i (u_i(t)-1)^2 for Lotka-Volterra (the seed's example); "
                     "gradients from forward sensitivity equations, DOP853 rtol=atol=1e-13",
            "p": p, "u0": u0, "tspan": [0, 10], "t": t, "loss": loss,
            "dloss_dp": [float(g) for g in grad[:m]], "dloss_du0": [float(g) for g in grad[m:]]}


def spiral():
    a = np.array([[-0.1, 2.0], [-2.0, -0.1]])
    u0, t = [2.0, 0.0], [float(x) for x in np.linspace(0, 1.5, 30)]
    sol = solve_ivp(lambda _, u: (u ** 3) @ a, (0, 1.5), u0, t_eval=t, **TIGHT)
    return {"about": "neural ODE spiral data: du = ((u.^3)' A)' with A=[-0.1 2; -2 -0.1], u0=[2,0], 30 points on [0,1.5]",
            "u0": u0, "tspan": [0, 1.5], "t": t, "u": rows(sol)}


def rober():
    k1, k2, k3 = 0.04, 3e7, 1e4
    t = [0.0, 1e-4, 1e-2, 1.0, 1e2, 1e4, 1e5]

    def f(_, y):
        return [-k1 * y[0] + k3 * y[1] * y[2],
                k1 * y[0] - k2 * y[1] ** 2 - k3 * y[1] * y[2],
                k2 * y[1] ** 2]

    def jac(_, y):
        return [[-k1, k3 * y[2], k3 * y[1]],
                [k1, -2 * k2 * y[1] - k3 * y[2], -k3 * y[1]],
                [0.0, 2 * k2 * y[1], 0.0]]

    sol = solve_ivp(f, (0, 1e5), [1.0, 0.0, 0.0], method="Radau", rtol=1e-12, atol=1e-20, jac=jac, t_eval=t)
    return {"about": "Robertson stiff chemistry, Radau rtol=1e-12 atol=1e-20", "u0": [1, 0, 0], "t": t, "u": rows(sol)}


def lorenz():
    p = [10.0, 28.0, 8 / 3]
    t = [0.0, 0.5, 1.0, 2.0, 5.0]

    def f(_, u):
        s, r, b = p
        return [s * (u[1] - u[0]), u[0] * (r - u[2]) - u[1], u[0] * u[1] - b * u[2]]

    sol = solve_ivp(f, (0, 5), [1.0, 0.0, 0.0], t_eval=t, **TIGHT)
    return {"about": "Lorenz sigma=10 rho=28 beta=8/3, u0=[1,0,0], DOP853 rtol=atol=1e-13 (short horizon: chaotic)",
            "p": p, "u0": [1, 0, 0], "t": t, "u": rows(sol)}


def brusselator_1d(n=512):
    """Hairer-Wanner II, IV.1 (1.6): u_i' = A + u_i^2 v_i - (B+1) u_i + c (u_{i-1} - 2 u_i + u_{i+1}),
    v_i' = B u_i - u_i^2 v_i + c (v_{i-1} - 2 v_i + v_{i+1}), c = alpha (n+1)^2, alpha = 1/50, A = 1, B = 3,
    u = 1, v = 3 on the boundary, u_i(0) = 1 + sin(2 pi x_i), v_i(0) = 3, x_i = i/(n+1); state interleaved
    [u_1, v_1, u_2, v_2, ...] (banded, bandwidth 2). Radau with the analytic sparse Jacobian."""
    from scipy.sparse import lil_matrix
    a, b, c = 1.0, 3.0, (n + 1) ** 2 / 50.0
    x = np.arange(1, n + 1) / (n + 1)
    y0 = np.empty(2 * n)
    y0[0::2] = 1 + np.sin(2 * np.pi * x)
    y0[1::2] = 3.0

    def f(_, y):
        u, v = y[0::2], y[1::2]
        lu = np.concatenate(([1.0], u[:-1])) + np.concatenate((u[1:], [1.0])) - 2 * u
        lv = np.concatenate(([3.0], v[:-1])) + np.concatenate((v[1:], [3.0])) - 2 * v
        out = np.empty_like(y)
        out[0::2] = a + u * u * v - (b + 1) * u + c * lu
        out[1::2] = b * u - u * u * v + c * lv
        return out

    def jac(_, y):
        u, v = y[0::2], y[1::2]
        j = lil_matrix((2 * n, 2 * n))
        for i in range(n):
            ui, vi = 2 * i, 2 * i + 1
            j[ui, ui] = 2 * u[i] * v[i] - (b + 1) - 2 * c
            j[ui, vi] = u[i] ** 2
            j[vi, ui] = b - 2 * u[i] * v[i]
            j[vi, vi] = -u[i] ** 2 - 2 * c
            if i > 0:
                j[ui, ui - 2] = c
                j[vi, vi - 2] = c
            if i < n - 1:
                j[ui, ui + 2] = c
                j[vi, vi + 2] = c
        return j.tocsc()

    t = [0.0, 1.0, 5.0, 10.0]
    sol = solve_ivp(f, (0, 10), y0, method="Radau", rtol=1e-12, atol=1e-12, jac=jac, t_eval=t)
    return {"about": "1-D Brusselator, Hairer-Wanner II (IV.1.6), n=%d grid points, state interleaved [u1,v1,u2,v2,...], "
                     "A=1, B=3, alpha=1/50; Radau rtol=atol=1e-12 with the analytic sparse Jacobian" % n,
            "n": n, "t": t, "u": rows(sol)}


FILES = [("lotka_volterra.json", lotka_volterra), ("lotka_volterra_gradient.json", lotka_volterra_gradient),
         ("spiral.json", spiral), ("rober.json", rober), ("lorenz.json", lorenz),
         ("brusselator_1d.json", brusselator_1d)]


def check(folder, tol=1e-10):
    """Compares fresh values with the files in folder: inputs exactly, results to tol (relative)."""
    ok = True
    for name, make in FILES:
        new = make()
        with open(os.path.join(folder, name)) as f:
            old = json.load(f)
        same_inputs = list(new) == list(old) and all(new[k] == old[k] for k in new if k in ("about", "p", "u0", "tspan", "t"))
        worst = 0.0
        for k in new:
            if k in ("about", "p", "u0", "tspan", "t"):
                continue
            a, b = np.array(new[k], dtype=float), np.array(old[k], dtype=float)
            worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))))
        good = same_inputs and worst <= tol
        ok &= good
        print(f"{name}: inputs {'same' if same_inputs else 'DIFFER'}, largest componentwise relative difference {worst:.1e}"
              f" {'ok' if good else 'FAIL'}")
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if check(here) else 1)
    outdir = sys.argv[1] if len(sys.argv) > 1 else here
    os.makedirs(outdir, exist_ok=True)
    for name, make in FILES:
        write(outdir, name, make())
        print("wrote", os.path.join(outdir, name))


if __name__ == "__main__":
    main()
