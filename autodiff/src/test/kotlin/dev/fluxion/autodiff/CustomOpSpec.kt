package dev.fluxion.autodiff

import dev.fluxion.autodiff.JavaCustomOps.logSumExp
import dev.fluxion.autodiff.JavaCustomOps.softclip
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.math.exp
import kotlin.math.ln
import kotlin.random.Random

/** x³ with a JVP, rules written from the context's input (so they differentiate again). */
val cube: CustomOp = CustomOp.builder("cube")
    .forward { x -> x[0].times(x[0]).times(x[0]) }
    .vjp { ctx, g -> arrayOf(g.times(ctx.input(0).square().times(3.0))) }
    .jvp { ctx, t -> t[0]?.times(ctx.input(0).square().times(3.0)) }
    .build()

/**
 * x / ‖x‖ with the norm saved as a residual by the forward. Residuals are plain numbers, so this
 * op's VJP is first-order only (the documented contract); its first derivatives are checked here.
 */
val normalize: CustomOp = CustomOp.builder("normalize")
    .forwardWithResiduals { x ->
        val n = x[0].norm()
        CustomOp.Result.of(x[0].div(n), n)
    }
    .vjp { ctx, g ->
        val n = ctx.residual(0)
        val y = ctx.output()
        arrayOf(g.minus(y.times(y.times(g).sum())).div(n))
    }
    .build()

private fun custom(name: String, wrt: List<Int>? = null, gen: (Random) -> Sample, f: (List<Tensor>) -> Tensor) =
    case(name, wrt, gen) { x, _ -> f(x) }

private val logSumExpCase = custom("Java logSumExp (forward + vjp, no jvp)", gen = { r -> sample(Gen.uniform(r, Gen.shape(r, 1, 2, 5))) }) {
    logSumExp(it[0])
}

/** Composed with other ops on both sides, so the custom op sits inside a graph. */
private val logSumExpInGraph = custom("Java logSumExp inside a graph", gen = { r -> sample(Gen.uniform(r, intArrayOf(r.nextInt(1, 5)))) }) {
    logSumExp(it[0].sin().times(2.0)).times(it[0].sum())
}

private val softclipCase = custom("Java softclip(x, c) with jvp, broadcast c", gen = { r ->
    val d = Gen.shape(r, 1, 2, 4)
    sample(Gen.uniform(r, d, -3.0, 3.0), Gen.positive(r, Gen.broadcastable(r, d), 0.5, 2.0))
}) { softclip(it[0], it[1]) }

private val cubeCase = custom("Kotlin cube with jvp", gen = { r -> sample(Gen.uniform(r, Gen.shape(r))) }) { cube.apply(it[0]).sin() }

private val normalizeCase = custom("Kotlin normalize with residuals", gen = { r -> sample(Gen.awayFromZero(r, intArrayOf(r.nextInt(1, 6)))) }) {
    normalize.apply(it[0])
}

