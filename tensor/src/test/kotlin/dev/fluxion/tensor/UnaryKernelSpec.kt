package dev.fluxion.tensor

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.double
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.math.abs
import kotlin.math.exp
import kotlin.math.ln
import kotlin.random.Random

private val definitions: List<Triple<ElementwiseOps.Unary, (Tensor) -> Tensor, (Double) -> Double>> = listOf(
    Triple(ElementwiseOps.Unary.NEG, Tensor::unaryMinus) { -it },
    Triple(ElementwiseOps.Unary.ABS, Tensor::abs) { abs(it) },
    Triple(ElementwiseOps.Unary.EXP, Tensor::exp) { exp(it) },
    Triple(ElementwiseOps.Unary.LOG, Tensor::log) { ln(it) },
    Triple(ElementwiseOps.Unary.SQRT, Tensor::sqrt) { kotlin.math.sqrt(it) },
    Triple(ElementwiseOps.Unary.SQUARE, Tensor::square) { it * it },
    Triple(ElementwiseOps.Unary.SIN, Tensor::sin) { kotlin.math.sin(it) },
    Triple(ElementwiseOps.Unary.COS, Tensor::cos) { kotlin.math.cos(it) },
    Triple(ElementwiseOps.Unary.TANH, Tensor::tanh) { kotlin.math.tanh(it) },
    Triple(ElementwiseOps.Unary.SIGMOID, Tensor::sigmoid) { 1.0 / (1.0 + exp(-it)) },
    Triple(ElementwiseOps.Unary.RELU, Tensor::relu) { if (it.isNaN()) it else maxOf(it, 0.0) },
    Triple(ElementwiseOps.Unary.SOFTPLUS, Tensor::softplus) { ln(1.0 + exp(it)) },
    Triple(ElementwiseOps.Unary.SIGN, Tensor::sign) { Math.signum(it) },
)

