package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.ErrorNorm
import dev.fluxion.diffeq.FlatStateOps
import dev.fluxion.diffeq.Integrator
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.PIController
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.rows
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs

/** The ESDIRK Newton: J and W reused across stages and steps, mass matrices (Robertson as a DAE), and failures that end in a return code. */
class EsdirkNewtonSpec : FunSpec({
    for (tab in listOf(EsdirkTableaus.KENCARP4, EsdirkTableaus.TRBDF2)) {
        test("${tab.name()}: on Robertson J and W are reused across steps (far fewer Jacobians and factorisations than steps × stages)") {
            val prob = StiffProblems.robertson()
            val ops = FlatStateOps.of(prob.term().compiled(prob.u0(), prob.p()), prob.p(), prob.u0().shape())
            val stepper = EsdirkStepper(tab, ops, PIController.forOrder(tab.order()), null)
            val o = SolveOptions.defaults().rtol(1e-6).atol(1e-10)
            val u0 = prob.u0().toDoubleArray()
            val sol = Integrator.run(stepper, u0, ops.eval(u0, 0.0), 0.0, 1e5, o, ErrorNorm.of(o, prob.u0()), stepper.defaultController())
            sol.retcode() shouldBe ReturnCode.SUCCESS
            val steps = sol.stats().acceptedSteps() + sol.stats().rejectedSteps()
            val solves = steps * (tab.stages() - 1)
            println("${tab.name()} rtol 1e-6: ${sol.stats()}, Jacobians ${stepper.jacobians()}, factorisations ${stepper.factorizations()}, " +
                "Newton iterations ${stepper.newtonIterations()} (%.2f per stage solve), failures ${stepper.newtonFailures()}"
                    .format(stepper.newtonIterations().toDouble() / solves))
            stepper.jacobians() shouldBeLessThan steps / 2
            stepper.factorizations() shouldBeLessThan steps
            stepper.newtonIterations() shouldBeLessThan 4 * solves
        }
    }

    /** Robertson as an index-1 DAE: the third equation is the conservation law 0 = u1 + u2 + u3 − 1. */
    val robertsonDae = OdeFunction { u, p, _ ->
        Tensor.stack(-p[0] * u[0] + p[2] * u[1] * u[2], p[0] * u[0] - p[2] * u[1] * u[2] - p[1] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0)
    }
    val m = Tensor.of(arrayOf(doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.0, 0.0, 0.0)))
    val ref = Reference.load("rober.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()
    for (alg in listOf(KenCarp4(), TRBDF2())) {
        test("${alg.name()}: Robertson as a DAE (M = diag(1, 1, 0)) agrees with the ODE form and rober.json, on both plans") {
            val rtol = if (alg is TRBDF2) 1e-8 else 1e-9
            for (compile in listOf(true, false)) {
                val o = SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*refT).compile(compile)
                val dae = OdeProblem(robertsonDae, Tensor.of(1.0, 0.0, 0.0), 0.0, 1e5, StiffProblems.robertsonRates).withMassMatrix(m).solve(alg, o)
                dae.retcode() shouldBe ReturnCode.SUCCESS
                val ode = StiffProblems.robertson().solve(alg, o)
                val (vsOde, vsRef, constraint) = StiffProblems.daeErrors(dae, ode, refU)
                if (compile) println("${alg.name()} DAE rtol=$rtol: vs ODE form %.2e, vs rober.json %.2e, constraint %.1e, %s"
                    .format(vsOde, vsRef, constraint, dae.stats()))
                constraint shouldBeLessThan 1e-10
                vsOde shouldBeLessThan (if (alg is TRBDF2) 5e-3 else 1e-4)
                vsRef shouldBeLessThan (if (alg is TRBDF2) 5e-3 else 1e-4)
            }
        }
    }

    test("a W that stays singular (M = 0, J = 0) ends with a return code, adaptive or fixed-step, never a hang") {
        val start = System.nanoTime()
        val prob = OdeProblem({ u, _, _ -> u * 0.0 }, Tensor.of(1.0, 2.0), 0.0, 1.0).withMassMatrix(Tensor.zeros(2, 2))
        for (alg in listOf(KenCarp4(), TRBDF2())) {
            prob.solve(alg).retcode().successful().shouldBeFalse()
            prob.solve(alg, SolveOptions.defaults().dt(0.1).adaptive(false)).retcode() shouldBe ReturnCode.UNSTABLE
        }
        ((System.nanoTime() - start) / 1e9) shouldBeLessThan 5.0
    }

    test("a right-hand side that turns NaN (Newton cannot converge) rejects steps down to a return code, never a hang") {
        val f = OdeFunction { u, _, t -> u * -1e4 + (t * -1.0 + 1.0).sqrt() }
        val start = System.nanoTime()
        for (alg in listOf(KenCarp4(), TRBDF2())) {
            for (compile in listOf(true, false)) {
                val sol = OdeProblem(f, Tensor.of(0.0), 0.0, 2.0).solve(alg, SolveOptions.defaults().compile(compile))
                sol.retcode().successful().shouldBeFalse()
                sol.t().last() shouldBeLessThan 1.0 + 1e-9
            }
        }
        ((System.nanoTime() - start) / 1e9) shouldBeLessThan 5.0
    }
})