class CustomOpSpec : FunSpec({
    test("Java logSumExp: value equals log Σ exp, and stays finite where exp overflows") {
        checkAll(propConfig(31L, 10), logSumExpCase.arb()) { s ->
            val x = s.inputs[0].toDoubleArray()
            logSumExp(s.inputs[0]).item() shouldBe (ln(x.sumOf { exp(it) }) plusOrMinus 1e-12)
        }
        val big = Tensor.of(1000.0, 1001.0, 999.0)
        logSumExp(big).item() shouldBe (1001.0 + ln(1.0 + exp(-1.0) + exp(-2.0)) plusOrMinus 1e-10)
        AD.gradient({ q -> logSumExp(q) }, big).toDoubleArray().sum() shouldBe (1.0 plusOrMinus 1e-12)
    }

    val firstAndSecond = listOf(logSumExpCase, logSumExpInGraph, softclipCase, cubeCase)
    for ((i, c) in firstAndSecond.withIndex()) {
        test("${c.name}: reverse, forward (1 and K lanes) agree with finite differences") {
            checkAll(propConfig(40L + i, 6), c.arb(), Arb.long()) { s, seed ->
                withClue(s) { for (k in c.inputsToDifferentiate(s)) checkFirstOrder(c, s, k, Random(seed)) }
            }
        }
        test("${c.name}: nested use (hvp, gradient of gradient, gradient of jvp) agrees with FD of the gradient") {
            checkAll(propConfig(50L + i, 4), c.arb(), Arb.long()) { s, seed ->
                withClue(s) { for (k in c.inputsToDifferentiate(s)) checkSecondOrder(c, s, k, Random(seed)) }
            }
        }
    }

    test("Kotlin normalize (residuals): reverse and forward-by-composed-VJP agree with finite differences") {
        checkAll(propConfig(60L, 6), normalizeCase.arb(), Arb.long()) { s, seed -> checkFirstOrder(normalizeCase, s, 0, Random(seed)) }
    }

    test("logSumExp's Hessian by hvp equals the analytic diag(p) − p pᵀ (p = softmax x)") {
        checkAll(propConfig(61L, 6), logSumExpCase.arb(), Arb.long()) { s, seed ->
            val x = s.inputs[0].flatten()
            val xs = x.toDoubleArray()
            val z = xs.sumOf { exp(it) }
            val p = xs.map { exp(it) / z }
            val v = Gen.normal(Random(seed), x.shape()).toDoubleArray()
            val pv = p.indices.sumOf { p[it] * v[it] }
            val want = Tensor.of(*DoubleArray(p.size) { p[it] * v[it] - p[it] * pv })
            assertClose("hvp", AD.hvp({ q -> logSumExp(q) }, x, Tensor.of(*v)), want, 1e-12)
            assertClose("hessian row-sum", AD.hessian({ q -> logSumExp(q) }, x).sum(1), Tensor.zeros(p.size), 1e-12)
        }
    }

    test("custom ops compile: forward and gradients through Jit equal eager (residual rules fall back to eager)") {
        checkAll(propConfig(62L, 4), Arb.long()) { seed ->
            val r = Random(seed)
            val x = Gen.awayFromZero(r, intArrayOf(4))
            val c = Gen.positive(r, intArrayOf(1), 0.5, 2.0)
            val f = MultiTensorFunction { a -> logSumExp(softclip(a[0], a[1])).plus(normalize.apply(a[0]).times(cube.apply(a[0])).sum()) }
            val cf = Jit.compile(f, x, c)
            assertClose("forward", cf.apply(x, c), f.apply(arrayOf(x, c)), 1e-15)
            val gc = AD.gradients({ a -> cf.apply(a[0], a[1]) }, x, c)
            val ge = AD.gradients({ a -> f.apply(a) }, x, c)
            assertClose("gradient wrt x", gc[0], ge[0], 1e-13)
            assertClose("gradient wrt c", gc[1], ge[1], 1e-13)
            assertClose("jacobian wrt x", AD.jacobian({ q -> cf.apply(q, c) }, x, 3), AD.jacobian({ q -> f.apply(arrayOf(q, c)) }, x, 3), 1e-13)
        }
    }

    test("a custom op on plain inputs returns a plain tensor and records nothing") {
        val tape = Tape()
        val xt = tape.track(Tensor.of(1.0, 2.0))
        val before = tape.size()
        val y = logSumExp(Tensor.of(0.5, 0.25))
        y.isPrimal() shouldBe true
        tape.size() shouldBe before
        logSumExp(xt).isPrimal() shouldBe false
        tape.size() shouldBe before + 1
        tape.close()
    }

    test("a custom op's VJP returning the wrong shape is refused with a message naming the op and both shapes") {
        val e = shouldThrow<IllegalStateException> {
            AD.gradient({ q -> JavaCustomOps.WRONG_SHAPE_VJP.apply(q).sum() }, Tensor.of(1.0, 2.0, 3.0))
        }
        e.message shouldContain "wrongShapeVjp"
        e.message shouldContain "[3]"
        e.message shouldContain "[]"
    }

    test("a custom op's VJP returning the wrong number of cotangents is refused naming the op") {
        val e = shouldThrow<IllegalStateException> {
            AD.gradient({ q -> JavaCustomOps.WRONG_COUNT_VJP.apply(q).sum() }, Tensor.of(1.0, 2.0))
        }
        e.message shouldContain "wrongCountVjp"
        e.message shouldContain "2"
    }

    test("a custom op's JVP returning the wrong shape is refused naming the op") {
        val e = shouldThrow<IllegalStateException> {
            AD.jvp({ q -> JavaCustomOps.WRONG_SHAPE_JVP.apply(q) }, Tensor.of(1.0, 2.0), Tensor.of(1.0, 0.0))
        }
        e.message shouldContain "wrongShapeJvp"
    }

    test("a custom op without a VJP cannot be built, and the error names it") {
        val e = shouldThrow<IllegalStateException> { CustomOp.builder("noRules").forward { it[0] }.build() }
        e.message shouldContain "noRules"
    }
})
