package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.ErrorNorm
import dev.fluxion.diffeq.FlatStateOps
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.Solve
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.rows
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlin.math.abs
import kotlin.math.sin

/**
 * The flat plan's Rosenbrock stepper (FlatRosenbrockStepper: one array of increments, fused stage
 * sums, reciprocal-pivot solves, ∂f/∂t skipped when f ignores t) against the generic
 * RosenbrockStepper run on the same flat arithmetic: the same scheme, so the same steps and the
 * same numbers up to rounding.
 */
class FlatRosenbrockSpec : FunSpec({
    val methods = listOf(Rosenbrock23(), Rodas4(), Rodas5P())

    /** prob solved by alg on the flat plan, with the flat stepper (flat = true) or the generic one. */
    fun solve(prob: OdeProblem, alg: RosenbrockAlgorithm, o: SolveOptions, flat: Boolean): OdeSolution {
        val cf = prob.term().compiled(prob.u0(), prob.p())
        val ops = FlatStateOps.of(cf, prob.p(), prob.u0().shape())
        val mass = prob.term().checkMass(prob.u0().shape())
        val stepper = if (flat) alg.stepper(ops, mass) else RosenbrockStepper(alg.tableau(), ops, alg.controller(), mass)
        if (flat) stepper.shouldBeInstanceOf<FlatRosenbrockStepper>()
        val x0 = prob.u0().toDoubleArray()
        val t = prob.tspan()
        return Solve.run(stepper, x0, ops.eval(x0, t[0].item()), alg, t[0].item(), t[1].item(), o, ErrorNorm.of(o, prob.u0()))
    }

    fun agree(a: OdeSolution, b: OdeSolution, tol: Double) {
        a.retcode() shouldBe ReturnCode.SUCCESS
        b.retcode() shouldBe ReturnCode.SUCCESS
        a.stats().acceptedSteps() shouldBe b.stats().acceptedSteps()
        a.stats().rejectedSteps() shouldBe b.stats().rejectedSteps()
        a.t().toList() shouldBe b.t().toList()
        val x = a.u().rows()
        val y = b.u().rows()
        for (i in x.indices) for (j in x[i].indices) abs(x[i][j] - y[i][j]) shouldBeLessThan tol * (abs(y[i][j]) + 1e-12)
    }

    for (alg in methods) {
        test("${alg.name()}: the flat stepper takes the generic stepper's steps on Robertson and gives its values to rounding") {
            val o = SolveOptions.defaults().rtol(1e-6).atol(1e-10).saveat(1e-4, 1.0, 100.0, 1e4, 1e5)
            val flat = solve(StiffProblems.robertson(), alg, o, true)
            agree(flat, solve(StiffProblems.robertson(), alg, o, false), 1e-9)
            // work counters: one Jacobian per point stepped from, one solve per stage per attempt
            val st = flat.stats()
            st.jacobianEvaluations() shouldBe st.acceptedSteps()
            st.linearSolves() shouldBe alg.tableau().stages() * (st.acceptedSteps() + st.rejectedSteps())
        }

        test("${alg.name()}: with fixed steps, flat and generic steppers agree to 1e-11 on a non-autonomous problem (∂f/∂t), a mass matrix and interpolated saves") {
            // fixed steps: no step-size controller to turn rounding differences into other step sequences
            val pr = OdeFunction { u, _, t -> (u - t.sin()) * -1000.0 + t.cos() }
            val prob = OdeProblem(pr, Tensor.of(0.0), 0.0, 2.0)
            val o = SolveOptions.defaults().dt(0.01).adaptive(false).saveat(0.5, 1.0, 1.5, 2.0)
            val flat = solve(prob, alg, o, true)
            agree(flat, solve(prob, alg, o, false), 1e-11)
            flat.t().indices.maxOf { abs(flat.u(it).item() - sin(flat.t()[it])) } shouldBeLessThan 1e-4

            val dae = OdeFunction { u, p, _ ->
                Tensor.stack(-p[0] * u[0] + p[2] * u[1] * u[2], p[0] * u[0] - p[2] * u[1] * u[2] - p[1] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0)
            }
            val m = Tensor.of(arrayOf(doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.0, 0.0, 0.0)))
            val daeProb = OdeProblem(dae, Tensor.of(1.0, 0.0, 0.0), 0.0, 0.1, StiffProblems.robertsonRates).withMassMatrix(m)
            val daeO = SolveOptions.defaults().dt(1e-4).adaptive(false).saveat(0.01, 0.05, 0.1)
            agree(solve(daeProb, alg, daeO, true), solve(daeProb, alg, daeO, false), 1e-11)

            // save points inside steps: the dense output of each stepper
            val inside = SolveOptions.defaults().dt(1e-4).adaptive(false).saveat(0.00303, 0.00707, 0.05001, 0.09991)
            agree(solve(StiffProblems.robertson(0.1), alg, inside, true), solve(StiffProblems.robertson(0.1), alg, inside, false), 1e-11)
        }
    }

    test("above the direct size (n = 24 > 16) the flat stepper solves through the Jacobian's own factorisation, with the generic stepper's steps") {
        // a stiff diffusion chain u_i' = 100 (u_{i-1} - 2 u_i + u_{i+1}) - u_i^3 with fixed ends
        val n = 24
        val lap = Tensor.of(Array(n) { i -> DoubleArray(n) { j -> if (i == j) -200.0 else if (abs(i - j) == 1) 100.0 else 0.0 } })
        val f = OdeFunction { u, _, _ -> lap.matmul(u) - u * u * u }
        val prob = OdeProblem(f, Tensor.of(*DoubleArray(n) { sin(3.0 * (it + 1) / (n + 1)) }), 0.0, 1.0)
        val o = SolveOptions.defaults().rtol(1e-6).atol(1e-9).saveat(0.1, 0.5, 1.0)
        for (alg in methods) agree(solve(prob, alg, o, true), solve(prob, alg, o, false), 1e-9)
    }

    test("an autonomous compiled f is known not to read t (no ∂f/∂t per step); a non-autonomous one is") {
        val rober = StiffProblems.robertson()
        FlatStateOps.of(rober.term().compiled(rober.u0(), rober.p()), rober.p(), rober.u0().shape()).readsTime() shouldBe false
        val pr = OdeProblem({ u, _, t -> (u - t.sin()) * -1000.0 + t.cos() }, Tensor.of(0.0), 0.0, 2.0)
        FlatStateOps.of(pr.term().compiled(pr.u0(), pr.p()), pr.p(), pr.u0().shape()).readsTime() shouldBe true
    }
})
