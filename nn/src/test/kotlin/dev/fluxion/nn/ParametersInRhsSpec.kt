package dev.fluxion.nn

import dev.fluxion.autodiff.Parameter
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.optim.Adam
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom

/**
 * Issue 10, defect 2: a model applied inside f (its parameters read, not passed through p). A plain
 * solve first compiles f; the parameters must stay implicit inputs of the compiled program, so a
 * later Parameter.gradients through the solve is the true gradient, not exactly zero.
 */
class ParametersInRhsSpec : FunSpec({
    val u0 = Tensor.of(2.0, 0.0)
    val ts = DoubleArray(10) { 1.5 * it / 9 }
    val opts = SolveOptions.defaults().saveat(*ts).rtol(1e-8).atol(1e-8)

    /** The spiral data of DiffEqFlux's neural ODE example: du = ((u.^3)' A)'. */
    val data = run {
        val a = Tensor.of(arrayOf(doubleArrayOf(-0.1, 2.0), doubleArrayOf(-2.0, -0.1)))
        OdeProblem({ u, _, _ -> a.transpose().matmul(u.pow(3.0)) }, u0, 0.0, 1.5).solve(Tsit5(), opts).u()
    }

    fun model(seed: Long) = SplittableRandom(seed).let { rng ->
        Chain.of(Layer.of { x -> x.pow(3.0) }, Dense(2, 16, Activation.TANH, rng), Dense(16, 2, Activation.IDENTITY, rng))
    }

    /** A new f object each call, so each problem has its own compiled-program cache. */
    fun problem(m: Chain) = OdeProblem({ u, _, _ -> m.apply(u) }, u0, 0.0, 1.5)

    fun loss(prob: OdeProblem, o: SolveOptions = opts) = prob.solve(Tsit5(), o).u().minus(data).square().sum()

    test("Parameter.gradients through a solve after a plain solve of the same problem is the eager gradient, not zero") {
        val m = model(7)
        val prob = problem(m)
        prob.solve(Tsit5(), opts)   // e.g. plot the initial prediction: traces and compiles f on plain values
        val afterPlain = Parameter.gradients({ loss(prob) }, m.parameters())
        val eager = Parameter.gradients({ loss(problem(m), opts.compile(false)) }, m.parameters())
        val tracedInside = Parameter.gradients({ loss(problem(m)) }, m.parameters())   // first trace inside the gradient
        afterPlain.loss() shouldBe (eager.loss() plusOrMinus 1e-9 * eager.loss())
        for (i in m.parameters().indices) {
            withClue("parameter $i: nonzero") { afterPlain.gradients()[i].abs().sum().item() shouldBeGreaterThan 0.0 }
            withClue("parameter $i: after a plain solve vs eager") {
                FiniteDifferences.relErr(afterPlain.gradients()[i], eager.gradients()[i]) shouldBeLessThan 1e-8
            }
            withClue("parameter $i: traced inside the gradient vs eager") {
                FiniteDifferences.relErr(tracedInside.gradients()[i], eager.gradients()[i]) shouldBeLessThan 1e-8
            }
        }
        // and the gradient is the derivative: one direction against finite differences of plain solves
        val w = m.parameters()[0]
        val w0 = w.value()
        val v = Tensor.randn(SplittableRandom(3), *w0.shape().dims())
        val fd = try {
            FiniteDifferences.directional({ q -> w.set(q); loss(prob) }, w0, v, 1e-4)
        } finally {
            w.set(w0)
        }
        FiniteDifferences.relErr(afterPlain.gradients()[0].times(v).sum(), fd) shouldBeLessThan 1e-5
    }

    test("Adam trains a model applied inside f after a plain solve: the loss goes down") {
        val m = model(11)
        val prob = problem(m)
        prob.solve(Tsit5(), opts)
        val opt = Adam(0.05)
        val first = Parameter.gradients({ loss(prob) }, m.parameters())
        var last = first
        repeat(25) {
            opt.update(m.parameters(), last.gradients())
            last = Parameter.gradients({ loss(prob) }, m.parameters())
        }
        withClue("loss ${first.loss()} -> ${last.loss()}") { last.loss() shouldBeLessThan 0.7 * first.loss() }
        // the plain solve follows the trained parameters too
        loss(prob).item() shouldBe (last.loss() plusOrMinus 1e-9 * last.loss())
    }
})
