package dev.fluxion.autodiff

import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.arbitrary.long
import kotlin.math.abs
import kotlin.math.max
import kotlin.random.Random

// Shared machinery for the derivative specs: seeded generators of shapes and values, a robust
// central finite difference, error measures, and the check that runs every AD mode against it.

/** Relative tolerance of every derivative check in float64 (issue #2). */
const val DERIV_TOL = 1e-6

/** Fixed-seed property configuration: reproducible, modest iteration count. */
fun propConfig(seed: Long, iterations: Int = 6) = PropTestConfig(seed = seed, iterations = iterations)

// ---------------------------------------------------------------------------- random inputs

/** Random tensors for the property tests, drawn from Kotest's seeded source. */
object Gen {
    /** A random shape of rank minRank..maxRank with every dimension in 1..maxDim. */
    fun shape(r: Random, minRank: Int = 0, maxRank: Int = 3, maxDim: Int = 4): IntArray =
        IntArray(r.nextInt(minRank, maxRank + 1)) { r.nextInt(1, maxDim + 1) }

    /** Uniform values in [lo, hi). */
    fun uniform(r: Random, dims: IntArray, lo: Double = -2.0, hi: Double = 2.0): Tensor =
        Tensor.of(Shape.of(*dims), *DoubleArray(dims.fold(1) { a, b -> a * b }) { lo + (hi - lo) * r.nextDouble() })

    /** Values with |x| in [minAbs, maxAbs) and random sign: away from the kinks of abs/relu and the pole of 1/x. */
    fun awayFromZero(r: Random, dims: IntArray, minAbs: Double = 0.25, maxAbs: Double = 2.0): Tensor =
        Tensor.of(Shape.of(*dims), *DoubleArray(size(dims)) {
            val m = minAbs + (maxAbs - minAbs) * r.nextDouble()
            if (r.nextBoolean()) m else -m
        })

    /** Positive values in [lo, hi): the domain of log, sqrt and real powers. */
    fun positive(r: Random, dims: IntArray, lo: Double = 0.4, hi: Double = 2.0): Tensor = uniform(r, dims, lo, hi)

    /**
     * Pairwise distinct values at least [gap] apart (a shuffled grid with jitter), so max/min have
     * a unique winner that small perturbations cannot swap.
     */
    fun distinct(r: Random, dims: IntArray, gap: Double = 0.15): Tensor {
        val n = size(dims)
        val order = (0 until n).shuffled(r)
        return Tensor.of(Shape.of(*dims), *DoubleArray(n) { (order[it] - n / 2.0) * gap * 2 + gap * 0.5 * r.nextDouble() })
    }

    /** A random n×n matrix shifted by n·I: well conditioned, for solve and det. */
    fun wellConditioned(r: Random, n: Int): Tensor =
        uniform(r, intArrayOf(n, n), -1.0, 1.0).plus(Tensor.eye(n).times(n.toDouble()))

    /** m with its rows in a random order: partial pivoting then has to swap them back. */
    fun permutedRows(r: Random, m: Tensor): Tensor =
        Tensor.stack(*(0 until m.dim(0)).shuffled(r).map { m.get(it) }.toTypedArray())

    /** Strictly diagonally dominant with positive diagonal: every eigenvalue has positive real part, so det > 0. */
    fun positiveDet(r: Random, n: Int): Tensor =
        uniform(r, intArrayOf(n, n), -0.5, 0.5).plus(Tensor.eye(n).times(n.toDouble()))

    /** A 0/1 mask. */
    fun mask(r: Random, dims: IntArray): Tensor =
        Tensor.of(Shape.of(*dims), *DoubleArray(size(dims)) { if (r.nextBoolean()) 1.0 else 0.0 })

    /** A shape that broadcasts to [out]: a suffix of it with some axes set to 1. */
    fun broadcastable(r: Random, out: IntArray): IntArray {
        val rank = r.nextInt(0, out.size + 1)
        return IntArray(rank) { i -> if (r.nextInt(3) == 0) 1 else out[out.size - rank + i] }
    }

    fun size(dims: IntArray) = dims.fold(1) { a, b -> a * b }

