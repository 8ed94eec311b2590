package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.rows
import dev.fluxion.tensor.Tensor
import kotlin.math.abs
import kotlin.math.exp

/** Stiff test problems written in Tensor ops, as users write them. */
object StiffProblems {
    /** Robertson's chemistry with p = [k1, k2, k3] = [0.04, 3e7, 1e4] (Hairer–Wanner II, §IV.1). */
    val robertson = OdeFunction { u, p, _ ->
        val y1 = u[0]
        val y2 = u[1]
        val y3 = u[2]
        Tensor.stack(-p[0] * y1 + p[2] * y2 * y3, p[0] * y1 - p[2] * y2 * y3 - p[1] * y2 * y2, p[1] * y2 * y2)
    }

    val robertsonRates: Tensor = Tensor.of(0.04, 3e7, 1e4)

    fun robertson(t1: Double = 1e5, p: Tensor = robertsonRates) = OdeProblem(robertson, Tensor.of(1.0, 0.0, 0.0), 0.0, t1, p)

    /** u' = A u with eigenvalues −1 and −1000: A = P diag(−1, −1000) P⁻¹, P = [[1, 1], [1, 2]]. */
    private val pm = arrayOf(doubleArrayOf(1.0, 1.0), doubleArrayOf(1.0, 2.0))
    private val pinv = arrayOf(doubleArrayOf(2.0, -1.0), doubleArrayOf(-1.0, 1.0))
    private val lambda = doubleArrayOf(-1.0, -1000.0)
    private fun expAt(t: Double) = Array(2) { i -> DoubleArray(2) { j -> (0..1).sumOf { k -> pm[i][k] * exp(lambda[k] * t) * pinv[k][j] } } }
    private val a: Tensor = Tensor.of(expAtRows(lambda))

    private fun expAtRows(l: DoubleArray): Array<DoubleArray> =
        Array(2) { i -> DoubleArray(2) { j -> (0..1).sumOf { k -> pm[i][k] * l[k] * pinv[k][j] } } }

    val linearU0: Tensor = Tensor.of(1.0, 0.5)
    val linear = OdeFunction { u, _, _ -> a.matmul(u) }

    fun linearExact(t: Double): DoubleArray {
        val e = expAt(t)
        val u0 = linearU0.toDoubleArray()
        return DoubleArray(2) { i -> e[i][0] * u0[0] + e[i][1] * u0[1] }
    }

    /** How a Robertson DAE solve compares with the ODE form's and with rober.json at the same saved times. */
    data class DaeErrors(val vsOde: Double, val vsRef: Double, val constraint: Double)

    /** Max relative differences of dae from ode and from refU (rows at the saved times), and max |u1 + u2 + u3 − 1|. */
    fun daeErrors(dae: OdeSolution, ode: OdeSolution, refU: Array<DoubleArray>): DaeErrors {
        val a = dae.u().rows()
        val b = ode.u().rows()
        var vsOde = 0.0
        var vsRef = 0.0
        var constraint = 0.0
        for (i in refU.indices) {
            for (j in 0..2) {
                vsOde = maxOf(vsOde, abs(a[i][j] - b[i][j]) / (abs(b[i][j]) + 1e-12))
                vsRef = maxOf(vsRef, abs(a[i][j] - refU[i][j]) / (abs(refU[i][j]) + 1e-12))
            }
            constraint = maxOf(constraint, abs(a[i].sum() - 1.0))
        }
        return DaeErrors(vsOde, vsRef, constraint)
    }
}
