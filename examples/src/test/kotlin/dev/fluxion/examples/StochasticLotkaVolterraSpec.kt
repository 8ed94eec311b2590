package dev.fluxion.examples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.io.path.createTempDirectory
import kotlin.io.path.exists

/** The seed's stochastic Lotka–Volterra fit (SOSRI, forward duals, Adam). */
class StochasticLotkaVolterraSpec : FunSpec({
    test("the example runs: solves, trains a few iterations, plots") {
        val out = createTempDirectory("sdelv").resolve("sde-lv.png")
        StochasticLotkaVolterra.main(arrayOf("--output", out.toString(), "--iterations", "3"))
        out.exists() shouldBe true
    }

    test("training lowers the loss on the fixed path") {
        val f = StochasticLotkaVolterra.fit(30, true)
        println("sde-lv: loss ${f.initialLoss()} -> ${f.finalLoss()}, p = ${f.p().toList()}")
        f.finalLoss() shouldBeLessThan 0.5 * f.initialLoss()
    }
})
