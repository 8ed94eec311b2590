package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/** Compiled forward programs reproduce eager execution to rounding (same kernels, same order). */
private const val FORWARD_TOL = 2e-15

/** Derivative programs are traced from the same rules as eager AD. */
private const val DERIV_PROGRAM_TOL = 1e-13

/** The same inputs with values moved by up to 1% (signs, zeros and orderings are kept): new numbers for a reused program. */
private fun perturb(r: Random, s: Sample): Sample = Sample(s.inputs.map { t ->
    val d = t.toDoubleArray()
    Tensor.of(t.shape(), *DoubleArray(d.size) { d[it] * (1.0 + 0.01 * (2 * r.nextDouble() - 1)) })
}, s.consts)

private fun checkCompiled(c: OpCase, s: Sample, r: Random) {
    val eager = MultiTensorFunction { xs -> c.f(xs.toList(), s.consts) }
    val cf = Jit.compile(eager, *s.inputs.toTypedArray())
    // Two sets of values through one compiled function: the trace's example values must not be baked in.
    for ((round, p) in listOf(s, perturb(r, s)).withIndex()) {
        val args = p.inputs.toTypedArray()
        val label = "${c.name} (values set $round)"
        val want = eager.apply(args.clone())
        val got = cf.apply(*args)
        withClue("$label: compiled output shape") { got.shape() shouldBe want.shape() }
        assertClose("$label: compiled forward vs eager", got, want, FORWARD_TOL)
        withClue("$label: compiled output is primal") { got.isPrimal() shouldBe true }

        for (i in c.inputsToDifferentiate(p)) {
            val x = args[i]
            val viaCompiled = TensorFunction { q -> cf.apply(*args.copyOf().also { it[i] = q }) }
            val viaEager = TensorFunction { q -> eager.apply(args.copyOf().also { it[i] = q }) }
            val v = Gen.normal(r, x.shape())
            val w = Gen.normal(r, want.shape())
            assertClose("$label: compiled JVP wrt input $i", AD.jvp(viaCompiled, x, v), AD.jvp(viaEager, x, v), DERIV_PROGRAM_TOL)
            assertClose("$label: compiled VJP wrt input $i", AD.vjp(viaCompiled, x, w), AD.vjp(viaEager, x, w), DERIV_PROGRAM_TOL)
            val chunk = smallChunk(r, x.size())
            assertClose("$label: compiled K-lane Jacobian (chunk $chunk) wrt input $i",
                AD.jacobian(viaCompiled, x, chunk), AD.jacobian(viaEager, x, chunk), DERIV_PROGRAM_TOL)
        }
    }
}

/** Nested modes reach a compiled function with dual or tracked inputs: its rules fall back to eager and stay exact. */
private fun checkCompiledNested(c: OpCase, s: Sample, r: Random) {
    val eager = MultiTensorFunction { xs -> c.f(xs.toList(), s.consts) }
    val cf = Jit.compile(eager, *s.inputs.toTypedArray())
    val args = s.inputs.toTypedArray()
    for (i in c.inputsToDifferentiate(s)) {
        val x = args[i]
        val y0 = eager.apply(args.clone())
        val w = Gen.normal(r, y0.shape())
        val v = Gen.normal(r, x.shape())
        fun scalar(fn: MultiTensorFunction) = TensorFunction { q ->
            val y = fn.apply(args.copyOf().also { it[i] = q })
            y.times(w).sum().plus(y.square().sum().times(0.5))
        }
        assertClose("${c.name}: hvp through the compiled function wrt input $i",
            AD.hvp(scalar(MultiTensorFunction { cf.apply(*it) }), x, v), AD.hvp(scalar(eager), x, v), DERIV_PROGRAM_TOL)
    }
}

class CompiledEquivalenceSpec : FunSpec({
    for ((idx, c) in OpCatalog.all.withIndex()) {
        test("${c.name}: compiled forward equals eager, compiled JVP/VJP/Jacobian equal eager AD, for two sets of values") {
            checkAll(propConfig(7000L + idx, 3), c.arb(), Arb.long()) { s, seed -> withClue(s) { checkCompiled(c, s, Random(seed)) } }
        }
        test("${c.name}: second derivatives through the compiled function equal eager") {
            checkAll(propConfig(8000L + idx, 1), c.arb(), Arb.long()) { s, seed -> withClue(s) { checkCompiledNested(c, s, Random(seed)) } }
        }
    }
})
