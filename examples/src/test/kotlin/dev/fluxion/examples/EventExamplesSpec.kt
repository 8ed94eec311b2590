package dev.fluxion.examples

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.io.path.createTempDirectory
import kotlin.io.path.exists
import kotlin.math.abs
import kotlin.math.max
import kotlin.math.sqrt

/** The examples of events and jumps: bouncing-ball, dosing, birth-death. */
class EventExamplesSpec : FunSpec({
    test("bouncing-ball plots, and the gradient of the height at T by four methods matches central finite differences") {
        val out = createTempDirectory("ball").resolve("ball.png")
        BouncingBall.main(arrayOf("--output", out.toString()))
        out.exists() shouldBe true
        val g = BouncingBall.gradients(dev.fluxion.diffeq.SolveOptions.defaults().rtol(1e-10).atol(1e-10))
        val fd = g.getValue("finite differences")
        for ((m, v) in g) for (i in 0..2) withClue("$m [$i]: ${v.toList()} against ${fd.toList()}") {
            abs(v[i] - fd[i]) shouldBeLessThan 1e-6 * max(1.0, abs(fd[i]))
            abs(v[i] - g.getValue("ReverseTape")[i]) shouldBeLessThan if (m == "finite differences") 1.0 else 1e-8 * max(1.0, abs(fd[i]))
        }
    }

    test("dosing: the adjoint and forward lanes agree through the doses, and L-BFGS recovers the dose–response parameter EC50") {
        val g = Dosing.startGradients()
        for (i in 0..2) abs(g[0][i] - g[1][i]) shouldBeLessThan 1e-7 * max(1.0, abs(g[1][i]))
        val fits = Dosing.fit(40, true)
        for (f in fits) {
            f.finalLoss() shouldBeLessThan f.initialLoss() / 100
            abs(f.theta()[2] / Dosing.TRUE[2] - 1) shouldBeLessThan 0.1
            abs(f.theta()[1] / Dosing.TRUE[1] - 1) shouldBeLessThan 0.1
        }
        for (i in 0..2) abs(fits[0].theta()[i] - fits[1].theta()[i]) shouldBeLessThan 1e-4
        val out = createTempDirectory("dosing").resolve("dosing.png")
        Dosing.main(arrayOf("--output", out.toString(), "--iterations", "2"))
        out.exists() shouldBe true
    }

    test("birth-death: n(T) over seeded paths has the exact Poisson mean within 4 standard errors; the plot is written") {
        val n = BirthDeath.sample(300)
        val mean = n.average()
        val m = BirthDeath.exactMean()
        abs(mean - m) shouldBeLessThan 4 * sqrt(m / n.size)
        val out = createTempDirectory("bd").resolve("bd.png")
        BirthDeath.main(arrayOf("--output", out.toString(), "--paths", "100"))
        out.exists() shouldBe true
    }
})
