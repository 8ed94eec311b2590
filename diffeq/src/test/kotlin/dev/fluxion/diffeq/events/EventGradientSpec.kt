package dev.fluxion.diffeq.events

import dev.fluxion.autodiff.AD
import dev.fluxion.autodiff.TensorFunction
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.max

/**
 * Gradients through events against analytic derivatives (the bouncing ball's closed form,
 * differentiated by AD) and finite differences: the event time's implicit-function-theorem
 * derivative must reach the loss on the reverse tape, in dual lanes, and through the continuous
 * adjoints' jumps at events.
 */
class EventGradientSpec : FunSpec({
    val tight = SolveOptions.defaults().rtol(1e-11).atol(1e-11)
    val theta = Tensor.of(1.0, 9.81, 0.8)   // h0, g, e
    val methods: List<SensitivityAlgorithm> = listOf(ReverseTape(), ForwardDuals(), InterpolatingAdjoint(), BacksolveAdjoint(),
        QuadratureAdjoint())
    val bounce = ContinuousCallback(Ball.height, Ball.bounce, Direction.DOWN)

    fun solveBall(q: Tensor, t1: Double, opts: SolveOptions) =
        Ball.problem(q.get(0), q.get(1), q.get(2), t1).solve(Tsit5(), opts)

    fun close(what: String, got: Tensor, want: Tensor, tol: Double) {
        val g = got.toDoubleArray()
        val w = want.toDoubleArray()
        if (System.getenv("EVENTS_REPORT") != null) println("REPORT $what: max rel err " + g.indices.maxOf { abs(g[it] - w[it]) / max(1.0, abs(w[it])) })
        for (i in g.indices) withClue("$what[$i]: got ${g.toList()}, want ${w.toList()}") {
            abs(g[i] - w[i]) shouldBeLessThan tol * max(1.0, abs(w[i]))
        }
    }

    // closed forms in tensor ops, differentiated by AD: the analytic derivatives
    fun t1Of(q: Tensor): Tensor = q.get(0).times(2.0).div(q.get(1)).sqrt()
    fun bounceTimeOf(k: Int, q: Tensor): Tensor {
        var s = Tensor.scalar(1.0)
        var ek = Tensor.scalar(1.0)
        for (i in 1 until k) {
            ek = ek.times(q.get(2))
            s = s.plus(ek.times(2.0))
        }
        return t1Of(q).times(s)
    }
    fun afterFirstOf(T: Double, q: Tensor, component: Int): Tensor {
        val g = q.get(1)
        val s = t1Of(q).unaryMinus().plus(T)
        val w = q.get(2).times(g.times(q.get(0)).times(2.0).sqrt())
        return if (component == 0) w.times(s).minus(g.times(0.5).times(s).times(s)) else w.minus(g.times(s))
    }

    test("the first bounce time of a terminating event: gradient by every method against √(2h0/g)") {
        val stop = ContinuousCallback.terminating(Ball.height, Direction.DOWN)
        val want = AD.gradient(TensorFunction { q -> t1Of(q) }, theta)
        for (m in methods) {
            val got = AD.gradient(TensorFunction { q -> solveBall(q, 2.0, tight.callback(stop).sensealg(m)).last().get(2) }, theta)
            close("dt1/dθ by $m", got, want, 1e-10)
        }
    }

    test("forward mode (AD.jacobian: dual lanes straight through the tensor plan) gives the same event-time derivative") {
        val stop = ContinuousCallback.terminating(Ball.height, Direction.DOWN)
        val want = AD.gradient(TensorFunction { q -> t1Of(q) }, theta)
        val j = AD.jacobian(TensorFunction { q -> solveBall(q, 2.0, tight.callback(stop)).last().get(2).reshape(1) }, theta)
        close("dt1/dθ by AD.jacobian", j.reshape(3), want, 1e-10)
    }

    test("the height and velocity at T after the first bounce: gradients with respect to h0, g and e, every method") {
        val T = 0.9
        for (c in 0..1) {
            val want = AD.gradient(TensorFunction { q -> afterFirstOf(T, q, c) }, theta)
            for (m in methods) {
                val got = AD.gradient(TensorFunction { q -> solveBall(q, T, tight.callback(bounce).sensealg(m)).last().get(c) }, theta)
                close("d u$c(T)/dθ by $m", got, want, 1e-10)
            }
        }
    }

    test("the time of the k-th bounce (k = 1, 2, 3) from the saved state before each jump, every method") {
        for (m in methods) {
            for (k in 1..3) {
                val want = AD.gradient(TensorFunction { q -> bounceTimeOf(k, q) }, theta)
                val got = AD.gradient(TensorFunction { q ->
                    val sol = solveBall(q, 2.0, tight.callback(bounce).sensealg(m))
                    val ts = sol.t()
                    val i = ts.indices.filter { it + 1 < ts.size && ts[it] == ts[it + 1] }[k - 1]
                    sol.u(i).get(2)
                }, theta)
                close("dt$k/dθ by $m", got, want, 1e-10)
            }
        }
    }

    test("a nonlinear case (a damped pendulum kicked when its angle crosses a p-dependent level; final state and a saveat series) against central finite differences") {
        val f = OdeFunction { u, p, _ -> Tensor.stack(u.get(1), u.get(0).sin().times(p.get(0)).unaryMinus().minus(u.get(1).times(0.1))) }
        val cond = EventFunction { u, p, _ -> u.get(0).sin().minus(p.get(2).times(0.2)) }
        val kick = EventFunction { u, p, _ -> Tensor.stack(u.get(0), u.get(1).times(p.get(1))) }
        val cb = ContinuousCallback(cond, kick, Direction.DOWN)
        val p0 = Tensor.of(2.0, 0.7, 0.5)
        val u0 = Tensor.of(1.0, 0.0)
        fun loss(q: Tensor, opts: SolveOptions): Tensor {
            val sol = OdeProblem(f, u0, 0.0, 6.0, q).solve(Tsit5(), opts.callback(cb))
            val series = OdeProblem(f, u0, 0.0, 6.0, q).solve(Tsit5(), opts.saveat(0.5).callback(cb)).u()
            return sol.last().times(Tensor.of(1.0, 0.5)).sum().plus(series.times(series).sum().times(0.1))
        }
        val ts = OdeProblem(f, u0, 0.0, 6.0, p0).solve(Tsit5(), tight.callback(cb)).t()
        (ts.indices.count { it + 1 < ts.size && ts[it] == ts[it + 1] } >= 2) shouldBe true   // it does kick, more than once
        val fd = DoubleArray(3) { j ->
            val h = 1e-6
            val e = DoubleArray(3).also { it[j] = h }
            val up = loss(p0.plus(Tensor.of(*e)), tight).item()
            val dn = loss(p0.minus(Tensor.of(*e)), tight).item()
            (up - dn) / (2 * h)
        }
        for (m in methods) {
            val got = AD.gradient(TensorFunction { q -> loss(q, tight.sensealg(m)) }, p0)
            close("nonlinear by $m", got, Tensor.of(*fd), 1e-5)
        }
    }

    test("a nonlinear affect: Lotka–Volterra harvested where the prey crosses a p-dependent level (x ← x·e^(−p₃·y), y ← √y), every method against central finite differences") {
        val f = OdeFunction { u, p, _ ->
            val x = u.get(0)
            val y = u.get(1)
            Tensor.stack(x.times(p.get(0)).minus(x.times(y)), x.times(y).minus(y.times(p.get(1))))
        }
        val harvest = ContinuousCallback({ u, p, _ -> u.get(0).minus(p.get(2)) },
            { u, p, _ -> Tensor.stack(u.get(0).times(u.get(1).times(p.get(3)).unaryMinus().exp()), u.get(1).sqrt()) }, Direction.UP)
        val p0 = Tensor.of(1.5, 1.0, 1.3, 0.3)
        val u0 = Tensor.of(0.5, 1.0)
        fun loss(q: Tensor, opts: SolveOptions): Tensor {
            val prob = OdeProblem(f, u0, 0.0, 8.0, q)
            val series = prob.solve(Tsit5(), opts.saveat(0.5).callback(harvest)).u()
            return prob.solve(Tsit5(), opts.callback(harvest)).last().times(Tensor.of(1.0, 0.5)).sum().plus(series.times(series).sum().times(0.1))
        }
        val ts = OdeProblem(f, u0, 0.0, 8.0, p0).solve(Tsit5(), tight.callback(harvest)).t()
        ts.indices.count { it + 1 < ts.size && ts[it] == ts[it + 1] } shouldBe 9
        val fd = DoubleArray(4) { j ->
            val e = DoubleArray(4).also { it[j] = 1e-6 }
            (loss(p0.plus(Tensor.of(*e)), tight).item() - loss(p0.minus(Tensor.of(*e)), tight).item()) / 2e-6
        }
        for (m in methods) close("harvested LV by $m", AD.gradient(TensorFunction { q -> loss(q, tight.sensealg(m)) }, p0), Tensor.of(*fd), 1e-6)
    }

    test("doses at preset times with the dose and the elimination rate as parameters: gradient against the closed form, every method") {
        val decay = OdeFunction { u, p, _ -> u.times(p.get(0)).unaryMinus() }
        val dose = PresetTimeCallback(doubleArrayOf(1.0, 2.0)) { u, p, _ -> u.plus(p.get(1)) }
        val p0 = Tensor.of(0.7, 0.3)
        val want = AD.gradient(TensorFunction { q ->
            val d = q.get(0).unaryMinus().exp()
            d.plus(q.get(1)).times(d).plus(q.get(1)).times(d)
        }, p0)
        for (m in methods) {
            val got = AD.gradient(TensorFunction { q ->
                OdeProblem(decay, Tensor.of(1.0), 0.0, 3.0, q).solve(Tsit5(), tight.callback(dose).sensealg(m)).last().sum()
            }, p0)
            close("dosing by $m", got, want, 1e-8)
        }
    }
})
