package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.tensor.Tensor
import kotlin.math.PI
import kotlin.math.sin

/**
 * The 1-D Brusselator of Hairer–Wanner II, §IV.1 (1.6), written in whole-vector Tensor ops as a
 * user would: n grid points, state interleaved [u1, v1, u2, v2, ...] (so J is banded, bandwidth 2),
 * p = [A, B] = [1, 3], α = 1/50, u = 1 and v = 3 on the boundary.
 */
object Brusselator {
    fun f(n: Int): OdeFunction {
        val c = (n + 1.0) * (n + 1.0) / 50.0
        val one = Tensor.of(1.0)
        val three = Tensor.of(3.0)
        return OdeFunction { y, p, _ ->
            val uv = y.reshape(n, 2)
            val u = uv.slice(1, 0, 1).reshape(n)
            val v = uv.slice(1, 1, 2).reshape(n)
            val lapU = Tensor.concat(0, one, u.slice(0, 0, n - 1)) + Tensor.concat(0, u.slice(0, 1, n), one) - u * 2.0
            val lapV = Tensor.concat(0, three, v.slice(0, 0, n - 1)) + Tensor.concat(0, v.slice(0, 1, n), three) - v * 2.0
            val u2v = u.square() * v
            val du = u2v - u * (p[1] + 1.0) + p[0] + lapU * c
            val dv = u * p[1] - u2v + lapV * c
            Tensor.stack(1, du, dv).reshape(2 * n)
        }
    }

    fun u0(n: Int): Tensor = Tensor.of(*DoubleArray(2 * n) { k -> if (k % 2 == 0) 1 + sin(2 * PI * (k / 2 + 1) / (n + 1)) else 3.0 })

    val p: Tensor = Tensor.of(1.0, 3.0)

    fun problem(n: Int, t1: Double = 10.0) = OdeProblem(f(n), u0(n), 0.0, t1, p)
}