    fun normal(r: Random, shape: Shape): Tensor {
        val n = shape.size()
        return Tensor.of(shape, *DoubleArray(n) { gaussian(r) })
    }

    fun gaussian(r: Random): Double {
        // Box–Muller from the seeded source.
        val u = 1.0 - r.nextDouble()
        val v = r.nextDouble()
        return kotlin.math.sqrt(-2.0 * kotlin.math.ln(u)) * kotlin.math.cos(2 * Math.PI * v)
    }
}

// ---------------------------------------------------------------------------- finite differences and errors

object FD {
    /**
     * Directional derivative J v of f at x by central differences with one Richardson step:
     * (4 D(h/2) − D(h)) / 3 with D(h) = (f(x + h v) − f(x − h v)) / 2h, error O(h⁴).
     * The step is scaled by the size of x so large inputs get proportionally large steps.
     */
    fun directional(f: (Tensor) -> Tensor, x: Tensor, v: Tensor, h0: Double = 1e-3): Tensor {
        val scale = max(1.0, maxAbs(x.toDoubleArray()))
        val h = h0 * scale
        fun d(step: Double): DoubleArray {
            val p = f(x.plus(v.times(step))).toDoubleArray()
            val m = f(x.minus(v.times(step))).toDoubleArray()
            return DoubleArray(p.size) { (p[it] - m[it]) / (2 * step) }
        }
        val dh = d(h)
        val dh2 = d(h / 2)
        val y = f(x)
        return Tensor.of(y.shape(), *DoubleArray(dh.size) { (4 * dh2[it] - dh[it]) / 3 })
    }

    /** Jacobian [m, n] of f at x by finite differences, one column per input element. */
    fun jacobian(f: (Tensor) -> Tensor, x: Tensor): Array<DoubleArray> {
        val n = x.size()
        val m = f(x).size()
        val jac = Array(m) { DoubleArray(n) }
        for (k in 0 until n) {
            val e = DoubleArray(n).also { it[k] = 1.0 }
            val col = directional(f, x, Tensor.of(x.shape(), *e)).toDoubleArray()
            for (j in 0 until m) jac[j][k] = col[j]
        }
        return jac
    }
}

fun maxAbs(a: DoubleArray): Double = a.fold(0.0) { m, v -> max(m, abs(v)) }

/** max|a − b| / max(1, max|a|, max|b|): relative for large values, absolute for small ones. */
fun relErr(a: DoubleArray, b: DoubleArray): Double {
    require(a.size == b.size) { "sizes differ: ${a.size} vs ${b.size}" }
    var d = 0.0
    for (i in a.indices) {
        val e = abs(a[i] - b[i])
        if (e.isNaN()) return Double.POSITIVE_INFINITY
        d = max(d, e)
    }
    return d / max(1.0, max(maxAbs(a), maxAbs(b)))
}

fun relErr(a: Tensor, b: Tensor): Double = relErr(a.toDoubleArray(), b.toDoubleArray())

fun relErr(a: Double, b: Double): Double = relErr(doubleArrayOf(a), doubleArrayOf(b))

fun dot(a: Tensor, b: Tensor): Double {
    val x = a.toDoubleArray()
    val y = b.toDoubleArray()
    require(x.size == y.size)
    var s = 0.0
    for (i in x.indices) s += x[i] * y[i]
    return s
}

/** Asserts a and b agree to [tol] in [relErr], naming what is compared. */
fun assertClose(what: String, a: Tensor, b: Tensor, tol: Double = DERIV_TOL) {
    withClue("$what: shapes") { a.shape() shouldBe b.shape() }
    val e = relErr(a, b)
    withClue("$what: relative error $e\n  got      $a\n  expected $b") { e shouldBeLessThan tol }
}

fun assertClose(what: String, a: Double, b: Double, tol: Double = DERIV_TOL) {
    val e = relErr(a, b)
    withClue("$what: relative error $e (got $a, expected $b)") { e shouldBeLessThan tol }
}

