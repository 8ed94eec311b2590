package dev.fluxion.nn

import dev.fluxion.tensor.Tensor

/** Central differences with one Richardson extrapolation: O(h⁴) directional derivatives. */
object FiniteDifferences {
    fun directional(f: (Tensor) -> Tensor, x: Tensor, v: Tensor, h: Double = 1e-3): Tensor {
        fun d(e: Double) = (f(x + v * e) - f(x - v * e)) / (2 * e)
        return (d(h / 2) * 4.0 - d(h)) / 3.0
    }

    fun relErr(a: Tensor, b: Tensor): Double {
        val da = a.toDoubleArray()
        val db = b.toDoubleArray()
        var num = 0.0
        var den = 0.0
        for (i in da.indices) {
            num += (da[i] - db[i]) * (da[i] - db[i])
            den += db[i] * db[i]
        }
        return Math.sqrt(num) / maxOf(1.0, Math.sqrt(den))
    }
}
