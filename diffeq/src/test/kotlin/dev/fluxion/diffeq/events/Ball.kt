package dev.fluxion.diffeq.events

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.tensor.Tensor
import kotlin.math.sqrt

/**
 * The bouncing ball with a clock: u = [height, velocity, τ], height' = velocity, velocity' = −g,
 * τ' = 1 (so τ at an event is the event time, with its derivatives); p = [g, e].
 */
object Ball {
    val f = OdeFunction { u, p, _ ->
        Tensor.of(1.0, 0.0, 0.0).times(u.get(1)).plus(Tensor.of(0.0, -1.0, 0.0).times(p.get(0))).plus(Tensor.of(0.0, 0.0, 1.0))
    }
    val height = EventFunction { u, _, _ -> u.get(0) }
    /** velocity ← −e·velocity. */
    val bounce = EventFunction { u, p, _ -> u.times(Tensor.of(1.0, 0.0, 1.0).plus(Tensor.of(0.0, -1.0, 0.0).times(p.get(1)))) }

    fun problem(h0: Tensor, g: Tensor, e: Tensor, t1: Double): OdeProblem =
        OdeProblem(f, Tensor.of(1.0, 0.0, 0.0).times(h0), 0.0, t1, Tensor.stack(g, e))

    fun problem(h0: Double, g: Double, e: Double, t1: Double) = problem(Tensor.scalar(h0), Tensor.scalar(g), Tensor.scalar(e), t1)

    /** Time of the k-th bounce: t1·(1 + 2e + … + 2e^(k−1)), t1 = √(2h0/g). */
    fun bounceTime(k: Int, h0: Double, g: Double, e: Double): Double {
        val t1 = sqrt(2 * h0 / g)
        var s = 1.0
        var ek = 1.0
        for (i in 1 until k) {
            ek *= e
            s += 2 * ek
        }
        return t1 * s
    }

    /** Height and velocity at T between the first and second bounce. */
    fun afterFirst(T: Double, h0: Double, g: Double, e: Double): DoubleArray {
        val t1 = sqrt(2 * h0 / g)
        val w = e * sqrt(2 * g * h0)
        val s = T - t1
        return doubleArrayOf(w * s - g / 2 * s * s, w - g * s)
    }
}
