@file:JvmName("TensorOperators")

package dev.fluxion.tensor

// Scalar-on-the-left operators and small conveniences for Kotlin. Tensor's own methods named
// plus/minus/times/div/unaryMinus/get already act as operators in Kotlin.

operator fun Double.plus(t: Tensor): Tensor = t.plus(this)
operator fun Double.minus(t: Tensor): Tensor = t.rsub(this)
operator fun Double.times(t: Tensor): Tensor = t.times(this)
operator fun Double.div(t: Tensor): Tensor = t.rdiv(this)
operator fun Int.plus(t: Tensor): Tensor = t.plus(this.toDouble())
operator fun Int.minus(t: Tensor): Tensor = t.rsub(this.toDouble())
operator fun Int.times(t: Tensor): Tensor = t.times(this.toDouble())
operator fun Int.div(t: Tensor): Tensor = t.rdiv(this.toDouble())

operator fun Tensor.plus(c: Int): Tensor = plus(c.toDouble())
operator fun Tensor.minus(c: Int): Tensor = minus(c.toDouble())
operator fun Tensor.times(c: Int): Tensor = times(c.toDouble())
operator fun Tensor.div(c: Int): Tensor = div(c.toDouble())

/** Matrix product as an infix call: `W mm x`. */
infix fun Tensor.mm(other: Tensor): Tensor = matmul(other)

/** A rank-1 tensor from Kotlin numbers: `tensorOf(1.0, 2.0)`. */
fun tensorOf(vararg values: Double): Tensor = Tensor.of(*values)

/** A rank-2 tensor from rows: `matrixOf(doubleArrayOf(1.0, 2.0), doubleArrayOf(3.0, 4.0))`. */
fun matrixOf(vararg rows: DoubleArray): Tensor = Tensor.of(arrayOf(*rows))

/** The values as a Kotlin list (copies). */
fun Tensor.toList(): List<Double> = toDoubleArray().toList()
