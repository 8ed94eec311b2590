package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.Convergence
import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeAlgorithm
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
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.cos
import kotlin.math.ln
import kotlin.math.sin

/** The Rosenbrock family: tableau consistency, accuracy on Robertson, convergence orders, both state plans, gradients. */
class RosenbrockSpec : FunSpec({
    val methods = listOf<Pair<OdeAlgorithm, RosenbrockTableau>>(
        Rosenbrock23() to RosenbrockTableaus.ROSENBROCK23,
        Rodas4() to RosenbrockTableaus.RODAS4,
        Rodas5P() to RosenbrockTableaus.RODAS5P)

    /** The transformed tableau back in Hairer–Wanner's (α, Γ) form: Γ⁻¹ = diag(1/γ) − C, α = aΓ, b = mΓ. */
    fun original(t: RosenbrockTableau): Triple<Array<DoubleArray>, Array<DoubleArray>, DoubleArray> {
        val s = t.stages()
        val ginv = Array(s) { i -> DoubleArray(s) { j -> if (i == j) 1 / t.gamma() else if (j < i) -t.cCoupling(i, j) else 0.0 } }
        // invert the lower-triangular Γ⁻¹ by forward substitution
        val g = Array(s) { DoubleArray(s) }
        for (j in 0 until s) {
            for (i in j until s) {
                var acc = if (i == j) 1.0 else 0.0
                for (k in j until i) acc -= ginv[i][k] * g[k][j]
                g[i][j] = acc / ginv[i][i]
            }
        }
        val alpha = Array(s) { i -> DoubleArray(s) { j -> (0 until s).sumOf { k -> t.a(i, k) * g[k][j] } } }
        val b = DoubleArray(s) { j -> (0 until s).sumOf { k -> t.m(k) * g[k][j] } }
        return Triple(alpha, g, b)
    }

    for (t in listOf(RosenbrockTableaus.RODAS4, RosenbrockTableaus.RODAS5P)) {
        test("${t.name()}: c and d are the row sums of α and Γ, and the order conditions up to 4 hold (Hairer–Wanner IV, Table 7.1)") {
            val s = t.stages()
            val (al, g, b) = original(t)
            val gm = t.gamma()
            for (i in 0 until s) {
                al[i].sum() shouldBe (t.c(i) plusOrMinus 1e-10)
                g[i].sum() shouldBe (t.d(i) plusOrMinus 1e-10)
            }
            val beta = Array(s) { i -> DoubleArray(s) { j -> if (j < i) al[i][j] + g[i][j] else 0.0 } }
            val bp = DoubleArray(s) { beta[it].sum() }
            val a = DoubleArray(s) { al[it].sum() }
            fun sum(f: (Int) -> Double) = (0 until s).sumOf(f)
            sum { b[it] } shouldBe (1.0 plusOrMinus 1e-10)
            sum { b[it] * bp[it] } shouldBe (0.5 - gm plusOrMinus 1e-10)
            sum { b[it] * a[it] * a[it] } shouldBe (1.0 / 3 plusOrMinus 1e-10)
            sum { i -> b[i] * sum { k -> beta[i][k] * bp[k] } } shouldBe (1.0 / 6 - gm + gm * gm plusOrMinus 1e-10)
            sum { b[it] * a[it] * a[it] * a[it] } shouldBe (0.25 plusOrMinus 1e-10)
            sum { i -> b[i] * a[i] * sum { j -> al[i][j] * bp[j] } } shouldBe (1.0 / 8 - gm / 3 plusOrMinus 1e-10)
            sum { i -> b[i] * sum { j -> beta[i][j] * a[j] * a[j] } } shouldBe (1.0 / 12 - gm / 3 plusOrMinus 1e-10)
            sum { i -> b[i] * sum { j -> beta[i][j] * sum { k -> beta[j][k] * bp[k] } } } shouldBe
                (1.0 / 24 - gm / 2 + 1.5 * gm * gm - gm * gm * gm plusOrMinus 1e-10)
        }
    }

    for ((_, t) in methods) {
        test("${t.name()}: the dense output starts at u and ends at u_new") {
            val w = DoubleArray(t.stages() + 2)
            t.dense().weights(0.0, w)
            w[0] shouldBe (1.0 plusOrMinus 1e-14)
            (1 until w.size).forEach { abs(w[it]) shouldBeLessThan 1e-14 }
            t.dense().weights(1.0, w)
            // u_new = u + Σ m_j k_j: the weights at θ = 1 are those of u_new, written either way
            val viaUnew = w[1]
            (w[0] + viaUnew) shouldBe (1.0 plusOrMinus 1e-12)
            for (j in 0 until t.stages()) (w[2 + j] + viaUnew * t.m(j)) shouldBe (t.m(j) plusOrMinus 1e-9)
        }
    }

    val ref = Reference.load("rober.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()
    // rtol per method, and the error each must reach: Rosenbrock23 is order 2, so its global error
    // relative to the smallest value in the file (u3 = 1.6e-8 at t = 1e-4, near atol) stays near 1e-3 even at rtol 1e-8
    val tolerances = mapOf("Rosenbrock23" to 1e-8, "Rodas4" to 1e-10, "Rodas5P" to 1e-10)
    val required = mapOf("Rosenbrock23" to 2e-3, "Rodas4" to 1e-6, "Rodas5P" to 1e-6)

    for ((alg, _) in methods) {
        test("${alg.name()} matches rober.json on [0, 1e5] at tight tolerance") {
            val rtol = tolerances.getValue(alg.name())
            val start = System.nanoTime()
            val sol = StiffProblems.robertson().solve(alg, SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*refT))
            val ms = (System.nanoTime() - start) / 1e6
            sol.retcode() shouldBe ReturnCode.SUCCESS
            val got = sol.u().rows()
            // error of each species relative to its own scale (u2 lives near 1e-5 .. 1e-8)
            val perSpecies = DoubleArray(3) { j -> refT.indices.maxOf { i -> abs(got[i][j] - refU[i][j]) / (abs(refU[i][j]) + 1e-12) } }
            println("${alg.name()} rober rtol=$rtol: max relative error per species %s, %s, %.1f ms"
                .format(perSpecies.map { "%.2e".format(it) }, sol.stats(), ms))
            perSpecies.max() shouldBeLessThan required.getValue(alg.name())
            sol.stats().acceptedSteps() shouldBeLessThan 10000
        }
    }

    test("Tsit5 on Robertson [0, 1e5] ends with MAX_ITERS quickly, and says so") {
        val start = System.nanoTime()
        val sol = StiffProblems.robertson().solve(Tsit5(), SolveOptions.defaults().maxiters(2000))
        sol.retcode() shouldBe ReturnCode.MAX_ITERS
        sol.t().last() shouldBeLessThan 1e4
        ((System.nanoTime() - start) / 1e9) shouldBeLessThan 5.0
    }

    // (span, step counts) per method, where the error is asymptotic, the stiff mode is damped (L-stability) and the
    // error is above roundoff: Rodas5P's error constant is so small that it needs a longer span (relative error at T)
    val orderSteps = mapOf("Rosenbrock23" to (1.0 to listOf(40, 80, 160, 320)), "Rodas4" to (1.0 to listOf(10, 20, 40, 80)),
        "Rodas5P" to (10.0 to listOf(10, 14, 20, 28, 40)))
    for ((alg, t) in methods) {
        test("${alg.name()} converges at order ${t.order()} ± 0.3 on the stiff linear problem (eigenvalues −1, −1000)") {
            val (t1, steps) = orderSteps.getValue(alg.name())
            val prob = OdeProblem(StiffProblems.linear, StiffProblems.linearU0, 0.0, t1)
            val exact = StiffProblems.linearExact(t1)
            val scale = (0..1).maxOf { abs(exact[it]) }
            val errors = steps.map { n ->
                val u = prob.solve(alg, SolveOptions.defaults().dt(t1 / n).adaptive(false)).u(-1).toDoubleArray()
                (0..1).maxOf { abs(u[it] - exact[it]) } / scale
            }
            val slope = Convergence.order(steps.map { t1 / it }, errors)
            println("${alg.name()}: errors ${errors.map { "%.2e".format(it) }}, measured order %.2f".format(slope))
            slope shouldBe (t.order().toDouble() plusOrMinus 0.3)
        }
    }

    for ((alg, _) in methods) {
        test("${alg.name()}: a non-autonomous stiff problem (Prothero–Robinson) through ∂f/∂t, on both plans") {
            val f = dev.fluxion.diffeq.OdeFunction { u, _, t -> (u - t.sin()) * -1000.0 + t.cos() }
            val prob = OdeProblem(f, Tensor.of(0.0), 0.0, 2.0)
            for (compile in listOf(true, false)) {
                val sol = prob.solve(alg, SolveOptions.defaults().rtol(1e-8).atol(1e-10).saveat(0.5, 1.0, 1.5, 2.0).compile(compile))
                sol.retcode() shouldBe ReturnCode.SUCCESS
                val err = sol.t().indices.maxOf { abs(sol.u(it).item() - sin(sol.t()[it])) }
                err shouldBeLessThan 1e-6
            }
        }
    }

    test("integration backwards in time (t1 < t0) and the dense output inside steps") {
        for ((alg, _) in methods) {
            // (a stiff problem is unstable backwards, so this one is not stiff: u' = −2u + t from t = 1 to 0)
            val back = OdeProblem({ u, _, t -> u * -2.0 + t }, Tensor.of(1.0), 1.0, 0.0)
                .solve(alg, SolveOptions.defaults().rtol(1e-9).atol(1e-12)).u(-1).item()
            // u = C e^{−2t} + t/2 − 1/4 with u(1) = 1
            val c = (1.0 - 0.25) * kotlin.math.exp(2.0)
            abs(back - (c - 0.25)) shouldBeLessThan 1e-5   // Rosenbrock23, order 2: 2.4e-6 after 864 steps; the Rodas methods 1e-9 or better
            val f = dev.fluxion.diffeq.OdeFunction { u, _, t -> (u - t.sin()) * -1000.0 + t.cos() }
            val sol = OdeProblem(f, Tensor.of(0.0), 0.0, 2.0).solve(alg, SolveOptions.defaults().rtol(1e-8).atol(1e-10).dense(true))
            val worst = (1..39).maxOf { i -> abs(sol.at(i * 0.05).item() - sin(i * 0.05)) }
            println("${alg.name()}: dense output error %.1e".format(worst))
            worst shouldBeLessThan 1e-5
        }
    }

    test("the flat plan (compiled J) and the tensor plan (AD.jacobian, differentiable LU) agree on Robertson") {
        for ((alg, _) in methods) {
            val o = SolveOptions.defaults().rtol(1e-6).atol(1e-10).saveat(1.0, 100.0, 1e4)
            val flat = StiffProblems.robertson(1e4).solve(alg, o).u().toDoubleArray()
            val tensor = StiffProblems.robertson(1e4).solve(alg, o.compile(false)).u().toDoubleArray()
            flat.indices.maxOf { abs(flat[it] - tensor[it]) / (abs(flat[it]) + 1e-12) } shouldBeLessThan 1e-8
        }
    }

    test("a gradient through a Rodas5P solve on a tape (ReverseTape: J and the LU solves are differentiable ops) agrees with central differences") {
        val u0 = Tensor.of(1.0, 0.0, 0.0)
        val logRates = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
        fun loss(q: Tensor, o: SolveOptions): Tensor {
            val sol = OdeProblem(StiffProblems.robertson, u0, 0.0, 40.0, q.exp()).solve(Rodas5P(), o)
            return (sol.u() * Tensor.of(1.0, 1e4, 1.0)).sum()
        }
        val o = SolveOptions.defaults().rtol(1e-10).atol(1e-14).saveat(1.0, 10.0, 40.0)
        val g = AD.gradient({ q -> loss(q, o.sensealg(ReverseTape())) }, logRates).toDoubleArray()
        val h = 1e-5
        for (i in 0..2) {
            val e = DoubleArray(3).also { it[i] = h }
            val fd = (loss(logRates + Tensor.of(*e), o).item() - loss(logRates - Tensor.of(*e), o).item()) / (2 * h)
            println("d loss / d log k${i + 1}: tape %.8e, central difference %.8e".format(g[i], fd))
            abs(g[i] - fd) shouldBeLessThan 1e-5 * maxOf(1.0, abs(fd))
        }
    }
})
