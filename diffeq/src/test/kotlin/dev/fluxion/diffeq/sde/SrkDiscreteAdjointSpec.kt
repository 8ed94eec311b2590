package dev.fluxion.diffeq.sde

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.relativeGap
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom

/**
 * ReverseTape of an SRI or SRA solve of compiled f and g is one op whose backward pass is the
 * discrete adjoint of the accepted steps (SrkDiscreteAdjoint). Its gradient with respect to u0 and
 * p is the tape's through the stepper's ops on the same path to rounding (the reference: the same
 * solve with the op switched off), for SOSRI and SRIW1 (diagonal and scalar noise), SOSRA and SRA1
 * (diagonal, scalar and general noise), adaptive and fixed steps, saveat (with t0, repeated and
 * out-of-order times) and every-step saving (sol.at between steps included); it agrees with central
 * differences on fixed-step paths; the benchmark's solve takes it, with no fallback. SRI's backward
 * by one compiled program per step (SriStepVjp) gives the per-stage backward's gradient.
 */
class SrkDiscreteAdjointSpec : FunSpec({
    val lv = OdeFunction { u, p, _ ->
        val x = u[0]
        val y = u[1]
        Tensor.stack(p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
    }
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    // noise that reads p and t, so g's VJP feeds dL/dp and stage times matter
    val diagonal = SdeProblem(lv, { u, q, t -> u.times(q.slice(0, 3, 4).times(0.1)).plus(t.times(0.01)) }, u0, 0.0, 2.0, p)
    val scalar = diagonal.withNoise(NoiseKind.SCALAR)
    // near-additive noise for the SRA family (g still reads u a little, so g's VJP in u is exercised: the tape differentiates it too)
    val additive = SdeProblem(lv, { u, q, t -> u.times(0.02).plus(q.slice(0, 3, 4).times(0.1)).plus(t.times(0.01)) }, u0, 0.0, 2.0, p)
    val general = SdeProblem(lv, { u, q, t ->
        Tensor.stack(q[3].times(0.1), u[1].times(0.01), t.times(0.02), q[1].times(0.05), u[0].times(0.02), q[0].times(0.03)).reshape(2, 3)
    }, u0, 0.0, 2.0, p).withNoise(NoiseKind.GENERAL, 3)
    val weights = Tensor.randn(SplittableRandom(3), 4000)

    /** d/d(u0, p) of a weighted sum of squares of the saved series, optionally plus u(at) by sol.at. */
    fun gradient(prob: SdeProblem, alg: SdeAlgorithm, o: SolveOptions, at: Double = Double.NaN): DoubleArray {
        val x = Tensor.concat(0, u0, p)
        return AD.gradient({ v ->
            val sol = prob.withU0(v.slice(0, 0, 2)).withP(v.slice(0, 2, 6)).solve(alg, o.sensealg(ReverseTape()))
            val y = sol.u()
            val loss = (y.square() * weights.slice(0, 0, y.size()).reshape(y.shape())).sum()
            if (at.isNaN()) loss else loss + sol.at(at).sum()
        }, x).toDoubleArray()
    }

    fun tape(block: () -> DoubleArray): DoubleArray {
        SrkDiscreteAdjoint.forceTape = true
        try {
            return block()
        } finally {
            SrkDiscreteAdjoint.forceTape = false
        }
    }

    fun fastPathOnly(spec: SdeSpec, block: () -> DoubleArray): DoubleArray {
        SrkDiscreteAdjoint.applies(spec).shouldBeTrue()
        val before = SrkDiscreteAdjoint.FALLBACKS.get()
        val g = block()
        SrkDiscreteAdjoint.FALLBACKS.get() shouldBe before
        return g
    }

    val adaptive = SolveOptions.defaults().seed(7)
    val fixed = SolveOptions.defaults().dt(0.01).adaptive(false).seed(7)
    val cases = listOf(
        "adaptive, saveat 0.1" to adaptive.saveat(0.1),
        "adaptive, saveat with t0, repeats, out of order" to adaptive.saveat(0.0, 0.3, 0.3, 2.0, 0.77, 1.234),
        "adaptive, every step, with sol.at between steps" to adaptive,
        "fixed steps, saveat 0.1" to fixed.saveat(0.1),
        "fixed steps, every step" to fixed,
    )
    val families = listOf<Pair<SdeAlgorithm, List<Pair<String, SdeProblem>>>>(
        SOSRI() to listOf("diagonal" to diagonal, "scalar" to scalar),
        SRIW1() to listOf("diagonal" to diagonal, "scalar" to scalar),
        SOSRA() to listOf("diagonal" to additive, "scalar" to additive.withNoise(NoiseKind.SCALAR), "general" to general),
        SRA1() to listOf("diagonal" to additive, "general" to general),
    )
    for ((alg, problems) in families) {
        for ((noise, prob) in problems) {
            for ((label, o) in cases) {
                test("${alg.name()}, $noise noise, $label: the one-op gradient is the tape's (d/du0 and d/dp)") {
                    val at = if (o.hasSaveat()) Double.NaN else 0.537
                    val spec = SdeSpec.of(prob, alg, o.sensealg(ReverseTape()))
                    val fast = fastPathOnly(spec) { gradient(prob, alg, o, at) }
                    val ref = tape { gradient(prob, alg, o, at) }
                    relativeGap(fast, ref) shouldBeLessThan 2e-14
                    fast.all { it.isFinite() }.shouldBeTrue()
                }
            }
        }
    }

    for ((alg, prob) in listOf<Pair<SdeAlgorithm, SdeProblem>>(SOSRI() to diagonal, SOSRA() to general)) {
        test("${alg.name()} with fixed steps (${prob.noise().name.lowercase()} noise): the one-op gradient agrees with central differences on the same path") {
            val o = fixed.saveat(0.1)
            val x = Tensor.concat(0, u0, p).toDoubleArray()
            val loss = { v: DoubleArray ->
                val y = prob.withU0(Tensor.of(v[0], v[1])).withP(Tensor.of(v[2], v[3], v[4], v[5])).solve(alg, o).u()
                (y.square() * weights.slice(0, 0, y.size()).reshape(y.shape())).sum().item()
            }
            val g = fastPathOnly(SdeSpec.of(prob, alg, o.sensealg(ReverseTape()))) { gradient(prob, alg, o) }
            val fd = DoubleArray(6) { i ->
                val e = 1e-6
                (loss(x.copyOf().also { it[i] += e }) - loss(x.copyOf().also { it[i] -= e })) / (2 * e)
            }
            relativeGap(g, fd) shouldBeLessThan 1e-7
        }
    }

    test("the benchmark's solve (seed's LV SDE on [0, 10], adaptive SOSRI, saveat 0.1) takes the op with no fallback, and matches the tape") {
        val prob = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, u0, 0.0, 10.0, p)
        val o = SolveOptions.defaults().saveat(0.1).seed(1).sensealg(ReverseTape())
        val grad = { AD.gradient({ q -> prob.withP(q).solve(SOSRI(), o).u().minus(1.0).square().sum() }, p).toDoubleArray() }
        val fast = fastPathOnly(SdeSpec.of(prob, SOSRI(), o), grad)
        val ref = tape(grad)
        relativeGap(fast, ref) shouldBeLessThan 1e-12
        prob.solve(SOSRI(), o).stats().acceptedSteps() shouldBeGreaterThan 1000
    }

    test("what the op does not cover goes to the tape: other methods, dense(true), compile(false), every-step saving without t0") {
        val o = adaptive.saveat(0.1).sensealg(ReverseTape())
        SrkDiscreteAdjoint.applies(SdeSpec.of(diagonal, EulerHeun(), fixed.sensealg(ReverseTape()))).shouldBeFalse()
        SrkDiscreteAdjoint.applies(SdeSpec.of(diagonal, EM(), fixed.sensealg(ReverseTape()))).shouldBeFalse()
        SrkDiscreteAdjoint.applies(SdeSpec.of(diagonal, SOSRI(), o.dense(true))).shouldBeFalse()
        SrkDiscreteAdjoint.applies(SdeSpec.of(diagonal, SOSRI(), o.compile(false))).shouldBeFalse()
        SrkDiscreteAdjoint.applies(SdeSpec.of(diagonal, SOSRI(), adaptive.saveStart(false).sensealg(ReverseTape()))).shouldBeFalse()
        // and the tape's answer there is the op's answer where it does apply
        val viaOp = gradient(diagonal, SOSRI(), adaptive.saveat(0.1))
        val viaTape = gradient(diagonal, SOSRI(), adaptive.saveat(0.1).compile(false))
        relativeGap(viaOp, viaTape) shouldBeLessThan 1e-13
    }

    for ((alg, noise) in listOf(SOSRI() to "diagonal", SOSRI() to "scalar", SRIW1() to "diagonal", SRIW1() to "scalar")) {
        test("${alg.name()}, $noise noise: the whole step's VJP program gives the per-stage backward's gradient") {
            val prob = if (noise == "scalar") scalar else diagonal
            for (o in listOf(adaptive.saveat(0.1), fixed.saveat(0.1), adaptive)) {
                val spec = SdeSpec.of(prob, alg, o.sensealg(ReverseTape()))
                (SriStepVjp.of(spec, (alg as SriAlgorithm).tableau()) != null).shouldBeTrue()
                val at = if (o.hasSaveat()) Double.NaN else 0.537
                val whole = fastPathOnly(spec) { gradient(prob, alg, o, at) }
                SrkDiscreteAdjoint.wholeStep = false
                val perStage = try {
                    fastPathOnly(spec) { gradient(prob, alg, o, at) }
                } finally {
                    SrkDiscreteAdjoint.wholeStep = true
                }
                relativeGap(whole, perStage) shouldBeLessThan 2e-14
            }
        }
    }

    test("a failed solve gives NaN derivatives through the op") {
        val blowUp = SdeProblem({ u, _, _ -> u.square().times(50.0) }, { u, _, _ -> u.times(0.1) }, Tensor.of(1.0), 0.0, 1.0, Tensor.of(1.0))
        val o = SolveOptions.defaults().saveat(0.5).seed(2).sensealg(ReverseTape())
        SrkDiscreteAdjoint.applies(SdeSpec.of(blowUp, SOSRI(), o)).shouldBeTrue()
        val g = AD.gradient({ x -> blowUp.withU0(x).solve(SOSRI(), o).u().sum() }, Tensor.of(1.0)).toDoubleArray()
        g[0].isNaN().shouldBeTrue()
    }
})