fun assertClose(what: String, a: Array<DoubleArray>, b: Array<DoubleArray>, tol: Double = DERIV_TOL) {
    withClue("$what: rows") { a.size shouldBe b.size }
    val e = relErr(a.flatMap { it.asIterable() }.toDoubleArray(), b.flatMap { it.asIterable() }.toDoubleArray())
    withClue("$what: relative error $e") { e shouldBeLessThan tol }
}

fun Tensor.rows(m: Int, n: Int): Array<DoubleArray> {
    val d = toDoubleArray()
    require(d.size == m * n) { "tensor of shape ${shape()} is not $m×$n" }
    return Array(m) { i -> d.copyOfRange(i * n, (i + 1) * n) }
}

// ---------------------------------------------------------------------------- the op catalog's types

/** One random instance of an op: its tensor inputs and any scalar constants. */
class Sample(val inputs: List<Tensor>, val consts: DoubleArray = DoubleArray(0)) {
    override fun toString() = "Sample(inputs=${inputs.map { "${it.shape()}" }}, consts=${consts.toList()})"
}

/**
 * A differentiable op under test: a generator of valid random instances and the function of the
 * inputs. [wrt] lists the inputs to differentiate (default: all); others are held constant.
 */
class OpCase(
    val name: String,
    val wrt: List<Int>? = null,
    val gen: (Random) -> Sample,
    val f: (List<Tensor>, DoubleArray) -> Tensor,
) {
    fun arb() = arbitrary { rs -> gen(rs.random) }
    fun inputsToDifferentiate(s: Sample) = wrt ?: s.inputs.indices.toList()
    override fun toString() = name

    /** f as a function of input i alone. */
    fun partial(s: Sample, i: Int): (Tensor) -> Tensor = { x ->
        f(s.inputs.mapIndexed { j, t -> if (j == i) x else t }, s.consts)
    }
}

fun sample(vararg inputs: Tensor, consts: DoubleArray = DoubleArray(0)) = Sample(inputs.toList(), consts)

fun case(name: String, wrt: List<Int>? = null, gen: (Random) -> Sample, f: (List<Tensor>, DoubleArray) -> Tensor) =
    OpCase(name, wrt, gen, f)

// ---------------------------------------------------------------------------- the first-order check

/** A chunk smaller than n with more than one lane where n allows (n ≥ 3), for K > 1 forward passes. */
fun smallChunk(r: Random, n: Int): Int = if (n >= 3) r.nextInt(2, n) else 1

/**
 * Every first-order mode against finite differences, for the derivative with respect to input i:
 *  - JVP with one lane (AD.jvp) equals the FD directional derivative J v;
 *  - VJP satisfies the dot-product identity ⟨w, J v⟩ = ⟨vjp(w), v⟩ with J v from FD;
 *  - the forward Jacobian with K > 1 lanes (AD.jacobian, chunk < n) equals the reverse Jacobian
 *    built row by row with AD.vjp, and both equal the FD Jacobian.
 */
fun checkFirstOrder(case: OpCase, s: Sample, i: Int, r: Random) {
    val g = case.partial(s, i)
    val x = s.inputs[i]
    val tf = TensorFunction { q -> g(q) }
    val y = g(x)
    val label = "${case.name} d/d(input $i of shape ${x.shape()}), output ${y.shape()}"

    val v = Gen.normal(r, x.shape())
    val w = Gen.normal(r, y.shape())
    val jvFd = FD.directional(g, x, v)

    val jv = AD.jvp(tf, x, v)
    assertClose("$label: JVP (K=1) vs FD", jv, jvFd)

    val vj = AD.vjp(tf, x, w)
    withClue("$label: VJP shape") { vj.shape() shouldBe x.shape() }
    assertClose("$label: <w, Jv> = <vjp(w), v>", dot(vj, v), dot(w, jvFd))

    val n = x.size()
    val m = y.size()
    val chunk = smallChunk(r, n)
    val jacFwd = AD.jacobian(tf, x, chunk)
    val want = IntArray(y.rank() + x.rank()) { k -> if (k < y.rank()) y.dim(k) else x.dim(k - y.rank()) }
    withClue("$label: jacobian shape") { jacFwd.shape() shouldBe Shape.of(*want) }
    val jacDefault = AD.jacobian(tf, x)
    val jacRev = Array(m) { j ->
        val e = DoubleArray(m).also { it[j] = 1.0 }
        AD.vjp(tf, x, Tensor.of(y.shape(), *e)).toDoubleArray()
    }
    val jacFd = FD.jacobian(g, x)
    // Modes against each other are exact up to rounding: a much tighter tolerance catches small rule errors.
    assertClose("$label: forward Jacobian (chunk $chunk) vs reverse Jacobian", jacFwd.rows(m, n), jacRev, AD_TOL)
    assertClose("$label: forward Jacobian (default chunk) vs reverse Jacobian", jacDefault.rows(m, n), jacRev, AD_TOL)
    val jvFromRows = Tensor.of(y.shape(), *DoubleArray(m) { j -> jacRev[j].indices.sumOf { jacRev[j][it] * v.toDoubleArray()[it] } })
    assertClose("$label: JVP (K=1) vs reverse Jacobian times v", jv, jvFromRows, AD_TOL)
    assertClose("$label: reverse Jacobian vs FD Jacobian", jacRev, jacFd)
}

