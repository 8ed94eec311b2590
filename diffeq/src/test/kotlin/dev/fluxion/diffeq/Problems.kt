package dev.fluxion.diffeq

import dev.fluxion.tensor.Tensor

/** Test problems written in Tensor ops, as users write them. */
object Problems {
    /** Lotka–Volterra: du1 = p1 u1 − p2 u1 u2, du2 = −p3 u2 + p4 u1 u2. */
    val lotkaVolterra = OdeFunction { u, p, _ ->
        val x = u[0]
        val y = u[1]
        Tensor.stack(p[0] * x - p[1] * x * y, -p[2] * y + p[3] * x * y)
    }

    /** Lorenz with p = [σ, ρ, β]. */
    val lorenz = OdeFunction { u, p, _ ->
        val x = u[0]
        val y = u[1]
        val z = u[2]
        Tensor.stack(p[0] * (y - x), x * (p[1] - z) - y, x * y - p[2] * z)
    }
}

/** Kepler's two-body problem with eccentricity e: autonomous, nonlinear, with an exact solution. */
class Kepler(val e: Double) {
    /** [q1, q2, p1, p2] at time t, from Kepler's equation E − e sin E = t solved by Newton's method. */
    fun exact(t: Double): DoubleArray {
        var ecc = t
        repeat(60) { ecc -= (ecc - e * Math.sin(ecc) - t) / (1 - e * Math.cos(ecc)) }
        val dE = 1 / (1 - e * Math.cos(ecc))
        val s = Math.sqrt(1 - e * e)
        return doubleArrayOf(Math.cos(ecc) - e, s * Math.sin(ecc), -Math.sin(ecc) * dE, s * Math.cos(ecc) * dE)
    }

    val f = OdeFunction { u, _, _ ->
        val q = u.slice(0, 0, 2)
        val p = u.slice(0, 2, 4)
        Tensor.concat(0, p, -(q / q.square().sum().pow(1.5)))
    }

    fun problem(t1: Double) = OdeProblem(f, Tensor.of(*exact(0.0)), 0.0, t1)

    /** Largest Euclidean error over the saved states of a solution. */
    fun maxError(sol: OdeSolution): Double = sol.t().indices.maxOf { i ->
        val a = sol.u(i).toDoubleArray()
        val x = exact(sol.t()[i])
        Math.sqrt(a.indices.sumOf { (a[it] - x[it]) * (a[it] - x[it]) })
    }
}