class UnaryKernelSpec : FunSpec({
    for ((op, call, ref) in definitions) {
        test("${op.name()}: eager and compiled kernels equal the definition to a few ulps, NaN in gives NaN out") {
            checkAll(propConfig(41L + op.name().hashCode(), 40), Arb.long()) { seed ->
                val r = Random(seed)
                val d = G.shape(r)
                val v = DoubleArray(Ref.size(d)) { if (r.nextInt(12) == 0) Double.NaN else -8.0 + 16.0 * r.nextDouble() }
                val x = Tensor.of(Shape.of(*d), *v)
                val want = v.map(ref).toDoubleArray()
                assertValues("eager", call(x).toDoubleArray(), want, 1e-15)
                assertValues("kernel", runKernel(op, x).toDoubleArray(), want, 1e-15)
                call(x).shape() shouldBe x.shape()
            }
        }
    }

    test("tanh is within 2 ulps of Math.tanh, odd, and saturates to ±1") {
        checkAll(propConfig(42L, 2000), Arb.double(-25.0, 25.0)) { x ->
            val got = Tensor.of(x).tanh().item()
            abs(got - Math.tanh(x)) shouldBeLessThanOrEqual 2 * Math.ulp(Math.tanh(x))
            (Tensor.of(-x).tanh().item() == -got) shouldBe true   // odd (numerically; the sign of a zero result is not pinned)
        }
        Tensor.of(1e-300, 30.0, -30.0, 1e3).tanh().toDoubleArray().toList() shouldBe listOf(1e-300, 1.0, -1.0, 1.0)
    }

    test("tanh's vectorised array form gives the scalar form's bits: both ranges, zeros, infinities, NaN, block edges and offsets") {
        val r = Random(11L)
        val specials = doubleArrayOf(0.0, -0.0, 1e-300, -1e-300, Double.MIN_VALUE, 0.625, -0.625, Math.nextUp(0.625), 19.06, 19.07, 20.0, -20.0,
            25.0, 1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN)
        // blocks of small activations only (the fast path), mixed blocks, and a tail shorter than a block
        val v = DoubleArray(3 * 512 + 77) { i ->
            when {
                i < 512 -> -0.6 + 1.2 * r.nextDouble()
                i % 97 == 0 -> specials[(i / 97) % specials.size]
                else -> -8.0 + 16.0 * r.nextDouble()
            }
        }
        for (from in listOf(0, 3, 600)) {
            val out = DoubleArray(v.size)
            MathFunctions.tanh(v, out, from, v.size - 1)
            for (i in from until v.size - 1) out[i].toRawBits() shouldBe MathFunctions.tanh(v[i]).toRawBits()
        }
        specials.map { MathFunctions.tanh(it) }.toList().let { t ->
            t[0].toRawBits() shouldBe 0.0.toRawBits()
            t[1].toRawBits() shouldBe (-0.0).toRawBits()
            t.subList(10, 16) shouldBe listOf(1.0, -1.0, 1.0, 1.0, 1.0, -1.0)
            t[16].isNaN() shouldBe true
        }
    }

    test("tanh's array form gives the scalar form's bits on small blocks with a few large values (patched), many (general passes), in place and not") {
        val r = Random(12L)
        val specials = doubleArrayOf(0.0, -0.0, 1e-300, Double.MIN_VALUE, 0.625, -0.625, Math.nextUp(0.625), -Math.nextUp(0.625), 0.7, -3.0, 19.07,
            20.0, -25.0, 1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN)
        val n = 8 * 512 + 200
        for (trial in 0 until 60) {
            // small activations (the edges included), then `k` large or special values at random places:
            // k = 1..4 leaves most blocks within a few groups of 32, larger k sends blocks to the general passes
            val v = DoubleArray(n) { if (r.nextInt(50) == 0) specials[r.nextInt(6)] else -0.625 + 1.25 * r.nextDouble() }
            val k = listOf(1, 2, 3, 4, 5, 8, 40, 300)[trial % 8]
            repeat(k) { v[r.nextInt(n)] = specials[6 + r.nextInt(specials.size - 6)] }
            val want = v.map { MathFunctions.tanh(it).toRawBits() }
            val from = listOf(0, 1, 31, 512)[trial % 4]
            val to = if (trial % 3 == 0) n else from + 512 * (1 + r.nextInt(7))
            val out = DoubleArray(n) { 7.0 }
            MathFunctions.tanh(v, out, from, to)
            for (i in 0 until n) out[i].toRawBits() shouldBe (if (i in from until to) want[i] else 7.0.toRawBits())
            val same = v.copyOf()   // in place: o is x
            MathFunctions.tanh(same, same, from, to)
            for (i in 0 until n) same[i].toRawBits() shouldBe (if (i in from until to) want[i] else v[i].toRawBits())
        }
    }

    test("tanh's array form gives the same bits on threads running at once (each with its own scratch)") {
        val r = Random(13L)
        val inputs = List(4) { t -> DoubleArray(64 * 512) { if (r.nextInt(40 * (t + 1)) == 0) -8.0 + 16.0 * r.nextDouble() else -0.6 + 1.2 * r.nextDouble() } }
        val want = inputs.map { v -> v.map { MathFunctions.tanh(it).toRawBits() } }
        val outs = inputs.map { DoubleArray(it.size) }
        val threads = inputs.indices.map { t -> Thread { repeat(50) { MathFunctions.tanh(inputs[t], outs[t], 0, inputs[t].size) } } }
        threads.forEach { it.start() }
        threads.forEach { it.join() }
        for (t in inputs.indices) outs[t].map { it.toRawBits() } shouldBe want[t]
    }

    test("sigmoid and softplus are stable at large |x|: no overflow, no NaN") {
        val x = Tensor.of(-1000.0, -40.0, 40.0, 1000.0)
        val s = x.sigmoid().toDoubleArray()
        s[0] shouldBe 0.0
        s[3] shouldBe 1.0
        s.all { it.isFinite() } shouldBe true
        val sp = x.softplus().toDoubleArray()
        sp[0] shouldBe 0.0
        sp[3] shouldBe 1000.0
        sp[2] shouldBe 40.0
        abs(sp[1] - exp(-40.0)) shouldBeLessThanOrEqual 1e-30
    }

    test("transcendentals on a batch large enough to split over threads give each element's serial value bit for bit") {
        // [1024, 64] activations cross Parallel's threshold; the split must not change a bit
        val r = Random(47L)
        val v = DoubleArray(1024 * 64) { -6.0 + 12.0 * r.nextDouble() }
        val x = Tensor.of(Shape.of(1024, 64), *v)
        x.tanh().toDoubleArray().map { it.toRawBits() } shouldBe v.map { MathFunctions.tanh(it).toRawBits() }
        x.exp().toDoubleArray().map { it.toRawBits() } shouldBe v.map { Math.exp(it).toRawBits() }
        x.sigmoid().toDoubleArray().map { it.toRawBits() } shouldBe v.map { MathFunctions.sigmoid(it).toRawBits() }
    }
})