/** Tolerance between two AD modes (both exact up to rounding). */
const val AD_TOL = 1e-11

/**
 * Second order through the op: s(x) = ⟨w, f(x)⟩ + ½‖f(x)‖² makes the backward pass's cotangent
 * depend on x, so its rules are differentiated too. Forward-over-reverse (hvp), reverse-over-reverse
 * and reverse-over-forward must all equal the FD derivative of the gradient along v.
 */
fun checkSecondOrder(case: OpCase, s: Sample, i: Int, r: Random) {
    val g = case.partial(s, i)
    val x = s.inputs[i]
    val y0 = g(x)
    val w = Gen.normal(r, y0.shape())
    val v = Gen.normal(r, x.shape())
    val label = "${case.name} second order in input $i of shape ${x.shape()}"
    val scalar = TensorFunction { q -> val y = g(q); y.times(w).sum().plus(y.square().sum().times(0.5)) }

    val hvFd = FD.directional({ q -> AD.gradient(scalar, q) }, x, v)
    val hv = AD.hvp(scalar, x, v)
    assertClose("$label: hvp (forward over reverse) vs FD of gradient", hv, hvFd)
    val revRev = AD.gradient({ q -> AD.gradient(scalar, q).times(v).sum() }, x)
    assertClose("$label: reverse over reverse vs hvp", revRev, hv, AD_TOL)
    val revFwd = AD.gradient({ q -> AD.jvp(scalar, q, v) }, x)
    assertClose("$label: reverse over forward vs hvp", revFwd, hv, AD_TOL)
}

// ---------------------------------------------------------------------------- registering a group of ops

/**
 * Registers, for every case, a first-order property (all inputs in [OpCase.wrt]) and, unless
 * disabled, a second-order one; each runs on seeded random shapes and values.
 */
fun io.kotest.core.spec.style.FunSpec.derivativeProperties(
    cases: List<OpCase>,
    seed: Long,
    iterations: Int = 6,
    secondOrderIterations: Int = 3,
) {
    for ((idx, c) in cases.withIndex()) {
        test("${c.name}: JVP (1 lane), VJP (dot-product identity) and K-lane Jacobian agree with finite differences") {
            io.kotest.property.checkAll(propConfig(seed + idx, iterations), c.arb(), Arb.long()) { s, dir ->
                withClue(s) { for (i in c.inputsToDifferentiate(s)) checkFirstOrder(c, s, i, Random(dir)) }
            }
        }
        if (secondOrderIterations > 0) {
            test("${c.name}: second derivatives (hvp, reverse over reverse, reverse over forward) agree with FD of the gradient") {
                io.kotest.property.checkAll(propConfig(seed + 1000 + idx, secondOrderIterations), c.arb(), Arb.long()) { s, dir ->
                    withClue(s) { for (i in c.inputsToDifferentiate(s)) checkSecondOrder(c, s, i, Random(dir)) }
                }
            }
        }
    }
}
