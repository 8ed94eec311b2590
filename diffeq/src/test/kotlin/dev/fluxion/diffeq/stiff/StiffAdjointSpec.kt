package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.AutomaticSensitivity
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ForwardSensitivity
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.ln

/**
 * Gradients through stiff solves by all six sensitivity methods: the adjoints integrate their
 * backward systems with the same stiff method, using the systems' exact block Jacobians. Robertson
 * on [0, 100] with log-rates, a loss over saved points: every method agrees with central
 * differences and with every other.
 */
class StiffAdjointSpec : FunSpec({
    val logRates = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
    val weights = Tensor.of(1.0, 1e4, 1.0)
    val saves = doubleArrayOf(1.0, 10.0, 100.0)
    fun loss(alg: OdeAlgorithm, q: Tensor, o: SolveOptions): Tensor =
        (StiffProblems.robertson(100.0, q.exp()).solve(alg, o).u() * weights).sum()

    fun five(): List<SensitivityAlgorithm> = listOf(ReverseTape(), ForwardDuals(), ForwardSensitivity(), InterpolatingAdjoint(),
        QuadratureAdjoint(1e-12, 1e-10))

    // central differences of a tight Rodas5P solve: the reference every method is held to
    val reference: DoubleArray by lazy {
        val o = SolveOptions.defaults().rtol(1e-11).atol(1e-15).saveat(*saves)
        val h = 1e-5
        DoubleArray(3) { i ->
            val e = DoubleArray(3).also { it[i] = h }
            (loss(Rodas5P(), logRates + Tensor.of(*e), o).item() - loss(Rodas5P(), logRates - Tensor.of(*e), o).item()) / (2 * h)
        }
    }

    /**
     * BacksolveAdjoint reconstructs u by solving backwards, which through Robertson's initial
     * transient (fast modes grow backwards) needs an accurate method: Rodas5P and Rodas4 manage it,
     * Rosenbrock23 (order 2) leaves an error at t = 0 that makes the adjoint blow up; that gradient
     * comes out NaN (a failed solve), never silently wrong.
     */
    for ((alg, rtol) in listOf<Pair<OdeAlgorithm, Double>>(Rodas5P() to 1e-8, Rodas4() to 1e-7, Rosenbrock23() to 1e-8, KenCarp4() to 1e-8)) {
        // KenCarp4 (an ESDIRK) gets the stiff adjoints through the same seams; its BacksolveAdjoint is not claimed
        val backsolveWorks = alg !is Rosenbrock23 && alg !is KenCarp4
        test("${alg.name()}: ${if (backsolveWorks) "all six" else "five"} sensitivity methods agree with central differences and with each other on Robertson [0, 100]") {
            val o = SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*saves)
            val methods = if (backsolveWorks) five() + BacksolveAdjoint() else five()
            val grads = methods.associateWith { s -> AD.gradient({ q -> loss(alg, q, o.sensealg(s)) }, logRates).toDoubleArray() }
            println("${alg.name()} rtol $rtol, central differences ${reference.toList()}")
            for ((s, g) in grads) println("  ${s.name()}: ${g.toList()}")
            // the adjoints differentiate the continuous problem, the others the discrete steps: both within the tolerance
            for ((s, g) in grads) for (i in 0..2) withClue("${s.name()} component $i") {
                abs(g[i] - reference[i]) shouldBeLessThan 1e-4 * abs(reference[i])
                for ((s2, g2) in grads) withClue("against ${s2.name()}") { abs(g[i] - g2[i]) shouldBeLessThan 2e-5 * abs(reference[i]) }
            }
            if (alg is Rosenbrock23) {
                val g = AD.gradient({ q -> loss(alg, q, o.sensealg(BacksolveAdjoint())) }, logRates).toDoubleArray()
                g.all { it.isNaN() } shouldBe true
            }
        }
    }

    test("a nonsingular mass matrix: the adjoints integrate Mᵀλ and match ForwardDuals on the ODE form") {
        // M u' = M f(u) has the solution of u' = f(u) for any nonsingular M, so the gradients are the ODE's
        val m = Tensor.of(arrayOf(doubleArrayOf(2.0, 0.5, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.3, 0.0, 1.5)))
        val scaled = OdeFunction { u, p, t -> m.matmul(StiffProblems.robertson.apply(u, p, t)) }
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(1.0, 10.0, 40.0)
        fun l(q: Tensor, s: SensitivityAlgorithm, withMass: Boolean): Tensor {
            val prob = if (withMass) OdeProblem(scaled, Tensor.of(1.0, 0.0, 0.0), 0.0, 40.0, q.exp()).withMassMatrix(m)
            else StiffProblems.robertson(40.0, q.exp())
            return (prob.solve(Rodas5P(), o.sensealg(s)).u() * weights).sum()
        }
        val expected = AD.gradient({ q -> l(q, ForwardDuals(), false) }, logRates).toDoubleArray()
        for (s in listOf(InterpolatingAdjoint(), BacksolveAdjoint(), QuadratureAdjoint(1e-12, 1e-10))) {
            val g = AD.gradient({ q -> l(q, s, true) }, logRates).toDoubleArray()
            println("mass matrix, ${s.name()}: ${g.toList()} (ODE form by ForwardDuals ${expected.toList()})")
            for (i in 0..2) abs(g[i] - expected[i]) shouldBeLessThan 1e-5 * maxOf(1.0, abs(expected[i]))
        }
        // and the gradient with respect to u0 (dL/du0 = Mᵀλ(t0))
        val u0 = Tensor.of(1.0, 0.0, 0.0)
        val p = StiffProblems.robertsonRates
        val gu = AD.gradient({ x -> (OdeProblem(scaled, x, 0.0, 40.0, p).withMassMatrix(m).solve(Rodas5P(), o.sensealg(InterpolatingAdjoint())).u() * weights).sum() }, u0).toDoubleArray()
        val gu0 = AD.gradient({ x -> (OdeProblem(StiffProblems.robertson, x, 0.0, 40.0, p).solve(Rodas5P(), o.sensealg(ForwardDuals())).u() * weights).sum() }, u0).toDoubleArray()
        for (i in 0..2) abs(gu[i] - gu0[i]) shouldBeLessThan 1e-5 * maxOf(1.0, abs(gu0[i]))
    }

    test("a singular mass matrix (a DAE) is refused by the adjoints by name; the default above 100 inputs is then ReverseTape") {
        val dae = OdeFunction { u, p, _ ->
            Tensor.stack(-p[0] * u[0] + p[2] * u[1] * u[2], p[0] * u[0] - p[2] * u[1] * u[2] - p[1] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0)
        }
        val m = Tensor.of(arrayOf(doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.0, 0.0, 0.0)))
        val o = SolveOptions.defaults().saveat(1.0).sensealg(InterpolatingAdjoint())
        val e = shouldThrow<UnsupportedOperationException> {
            AD.gradient({ q -> OdeProblem(dae, Tensor.of(1.0, 0.0, 0.0), 0.0, 1.0, q).withMassMatrix(m).solve(Rodas5P(), o).u().sum() },
                StiffProblems.robertsonRates)
        }
        e.message shouldContain "mass matrix"
        val big = dev.fluxion.diffeq.SolveSpec(OdeProblem(dae, Tensor.of(1.0, 0.0, 0.0), 0.0, 1.0, Tensor.zeros(200)).withMassMatrix(m).term(),
            Tensor.of(1.0, 0.0, 0.0), Tensor.zeros(200), 0.0, 1.0, Rodas5P(), SolveOptions.defaults())
        AutomaticSensitivity().choose(big).name() shouldBe "ReverseTape"
    }

    test("the default above 100 inputs of a stiff solve is the checkpointed InterpolatingAdjoint (sparse blocks on the Brusselator), and it matches ReverseTape") {
        val m = 64
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-8).saveat(0.05, 0.1)
        val w = Tensor.of(*DoubleArray(2 * m) { 1.0 + 0.01 * it })
        fun l(x: Tensor, s: SensitivityAlgorithm?): Tensor {
            val oo = if (s == null) o else o.sensealg(s)
            val sol = OdeProblem(Brusselator.f(m), x, 0.0, 0.1, Brusselator.p).solve(Rodas5P(), oo)
            if (s == null) sol.sensealg()?.name() shouldBe "InterpolatingAdjoint"
            return (sol.u() * w).sum()
        }
        val u0 = Brusselator.u0(m)
        val a = AD.gradient({ x -> l(x, null) }, u0).toDoubleArray()
        val b = AD.gradient({ x -> l(x, ReverseTape()) }, u0).toDoubleArray()
        val diff = a.indices.maxOf { abs(a[it] - b[it]) / maxOf(1.0, abs(b[it])) }
        println("Brusselator 2×$m, dL/du0: default (InterpolatingAdjoint) vs ReverseTape max rel. difference %.1e".format(diff))
        diff shouldBeLessThan 1e-5
    }
})
