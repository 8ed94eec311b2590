package dev.fluxion.diffeq.events

import dev.fluxion.diffeq.Callback
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.exp

/** Callbacks on primal solves: location, saving around jumps, stops, edge cases and errors. */
class EventsSpec : FunSpec({
    val tight = SolveOptions.defaults().rtol(1e-10).atol(1e-10)
    val (h0, g, e) = Triple(1.0, 9.81, 0.8)
    val bouncing = ContinuousCallback(Ball.height, Ball.bounce, Direction.DOWN).named("bounce")

    test("the bouncing ball: bounce times located on the interpolant, both states saved at each, the solve continues from the new one") {
        val sol = Ball.problem(h0, g, e, 2.0).solve(Tsit5(), tight.callback(bouncing))
        sol.retcode() shouldBe ReturnCode.SUCCESS
        val ts = sol.t()
        val events = ts.indices.filter { it + 1 < ts.size && ts[it] == ts[it + 1] }
        events.size shouldBe 3
        for ((k, i) in events.withIndex()) {
            abs(ts[i] - Ball.bounceTime(k + 1, h0, g, e)) shouldBeLessThan 1e-9
            val before = sol.u(i).toDoubleArray()
            val after = sol.u(i + 1).toDoubleArray()
            abs(before[0]) shouldBeLessThan 1e-9
            (before[1] < 0) shouldBe true
            after[1] shouldBe -e * before[1]
            before[2] shouldBe after[2]
        }
        // the dense output holds each step up to its event: right after a bounce the ball rises
        val t1 = ts[events[0]]
        (sol.at(t1 + 1e-3).toDoubleArray()[1] > 0) shouldBe true
        abs(sol.at(0.9).toDoubleArray()[0] - Ball.afterFirst(0.9, h0, g, e)[0]) shouldBeLessThan 1e-8
        sol.at(t1).toDoubleArray()[1] shouldBe sol.u(events[0]).toDoubleArray()[1]   // the step ending at t* holds the state before
    }

    test("saveat grids stay as asked: no event points, and grid points after an event are those of the new trajectory") {
        val sol = Ball.problem(h0, g, e, 0.9).solve(Tsit5(), tight.saveat(0.1).callback(bouncing))
        withClue(sol.t().toList()) { sol.t().size shouldBe 10 }
        for ((i, t) in sol.t().withIndex()) {
            abs(t - 0.1 * i) shouldBeLessThan 1e-12
            val x = sol.u(i).toDoubleArray()[0]
            val want = if (t < Ball.bounceTime(1, h0, g, e)) h0 - g / 2 * t * t else Ball.afterFirst(t, h0, g, e)[0]
            abs(x - want) shouldBeLessThan 1e-8
        }
    }

    test("a terminating event ends the solve at the crossing with TERMINATED, its state saved last") {
        val stop = ContinuousCallback.terminating(Ball.height, Direction.DOWN)
        for (opts in listOf(tight, tight.saveat(0.1))) {
            val sol = Ball.problem(h0, g, e, 2.0).solve(Tsit5(), opts.callback(stop))
            sol.retcode() shouldBe ReturnCode.TERMINATED
            abs(sol.t().last() - Ball.bounceTime(1, h0, g, e)) shouldBeLessThan 1e-9
            abs(sol.last().toDoubleArray()[0]) shouldBeLessThan 1e-9
        }
    }

    test("direction: an UP callback ignores down-crossings; an event at t0 is ignored unless the condition moves away and comes back") {
        // launched upwards from the ground: height is 0 at t0, positive, then crosses down at 2·v0/g
        val launch = OdeProblem(Ball.f, Tensor.of(0.0, 3.0, 0.0), 0.0, 1.0, Tensor.of(g, e))
        val stop = ContinuousCallback.terminating(Ball.height)
        val sol = launch.solve(Tsit5(), tight.callback(stop))
        sol.retcode() shouldBe ReturnCode.TERMINATED
        abs(sol.t().last() - 2 * 3.0 / g) shouldBeLessThan 1e-9
        val up = ContinuousCallback.terminating(Ball.height, Direction.UP)
        launch.solve(Tsit5(), tight.callback(up)).retcode() shouldBe ReturnCode.SUCCESS
    }

    test("a condition that touches zero without crossing does not fire; one that crosses fires once") {
        val clock = OdeProblem(OdeFunction { u, _, _ -> Tensor.of(1.0).plus(u.times(0.0)) }, Tensor.of(0.0), 0.0, 3.0, Tensor.of(0.0))
        var fired = 0
        val count = EventFunction { u, _, _ -> fired++; u }
        val touch = ContinuousCallback({ _, _, t -> t.minus(1.0).times(t.minus(1.0)) }, count)
        clock.solve(Tsit5(), SolveOptions.defaults().callback(touch)).retcode() shouldBe ReturnCode.SUCCESS
        fired shouldBe 0
        val cross = ContinuousCallback({ _, _, t -> t.minus(1.0) }, count)
        val sol = clock.solve(Tsit5(), SolveOptions.defaults().callback(cross))
        fired shouldBe 1
        val i = sol.t().indexOfFirst { abs(it - 1.0) < 1e-12 }
        abs(sol.t()[i] - 1.0) shouldBeLessThan 4 * Math.ulp(1.0)
    }

    test("two events in one step: the first wins and the second is found by the next step (one vector callback, or two callbacks)") {
        val clock = OdeProblem(OdeFunction { u, _, _ -> Tensor.of(1.0).plus(u.times(0.0)) }, Tensor.of(0.0), 0.0, 3.0, Tensor.of(0.0))
        val seen = mutableListOf<Pair<Double, Int>>()
        val vector = VectorContinuousCallback({ _, _, t -> Tensor.stack(t.minus(1.0001), t.minus(1.0)) },
            VectorAffect { u, _, t, i -> seen += t.item() to i; u })
        val sol = clock.solve(Tsit5(), SolveOptions.defaults().callback(vector))
        (sol.stats().acceptedSteps() < 10) shouldBe true   // steps far longer than 1e-4: both crossings fall in one
        seen.map { it.second } shouldBe listOf(1, 0)
        abs(seen[0].first - 1.0) shouldBeLessThan 1e-12
        abs(seen[1].first - 1.0001) shouldBeLessThan 1e-12
        seen.clear()
        val a = ContinuousCallback({ _, _, t -> t.minus(1.0001) }, { u, _, t -> seen += t.item() to 0; u })
        val b = ContinuousCallback({ _, _, t -> t.minus(1.0) }, { u, _, t -> seen += t.item() to 1; u })
        clock.solve(Tsit5(), SolveOptions.defaults().callback(a, b))
        seen.map { it.second } shouldBe listOf(1, 0)
    }

    test("PresetTimeCallback doses at given times: they become stops, both states are saved, the result is exact") {
        val k = 0.7
        val decay = OdeProblem(OdeFunction { u, p, _ -> u.times(p.get(0)).unaryMinus() }, Tensor.of(1.0), 0.0, 3.0, Tensor.of(k))
        val dose = PresetTimeCallback(doubleArrayOf(1.0, 2.0)) { u, _, _ -> u.plus(1.0) }
        val sol = decay.solve(Tsit5(), tight.callback(dose))
        sol.t().count { it == 1.0 } shouldBe 2
        sol.t().count { it == 2.0 } shouldBe 2
        val want = ((exp(-k) + 1) * exp(-k) + 1) * exp(-k)
        abs(sol.last().item() - want) shouldBeLessThan 1e-9
        // with saveat, the grid is as asked and the dose shows in the states
        val grid = decay.solve(Tsit5(), tight.saveat(0.5).callback(dose))
        grid.t().size shouldBe 7
        abs(grid.last().item() - want) shouldBeLessThan 1e-9
    }

    test("DiscreteCallback applies its affect at the end of the step where the condition holds; a fixed-step solve keeps its grid") {
        val decay = OdeProblem(OdeFunction { u, _, _ -> u.unaryMinus() }, Tensor.of(1.0), 0.0, 2.0, Tensor.of(0.0))
        val refill = DiscreteCallback({ u, _, _ -> u.item() < 0.5 }) { u, _, _ -> u.plus(1.0) }
        val sol = decay.solve(RK4(), SolveOptions.defaults().dt(0.125).callback(refill))
        sol.t().toList().distinct().size shouldBe 17
        val jump = sol.t().indices.first { it + 1 < sol.t().size && sol.t()[it] == sol.t()[it + 1] }
        (sol.u(jump).item() < 0.5) shouldBe true
        abs(sol.u(jump + 1).item() - sol.u(jump).item() - 1.0) shouldBeLessThan 1e-15
        val stop = DiscreteCallback.terminating { u, _, _ -> u.item() < 0.5 }
        decay.solve(RK4(), SolveOptions.defaults().dt(0.125).callback(stop)).retcode() shouldBe ReturnCode.TERMINATED
    }

    test("an affect of the wrong shape or a condition that throws is an error naming the callback") {
        val wrong = ContinuousCallback(Ball.height, { _, _, _ -> Tensor.of(1.0, 2.0) }).named("bad-affect")
        val m1 = shouldThrow<IllegalStateException> { Ball.problem(h0, g, e, 2.0).solve(Tsit5(), tight.callback(wrong)) }.message!!
        m1 shouldContain "bad-affect"
        m1 shouldContain "shape"
        val throwing = ContinuousCallback({ _, _, _ -> throw IllegalArgumentException("boom") }, Ball.bounce).named("bad-condition")
        val m2 = shouldThrow<IllegalStateException> { Ball.problem(h0, g, e, 2.0).solve(Tsit5(), tight.callback(throwing)) }.message!!
        m2 shouldContain "bad-condition"
        m2 shouldContain "boom"
        val vector = ContinuousCallback({ u, _, _ -> u }, Ball.bounce).named("vector-condition")
        shouldThrow<IllegalStateException> { Ball.problem(h0, g, e, 2.0).solve(Tsit5(), tight.callback(vector)) }.message!! shouldContain "scalar"
    }
})
