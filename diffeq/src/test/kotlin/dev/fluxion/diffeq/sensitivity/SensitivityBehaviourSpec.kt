package dev.fluxion.diffeq.sensitivity

import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.DiffEqLayers
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf

class SensitivityBehaviourSpec : FunSpec({
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val opts = SolveOptions.defaults().saveat(0.5).rtol(1e-8).atol(1e-8)

    test("the default is forward duals up to 100 inputs, InterpolatingAdjoint above; none without a tape") {
        var used: SensitivityAlgorithm? = null
        AD.gradient({ q -> val s = OdeProblem(Problems.lotkaVolterra, u0, 0.0, 1.0, q).solve(Tsit5(), opts); used = s.sensealg(); s.u().sum() }, p)
        used.shouldBeInstanceOf<ForwardDuals>()
        // 150 parameters: a linear system du = (A u) with A [n×n] flattened into p... use u of size 12 and p of size 144
        val n = 12
        val a = Tensor.eye(n).times(-0.5).flatten()
        AD.gradient({ q ->
            val s = OdeProblem({ u, pp, _ -> pp.reshape(n, n).matmul(u) }, Tensor.ones(n), 0.0, 1.0, q).solve(Tsit5(), opts)
            used = s.sensealg()
            s.u().sum()
        }, a)
        used.shouldBeInstanceOf<InterpolatingAdjoint>()
        OdeProblem(Problems.lotkaVolterra, u0, 0.0, 1.0, p).solve(Tsit5(), opts).sensealg().shouldBeNull()
        AD.jvp({ q -> OdeProblem(Problems.lotkaVolterra, u0, 0.0, 1.0, q).solve(Tsit5(), opts).u().sum() }, p, Tensor.ones(4))
    }

    test("a solve that fails inside a gradient gives a NaN loss and a return code, for every method") {
        // u' = p u², u(0) = 1 blows up at t = 1/p: with p = 1 on [0, 2] the solve cannot finish
        for (s in allMethods) {
            var rc: ReturnCode? = null
            val vg = AD.valueAndGradient({ q ->
                val sol = OdeProblem({ u, pp, _ -> u.square().times(pp) }, Tensor.of(1.0), 0.0, 2.0, q)
                    .solve(Tsit5(), SolveOptions.defaults().saveat(0.1).sensealg(s))
                rc = sol.retcode()
                sol.u().sum()
            }, Tensor.of(1.0))
            rc shouldBe ReturnCode.DT_LESS_THAN_MIN
            vg.value().item().isNaN() shouldBe true
        }
    }

    test("an adjoint asked to differentiate a fixed-step solve says which method to use instead") {
        for (s in listOf(BacksolveAdjoint(), InterpolatingAdjoint(), QuadratureAdjoint(), GaussAdjoint())) {
            val e = shouldThrow<IllegalArgumentException> {
                AD.gradient({ q -> OdeProblem(Problems.lotkaVolterra, u0, 0.0, 1.0, q)
                    .solve(RK4(), SolveOptions.defaults().dt(0.01).adaptive(false).sensealg(s)).u().sum() }, p)
            }
            e.message!! shouldContain "ReverseTape"
        }
    }

    test("gradients with respect to t0 and t1 agree with finite differences, for every method") {
        fun loss(t0: Tensor, t1: Tensor, q: Tensor, s: SensitivityAlgorithm?, tol: Double): Tensor {
            val sol = OdeProblem(Problems.lotkaVolterra, u0, t0, t1, q)
                .solve(if (s == null) Vern9() else Tsit5(), SolveOptions.defaults().saveat(1.0, 2.0, 3.0).saveEnd(true)
                    .rtol(tol).atol(tol).sensealg(s))
            return (sol.u() - 1.0).square().sum()
        }
        val t0 = Tensor.scalar(0.2)
        val t1 = Tensor.scalar(3.7)
        val eps = 1e-5
        fun fd(dt0: Double, dt1: Double) = (loss(Tensor.scalar(0.2 + dt0 * eps), Tensor.scalar(3.7 + dt1 * eps), p, null, 1e-13).item() -
            loss(Tensor.scalar(0.2 - dt0 * eps), Tensor.scalar(3.7 - dt1 * eps), p, null, 1e-13).item()) / (2 * eps)
        val fd0 = fd(1.0, 0.0)
        val fd1 = fd(0.0, 1.0)
        for (s in allMethods) {
            val g = AD.gradients({ xs -> loss(xs[0], xs[1], xs[2], s, 1e-10) }, t0, t1, p)
            Math.abs(g[0].item() - fd0) / Math.abs(fd0) shouldBeLessThan 1e-5
            Math.abs(g[1].item() - fd1) / Math.abs(fd1) shouldBeLessThan 1e-5
        }
    }

    test("a Hessian-vector product through a solve (forward over an adjoint) matches ReverseTape's") {
        fun loss(s: SensitivityAlgorithm) = { q: Tensor ->
            OdeProblem(Problems.lotkaVolterra, u0, 0.0, 2.0, q).solve(Tsit5(), opts.sensealg(s)).u().square().sum()
        }
        val v = Tensor.of(0.3, -0.1, 0.2, 0.5)
        val ref = AD.hvp(loss(ReverseTape()), p, v)
        for (s in listOf(InterpolatingAdjoint(), ForwardDuals(), QuadratureAdjoint())) {
            val hv = AD.hvp(loss(s), p, v)
            (hv - ref).norm().item() / ref.norm().item() shouldBeLessThan 1e-5
        }
    }

    test("the seed's layer helpers return the saved series and agree with each other") {
        val prob = OdeProblem(Problems.lotkaVolterra, u0, 0.0, 5.0, p)
        val grads = listOf<(Tensor) -> Tensor>(
            { q -> DiffEqLayers.diffeqRd(q, prob, Tsit5(), opts) },
            { q -> DiffEqLayers.diffeqFd(q, prob, Tsit5(), opts) },
            { q -> DiffEqLayers.diffeqAdjoint(q, prob, Tsit5(), opts) },
        ).map { layer ->
            layer(p).shape().dims().toList() shouldBe listOf(11, 2)
            AD.gradient({ q -> layer(q).minus(1.0).square().sum() }, p)
        }
        for (g in grads.drop(1)) (g - grads[0]).norm().item() / grads[0].norm().item() shouldBeLessThan 1e-6
    }

    test("every method agrees with the others on a problem with a network in f") {
        val w = Tensor.of(0.1, -0.3, 0.2, 0.4, 0.0, 0.5, -0.2, 0.1)
        val f = dev.fluxion.diffeq.OdeFunction { u, q, _ -> q.slice(0, 0, 4).reshape(2, 2).matmul(u.tanh()) + q.slice(0, 4, 6) - u * q.slice(0, 6, 8) }
        val results = allMethods.map { s ->
            AD.gradients({ xs -> OdeProblem(f, xs[0], 0.0, 3.0, xs[1]).solve(Tsit5(), SolveOptions.defaults().saveat(0.25)
                .rtol(1e-10).atol(1e-10).sensealg(s)).u().square().sum() }, Tensor.of(0.5, -0.5), w)
        }
        for (r in results.drop(1)) for (i in 0..1) {
            (r[i] - results[0][i]).norm().item() / results[0][i].norm().item() shouldBeLessThan 1e-6
        }
    }
})
