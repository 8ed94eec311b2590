package dev.fluxion.autodiff

import dev.fluxion.tensor.Dispatch
import dev.fluxion.tensor.ElementwiseOps
import dev.fluxion.tensor.MatMul
import dev.fluxion.tensor.MatMulBias
import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.util.SplittableRandom

/**
 * The fused op(A)·op(B) + c (MatMulBias, what Fusion makes of a Dense layer's x·Wᵀ + b on a
 * batch): its derivatives against central differences, its values bit for bit those of the
 * unfused matmul and add (every kernel branch: k = 2, k = 1, n = 1, dot rows, transposed A), and
 * the rewrite applied only where the product has no other use and the result is big enough.
 */
class MatMulBiasSpec : FunSpec({
    val rng = SplittableRandom(1515)

    fun operands(ta: Boolean, tb: Boolean, m: Int, k: Int, n: Int): Array<Tensor> = arrayOf(
        Tensor.rand(rng, *(if (ta) intArrayOf(k, m) else intArrayOf(m, k))).minus(0.5),
        Tensor.rand(rng, *(if (tb) intArrayOf(n, k) else intArrayOf(k, n))).minus(0.5),
        Tensor.rand(rng, n).minus(0.5))

    for (ta in listOf(false, true)) for (tb in listOf(false, true)) {
        test("matmul(${if (ta) "T" else "N"}${if (tb) "T" else "N"})+bias: JVP and VJP of each input against central differences") {
            val x = operands(ta, tb, 5, 3, 4)
            val op = MatMulBias.of(ta, tb)
            for (i in 0 until 3) {
                val f = TensorFunction { xi -> Dispatch.apply(op, *Array(3) { if (it == i) xi else x[it] }) }
                val v = Tensor.rand(rng, *x[i].shape().dims()).minus(0.5)
                val w = Tensor.rand(rng, 5, 4).minus(0.5)
                val fd = FD.directional({ f.apply(it) }, x[i], v).toDoubleArray()
                relErr(AD.jvp(f, x[i], v).toDoubleArray(), fd) shouldBeLessThan 1e-8
                // ⟨w, J v⟩ = ⟨Jᵀ w, v⟩
                val lhs = w.toDoubleArray().zip(fd).sumOf { (a, b) -> a * b }
                val rhs = AD.vjp(f, x[i], w).toDoubleArray().zip(v.toDoubleArray()).sumOf { (a, b) -> a * b }
                Math.abs(lhs - rhs) shouldBeLessThan 1e-8 * (1 + Math.abs(lhs))
            }
        }
    }

    for ((m, k, n) in listOf(Triple(300, 2, 64), Triple(37, 2, 16), Triple(40, 3, 64), Triple(64, 1, 9), Triple(50, 7, 1), Triple(33, 64, 2))) {
        for (ta in listOf(false, true)) for (tb in listOf(false, true)) {
            test("[$m×$k]·[$k×$n] + c, transposes $ta/$tb: the fused values are the unfused bits") {
                val (a, b, c) = operands(ta, tb, m, k, n)
                val fused = Dispatch.apply(MatMulBias.of(ta, tb), a, b, c).toDoubleArray()
                val plain = Tensor.matmul(a, ta, b, tb).plus(c).toDoubleArray()
                fused.map { it.toRawBits() } shouldBe plain.map { it.toRawBits() }
            }
        }
    }

    /** x [m, 2], W [n, 2], b [n] as inputs 0..2, then x·Wᵀ (node 3) and node 3 + b (node 4). */
    fun dense(m: Int, n: Int): List<Graph.Node> = listOf(
        Graph.Node(null, IntArray(0), Shape.of(m, 2), null, 0),
        Graph.Node(null, IntArray(0), Shape.of(n, 2), null, 1),
        Graph.Node(null, IntArray(0), Shape.of(n), null, 2),
        Graph.Node(MatMul.of(false, true), intArrayOf(0, 1), Shape.of(m, n), null, -1),
        Graph.Node(ElementwiseOps.Binary.ADD, intArrayOf(3, 2), Shape.of(m, n), null, -1))

    test("Fusion.fuseBias: a batch's x·Wᵀ + b becomes one op; a product used elsewhere, or a small one, stays") {
        val fused = Fusion.fuseBias(dense(64, 16), intArrayOf(4))
        fused[4].op.shouldBeInstanceOf<MatMulBias>()
        fused[4].args.toList() shouldBe listOf(0, 1, 2)
        (fused[4].op as MatMulBias).product() shouldBe MatMul.of(false, true)
        Fusion.fuseBias(dense(64, 16), intArrayOf(4, 3))[4].op shouldBe ElementwiseOps.Binary.ADD
        Fusion.fuseBias(dense(4, 16), intArrayOf(4))[4].op shouldBe ElementwiseOps.Binary.ADD
    }

    test("a compiled Dense layer on a batch gives the eager bits") {
        val (x, w, b) = operands(false, true, 256, 2, 64)
        val f = MultiTensorFunction { a -> Tensor.matmul(a[0], false, a[1], true).plus(a[2]).tanh() }
        val r = Jit.compile(f, x, w, b).runner()
        val out = r.run(arrayOf(x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()))
        out.map { it.toRawBits() } shouldBe f.apply(arrayOf(x, w, b)).toDoubleArray().map { it.toRawBits() }
    }
})
