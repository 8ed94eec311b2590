package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.rows
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.ln

/** M u' = f(u, p, t) with a constant, possibly singular M, solved by the Rosenbrock methods. */
class MassMatrixSpec : FunSpec({
    /** Robertson as an index-1 DAE: the third equation is the conservation law 0 = u1 + u2 + u3 − 1. */
    val robertsonDae = OdeFunction { u, p, _ ->
        val y1 = u[0]
        val y2 = u[1]
        val y3 = u[2]
        Tensor.stack(-p[0] * y1 + p[2] * y2 * y3, p[0] * y1 - p[2] * y2 * y3 - p[1] * y2 * y2, y1 + y2 + y3 - 1.0)
    }
    val m = Tensor.of(arrayOf(doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.0, 0.0, 0.0)))
    fun dae(t1: Double = 1e5, p: Tensor = StiffProblems.robertsonRates) =
        OdeProblem(robertsonDae, Tensor.of(1.0, 0.0, 0.0), 0.0, t1, p).withMassMatrix(m)

    val ref = Reference.load("rober.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()

    for (alg in listOf(Rosenbrock23(), Rodas4(), Rodas5P())) {
        test("${alg.name()}: Robertson as a DAE (M = diag(1, 1, 0)) agrees with the ODE form and rober.json, on both plans") {
            val rtol = if (alg is Rosenbrock23) 1e-7 else 1e-9
            for (compile in listOf(true, false)) {
                val o = SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*refT).compile(compile)
                val daeSol = dae().solve(alg, o)
                daeSol.retcode() shouldBe ReturnCode.SUCCESS
                val odeSol = StiffProblems.robertson().solve(alg, o)
                val (vsOde, vsRef, constraint) = StiffProblems.daeErrors(daeSol, odeSol, refU)
                if (compile) println("${alg.name()} DAE rtol=$rtol: vs ODE form %.2e, vs rober.json %.2e, constraint %.1e, %s"
                    .format(vsOde, vsRef, constraint, daeSol.stats()))
                constraint shouldBeLessThan 1e-12
                vsOde shouldBeLessThan (if (alg is Rosenbrock23) 1e-2 else 1e-5)
                vsRef shouldBeLessThan (if (alg is Rosenbrock23) 1e-2 else 1e-5)
            }
        }
    }

    test("a regular M: M u' = A u matches u' = M⁻¹A u") {
        val a = Tensor.of(arrayOf(doubleArrayOf(-2.0, 1.0), doubleArrayOf(1.0, -3.0)))
        val mm = Tensor.of(arrayOf(doubleArrayOf(2.0, 1.0), doubleArrayOf(0.0, 1.0)))
        val minvA = Tensor.of(arrayOf(doubleArrayOf(-1.5, 2.0), doubleArrayOf(1.0, -3.0)))   // M⁻¹ = [[0.5, −0.5], [0, 1]]
        val u0 = Tensor.of(1.0, -0.5)
        val o = SolveOptions.defaults().rtol(1e-10).atol(1e-12).saveat(0.5, 1.0, 2.0)
        val withM = OdeProblem({ u, _, _ -> a.matmul(u) }, u0, 0.0, 2.0).withMassMatrix(mm).solve(Rodas5P(), o).u().toDoubleArray()
        val plain = OdeProblem({ u, _, _ -> minvA.matmul(u) }, u0, 0.0, 2.0).solve(Rodas5P(), o).u().toDoubleArray()
        withM.indices.maxOf { abs(withM[it] - plain[it]) } shouldBeLessThan 1e-8
    }

    test("bad input gets a named error: a mass matrix that does not fit the state, a non-square one, a method that cannot take one") {
        val prob = StiffProblems.robertson()
        shouldThrow<IllegalArgumentException> { prob.withMassMatrix(Tensor.eye(2)) }.message shouldContain "mass matrix"
        shouldThrow<IllegalArgumentException> { prob.withMassMatrix(Tensor.zeros(3, 2)) }.message shouldContain "mass matrix"
        shouldThrow<IllegalArgumentException> { prob.withMassMatrix(Tensor.eye(3)).withU0(Tensor.of(1.0, 0.0)).solve(Rodas5P()) }
            .message shouldContain "mass matrix"
        shouldThrow<UnsupportedOperationException> { prob.withMassMatrix(Tensor.eye(3)).solve(Tsit5()) }.message shouldContain "mass matrix"
    }

    test("a W that stays singular (M = 0, J = 0) ends the solve with a return code, adaptive or fixed-step, not a hang") {
        val start = System.nanoTime()
        val prob = OdeProblem({ u, _, _ -> u * 0.0 }, Tensor.of(1.0, 2.0), 0.0, 1.0).withMassMatrix(Tensor.zeros(2, 2))
        prob.solve(Rodas5P()).retcode().successful().shouldBeFalse()
        prob.solve(Rodas5P(), SolveOptions.defaults().dt(0.1).adaptive(false)).retcode() shouldBe ReturnCode.UNSTABLE
        ((System.nanoTime() - start) / 1e9) shouldBeLessThan 5.0
    }

    test("a gradient through the DAE on a tape agrees with the gradient through the ODE form") {
        val logRates = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
        val weights = Tensor.of(1.0, 1e4, 1.0)
        val o = SolveOptions.defaults().rtol(1e-10).atol(1e-14).saveat(1.0, 10.0, 40.0).sensealg(ReverseTape())
        val gDae = AD.gradient({ q -> (dae(40.0, q.exp()).solve(Rodas5P(), o).u() * weights).sum() }, logRates).toDoubleArray()
        val gOde = AD.gradient({ q -> (StiffProblems.robertson(40.0, q.exp()).solve(Rodas5P(), o).u() * weights).sum() }, logRates)
            .toDoubleArray()
        println("DAE gradient ${gDae.toList()}, ODE gradient ${gOde.toList()}")
        for (i in 0..2) abs(gDae[i] - gOde[i]) shouldBeLessThan 1e-6 * maxOf(1.0, abs(gOde[i]))
    }
})
