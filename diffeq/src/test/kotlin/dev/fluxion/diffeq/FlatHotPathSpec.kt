package dev.fluxion.diffeq

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.ode.BS3
import dev.fluxion.diffeq.ode.DP5
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.RkInterpolant
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern7
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom

/**
 * Issue 15's per-step work on the flat explicit path must not change a bit: the stage arrays a
 * solve reuses between steps when nothing keeps a step (no dense output, no callbacks), the
 * interpolant's padded polynomials and its fused small-state form, the step-size floor decided without Math.ulp, and the rows of
 * a differentiated solve sliced on first use.
 */
class FlatHotPathSpec : FunSpec({
    val lv = OdeProblem(Problems.lotkaVolterra, Tensor.of(1.0, 1.0), 0.0, 10.0, Tensor.of(1.5, 1.0, 3.0, 1.0))
    val lorenz = OdeProblem(Problems.lorenz, Tensor.of(1.0, 0.0, 0.0), 0.0, 20.0, Tensor.of(10.0, 28.0, 8.0 / 3.0))

    test("a solve that reuses its stage arrays saves what a solve that keeps every step saves, bit for bit") {
        // dense output keeps every step, so its stepper never reuses a stage array: the reference
        for ((prob, alg) in listOf(lv, lorenz).flatMap { p -> listOf(Tsit5(), DP5(), Vern7(), Vern9(), BS3()).map { p to it } }) {
            val o = SolveOptions.defaults().rtol(1e-7).atol(1e-7).saveat(0.5)
            val reused = prob.solve(alg, o)
            val kept = prob.solve(alg, o.dense(true))
            withClue("${alg.name()}, ${prob.u0().size()} components") {
                reused.u().toDoubleArray().toList() shouldBe kept.u().toDoubleArray().toList()
                // the same steps (dense output may add one f evaluation: f at t1 for a method without FSAL)
                reused.stats().acceptedSteps() shouldBe kept.stats().acceptedSteps()
                reused.stats().rejectedSteps() shouldBe kept.stats().rejectedSteps()
                // and the kept steps were not overwritten: dense output at the saved times gives the saved states
                for (i in 1 until kept.size() - 1) {
                    val a = kept.at(kept.t()[i]).toDoubleArray()
                    val b = kept.u(i).toDoubleArray()
                    for (j in a.indices) (Math.abs(a[j] - b[j]) <= 1e-9 * (1 + Math.abs(b[j]))) shouldBe true
                }
            }
        }
        val fixed = SolveOptions.defaults().dt(0.01).saveat(0.5)   // not FSAL: every stage but k[0] reused
        lv.solve(RK4(), fixed).u().toDoubleArray().toList() shouldBe lv.solve(RK4(), fixed.dense(true)).u().toDoubleArray().toList()
    }

    test("ForwardDuals' lane system writes into reused stage arrays with the same gradient") {
        val p = Tensor.of(2.2, 1.0, 2.0, 0.4)
        fun gradient(dense: Boolean) = AD.gradient({ q ->
            lv.remake(q).solve(Tsit5(), SolveOptions.defaults().rtol(1e-6).atol(1e-6).saveat(0.1).dense(dense)
                .sensealg(ForwardDuals())).u().minus(1.0).square().sum()
        }, p).toDoubleArray().toList()
        gradient(false) shouldBe gradient(true)
    }

    test("the rows of a differentiated solve are sliced on first use, on the caller's tape") {
        val p = Tensor.of(2.2, 1.0, 2.0, 0.4)
        val o = SolveOptions.defaults().rtol(1e-6).atol(1e-6).saveat(0.1).sensealg(ForwardDuals())
        val byRows = AD.gradient({ q ->
            val sol = lv.remake(q).solve(Tsit5(), o)
            sol.states()[30].sum().plus(sol.u(-1).square().sum())
        }, p)
        val bySeries = AD.gradient({ q ->
            val u = lv.remake(q).solve(Tsit5(), o).u()
            u[30].sum().plus(u[100].square().sum())
        }, p)
        byRows.toDoubleArray().toList() shouldBe bySeries.toDoubleArray().toList()
        // read after the tape has closed: plain values, the series' rows
        var kept: OdeSolution? = null
        AD.gradient({ q -> lv.remake(q).solve(Tsit5(), o).also { kept = it }.u().sum() }, p)
        val sol = kept!!
        for (i in listOf(0, 7, 100)) sol.u(i).toDoubleArray().toList() shouldBe sol.u()[i].toDoubleArray().toList()
    }

    test("padding the interpolant's polynomials to one degree gives each weight's Horner value bit for bit") {
        val rows = arrayOf(doubleArrayOf(1.0), doubleArrayOf(0.0, 0.13, -0.2234), doubleArrayOf(2.5, -3.75, 1.0 / 3.0, -0.1),
            doubleArrayOf(), doubleArrayOf(-0.0, 7.0e-3))
        val interp = RkInterpolant(3, DoubleArray(0), arrayOf(), rows)
        val out = DoubleArray(rows.size)
        val rng = SplittableRandom(15)
        val thetas = listOf(0.0, 1.0, 0.5, 1e-300, 0.9999999999999999) + List(200) { rng.nextDouble() }
        for (theta in thetas) {
            interp.weights(theta, out)
            for (i in rows.indices) {
                var acc = 0.0
                for (m in rows[i].indices.reversed()) acc = (acc + rows[i][m]) * theta
                withClue("row $i at θ = $theta") { out[i].toRawBits() shouldBe acc.toRawBits() }
            }
        }
    }

    test("the fused small-state interpolation gives the weights and the flat stage sum bit for bit") {
        // Tsit5 and DP5 (degree 4, Horner written out), Vern7 and a made-up interpolant with a −0
        // leading coefficient and an empty row (any degree), at two and three components
        val made = RkInterpolant(3, DoubleArray(0), arrayOf(), arrayOf(doubleArrayOf(1.0, -0.5), doubleArrayOf(), doubleArrayOf(0.25, 0.0, -0.0),
            doubleArrayOf(-0.0, 2.0, -1.5)))
        val interps = listOf(Tsit5().tableau().interpolant(), DP5().tableau().interpolant(), Vern7().tableau().interpolant(), made)
        val rng = SplittableRandom(5)
        for (interp in interps) for (n in 2..3) {
            val total = interp.totalStages()
            val w = DoubleArray(total)
            val all = IntArray(total) { it }
            repeat(300) { r ->
                val u = DoubleArray(n) { (rng.nextDouble() - 0.5) * 10 }
                val k = Array(total) { DoubleArray(n) { (rng.nextDouble() - 0.5) * Math.pow(10.0, rng.nextInt(-3, 4).toDouble()) } }
                val theta = when (r) { 0 -> 0.0; 1 -> 1.0; 2 -> 1e-300; else -> rng.nextDouble() }
                val h = if (r == 3) -0.25 else rng.nextDouble() * 0.5
                interp.weights(theta, w)
                val expected = DoubleArray(n)
                FlatStateOps.sum(u, h, w, all, k, expected, n)
                val fused = DoubleArray(n)
                interp.interpolateSmall(theta, h, u, k, fused)
                withClue("${total} stages, n = $n, θ = $theta, h = $h") {
                    fused.map { it.toRawBits() } shouldBe expected.map { it.toRawBits() }
                }
            }
        }
    }

    test("the step-size floor decided without Math.ulp gives the ulp test's verdict") {
        fun reference(h: Double, t: Double, dtmin: Double) = Math.abs(h) < dtmin || Math.abs(h) <= 10.0 * Math.ulp(t) || h == 0.0
        val rng = SplittableRandom(7)
        val ts = listOf(0.0, -0.0, Double.MIN_VALUE, 1e-310, 1.0, -3.5, 1e300, 10.0) + List(300) { (rng.nextDouble() - 0.5) * Math.pow(10.0, rng.nextInt(-320, 300).toDouble()) }
        for (t in ts) {
            val u = Math.ulp(t)
            val hs = listOf(0.0, u, 9 * u, 10 * u, 11 * u, 16 * u, -10 * u, 1e-12, 1.0, Double.MIN_VALUE, Math.scalb(1.0, -48) * Math.abs(t), Math.scalb(1.0, -48) * Math.abs(t) * 1.0000001) +
                List(20) { (rng.nextDouble() - 0.5) * Math.abs(t) * Math.pow(10.0, rng.nextInt(-18, 0).toDouble()) }
            for (h in hs) for (dtmin in listOf(0.0, 1e-14)) {
                withClue("h = $h, t = $t, dtmin = $dtmin") { Integrator.tooSmall(h, t, dtmin) shouldBe reference(h, t, dtmin) }
            }
        }
    }

    test("a saved time within 100 ulp of a step's end, decided without Math.ulp, gives the ulp test's verdict") {
        val rng = SplittableRandom(11)
        val ends = listOf(0.0, Double.MIN_VALUE, 1e-310, 0.1, 1.0, 10.0, -7.25, 1e300) + List(300) { (rng.nextDouble() - 0.5) * Math.pow(10.0, rng.nextInt(-320, 300).toDouble()) }
        for (tnew in ends) {
            val u = Math.ulp(tnew)
            for (d in listOf(0.0, u, 99 * u, 100 * u, 101 * u, 128 * u, Math.scalb(1.0, -45) * Math.abs(tnew), 1e-9, 0.5) + List(20) { rng.nextDouble() * 200 * u }) {
                for (tau in listOf(tnew + d, tnew - d)) {
                    withClue("tau = $tau, tnew = $tnew") { SaveSchedule.withinUlps(tau, tnew) shouldBe (Math.abs(tau - tnew) <= 100 * Math.ulp(tnew)) }
                }
            }
        }
    }
})
