package dev.fluxion.optim

import dev.fluxion.autodiff.Parameter
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class OptimizerSpec : FunSpec({
    test("Adam matches a hand-computed update (two steps on one parameter)") {
        // θ₀ = 1, loss θ², g = 2θ. Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, θ = 1 − 0.1·2/(2 + 1e-8)
        val p = Parameter("x", Tensor.of(1.0))
        val adam = Adam(0.1)
        adam.update(listOf(p), listOf(Tensor.of(2.0)))
        val theta1 = 1 - 0.1 * 2 / (2 + 1e-8)
        p.value().item() shouldBe (theta1 plusOrMinus 1e-15)
        // step 2: g = 2θ₁; m = 0.9·0.2 + 0.1·g, v = 0.999·0.004 + 0.001·g²
        val g2 = 2 * theta1
        val m = 0.9 * 0.2 + 0.1 * g2
        val v = 0.999 * 0.004 + 0.001 * g2 * g2
        val theta2 = theta1 - 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8)
        adam.update(listOf(p), listOf(Tensor.of(g2)))
        p.value().item() shouldBe (theta2 plusOrMinus 1e-15)
    }

    test("Sgd with momentum and Nesterov, RmsProp and AdamW match their formulas") {
        val p = Parameter("x", Tensor.of(1.0))
        Sgd(0.1, 0.9, true).apply { update(listOf(p), listOf(Tensor.of(2.0))); update(listOf(p), listOf(Tensor.of(1.0))) }
        // v1 = 2, d1 = 2 + 0.9·2 = 3.8 → 0.62; v2 = 0.9·2 + 1 = 2.8, d2 = 1 + 0.9·2.8 = 3.52 → 0.268
        p.value().item() shouldBe (0.268 plusOrMinus 1e-14)
        val q = Parameter("y", Tensor.of(1.0))
        RmsProp(0.01).update(listOf(q), listOf(Tensor.of(2.0)))
        q.value().item() shouldBe (1 - 0.01 * 2 / (Math.sqrt(0.1 * 4) + 1e-8) plusOrMinus 1e-15)
        val r = Parameter("z", Tensor.of(1.0))
        AdamW(0.1, 0.01).update(listOf(r), listOf(Tensor.of(2.0)))
        r.value().item() shouldBe (1 * (1 - 0.1 * 0.01) - 0.1 * 2 / (2 + 1e-8) plusOrMinus 1e-15)
    }

    test("L-BFGS finds the minimum of Rosenbrock's function to 1e-8") {
        for (n in listOf(2, 10)) {
            val x0 = Tensor.of(*DoubleArray(n) { if (it % 2 == 0) -1.2 else 1.0 })
            val x = Lbfgs.minimize({ q ->
                val a = q.slice(0, 0, n - 1)
                val b = q.slice(0, 1, n)
                ((b - a.square()).square() * 100.0 + (a.rsub(1.0)).square()).sum()
            }, x0, 500)
            (x - 1.0).abs().max().item() shouldBeLessThan 1e-8
        }
    }

    test("Trainer minimizes with every optimizer, Adam then L-BFGS polishing") {
        val p = Parameter("w", Tensor.of(3.0, -2.0))
        val target = Tensor.of(0.5, 0.25)
        val loss = { (p.value() - target).square().sum() + (p.value()[0] * p.value()[1] - 0.125).square() }
        val r1 = Trainer.train(loss, listOf(p), Adam(0.05), 200, { _, _, _ -> false }, Progress.NEVER)
        r1.losses.size shouldBe 200
        val r2 = Trainer.train(loss, listOf(p), Lbfgs(), 50, { _, _, _ -> false }, Progress.NEVER)
        r2.finalLoss() shouldBeLessThan 1e-12
        (p.value() - target).abs().max().item() shouldBeLessThan 1e-6
    }

    test("a loss that turns NaN stops training, names the iteration, and keeps the last good parameters") {
        val p = Parameter("w", Tensor.of(1.0))
        // the loss is NaN once w < 0.5; big steps get there on iteration 3
        val loss = { Tensor.where(p.value().lt(0.5), p.value().times(Double.NaN), p.value().square()).sum() }
        val r = Trainer.train(loss, listOf(p), Sgd(0.2), 10, { _, _, _ -> false }, Progress.NEVER)
        r.stop shouldBe TrainingResult.Stop.NON_FINITE_LOSS
        r.message shouldContain "iteration ${r.losses.size}"
        p.value().item().isFinite() shouldBe true
        (p.value().item() >= 0.5) shouldBe true
        p.value().square().item() shouldBe r.finalLoss()
    }

    test("the callback sees iteration and loss and can stop early; schedules change the rate") {
        val p = Parameter("w", Tensor.of(1.0))
        val seen = mutableListOf<Int>()
        val r = Trainer.train({ p.value().square().sum() }, listOf(p), Adam(LearningRate.exponentialDecay(0.1, 0.5), 0.9, 0.999, 1e-8), 50,
            { it, _, _ -> seen.add(it); it == 7 }, Progress.NEVER)
        r.stop shouldBe TrainingResult.Stop.CALLBACK
        seen shouldBe (1..7).toList()
        LearningRate.cosine(1.0, 0.0, 10).at(11) shouldBe (0.0 plusOrMinus 1e-15)
        LearningRate.step(1.0, 0.5, 2).at(3) shouldBe 0.5
    }
})
