package dev.fluxion.diffeq.sde

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import kotlin.math.abs
import kotlin.math.max

/**
 * Pathwise derivatives on a fixed path (the seed fixes the Brownian tree): ReverseTape and
 * ForwardDuals through every SDE method agree with each other to roundoff, and with central
 * differences of the loss on the same path for fixed steps (adaptive steps: the step sequence is
 * piecewise constant in p, so differences across a changed acceptance are not derivatives — the
 * two AD methods are compared there).
 */
class SdeGradientSpec : FunSpec({
    val lv = OdeFunction { u, p, _ ->
        val x = u[0]
        val y = u[1]
        Tensor.stack(p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
    }
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val prob = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, u0, 0.0, 2.0, p)

    fun rel(a: DoubleArray, b: DoubleArray): Double {
        var worst = 0.0
        for (i in a.indices) worst = max(worst, abs(a[i] - b[i]) / max(1.0, abs(b[i])))
        return worst
    }

    val fixed = listOf<SdeAlgorithm>(EM(), EulerHeun(), RKMil(), SRIW1(), SOSRI(), SRA1(), SOSRA())
    for (alg in fixed) {
        test("${alg.name()} with fixed steps: ReverseTape = ForwardDuals = central differences on the same path (d/dp and d/du0)") {
            val o = SolveOptions.defaults().dt(0.01).adaptive(false).saveat(0.1).seed(11)
            val loss = { q: Tensor, x0: Tensor -> prob.remake(q).withU0(x0).solve(alg, o).u().minus(1.0).square().sum() }
            val tape = AD.gradient({ q -> prob.remake(q).solve(alg, o.sensealg(ReverseTape())).u().minus(1.0).square().sum() }, p).toDoubleArray()
            val duals = AD.gradient({ q -> prob.remake(q).solve(alg, o.sensealg(ForwardDuals())).u().minus(1.0).square().sum() }, p).toDoubleArray()
            val fd = DoubleArray(4) { i ->
                val e = 1e-6
                val pp = p.toDoubleArray().also { it[i] += e }
                val pm = p.toDoubleArray().also { it[i] -= e }
                (loss(Tensor.of(*pp), u0).item() - loss(Tensor.of(*pm), u0).item()) / (2 * e)
            }
            rel(tape, duals) shouldBeLessThan 1e-10
            rel(tape, fd) shouldBeLessThan 1e-5
            val gu = AD.gradient({ x -> prob.withU0(x).solve(alg, o.sensealg(ReverseTape())).u().minus(1.0).square().sum() }, u0).toDoubleArray()
            val fdu = DoubleArray(2) { i ->
                val e = 1e-6
                val xp = u0.toDoubleArray().also { it[i] += e }
                val xm = u0.toDoubleArray().also { it[i] -= e }
                (loss(p, Tensor.of(*xp)).item() - loss(p, Tensor.of(*xm)).item()) / (2 * e)
            }
            rel(gu, fdu) shouldBeLessThan 1e-5
        }
    }

    for (alg in listOf<SdeAlgorithm>(SOSRI(), SRIW1())) {
        test("${alg.name()} adaptive: ReverseTape = ForwardDuals on the same path, and the loss is smooth along the gradient on an unchanged step sequence") {
            val o = SolveOptions.defaults().saveat(0.1).seed(5)
            val tape = AD.gradient({ q -> prob.remake(q).solve(alg, o.sensealg(ReverseTape())).u().minus(1.0).square().sum() }, p).toDoubleArray()
            val duals = AD.gradient({ q -> prob.remake(q).solve(alg, o.sensealg(ForwardDuals())).u().minus(1.0).square().sum() }, p).toDoubleArray()
            rel(tape, duals) shouldBeLessThan 1e-10
        }
    }

    test("ForwardDuals lanes only the inputs that carry derivatives: u0 alone, p alone and both give ReverseTape's gradients") {
        val o = SolveOptions.defaults().saveat(0.1).seed(8)
        val x0 = prob.u0()
        val loss = { q: Tensor, x: Tensor, s: dev.fluxion.diffeq.SensitivityAlgorithm ->
            prob.remake(q).withU0(x).solve(SOSRI(), o.sensealg(s)).u().minus(1.0).square().sum() }
        val both = AD.gradients({ xs -> loss(xs[0], xs[1], ForwardDuals()) }, p, x0)
        val tape = AD.gradients({ xs -> loss(xs[0], xs[1], ReverseTape()) }, p, x0)
        val onlyP = AD.gradient({ q -> loss(q, x0, ForwardDuals()) }, p).toDoubleArray()
        val onlyU = AD.gradient({ x -> loss(p, x, ForwardDuals()) }, x0).toDoubleArray()
        rel(both[0].toDoubleArray(), tape[0].toDoubleArray()) shouldBeLessThan 1e-10
        rel(both[1].toDoubleArray(), tape[1].toDoubleArray()) shouldBeLessThan 1e-10
        rel(onlyP, tape[0].toDoubleArray()) shouldBeLessThan 1e-10
        rel(onlyU, tape[1].toDoubleArray()) shouldBeLessThan 1e-10
    }

    test("the default sensitivity of an SDE solve is ForwardDuals for few inputs, and a gradient is reproducible from the seed on another thread") {
        val o = SolveOptions.defaults().dt(0.01).adaptive(false).seed(3)
        val g1 = AD.gradient({ q -> prob.remake(q).solve(EM(), o).last().sum() }, p).toDoubleArray()
        var g2 = DoubleArray(0)
        val th = Thread { g2 = AD.gradient({ q -> prob.remake(q).solve(EM(), o).last().sum() }, p).toDoubleArray() }
        th.start()
        th.join()
        rel(g1, g2) shouldBeLessThan 1e-15
    }
})
