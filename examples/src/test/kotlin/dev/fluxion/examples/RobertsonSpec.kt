package dev.fluxion.examples

import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.diffeq.composite.AutoTsit5
import dev.fluxion.diffeq.stiff.KenCarp4
import dev.fluxion.diffeq.stiff.Rodas5P
import dev.fluxion.diffeq.stiff.Rosenbrock23
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.io.path.createTempDirectory
import kotlin.io.path.exists
import kotlin.math.abs

/** The seed's stiff example: Robertson. */
class RobertsonSpec : FunSpec({
    test("the example runs: solves, prints and plots") {
        val out = createTempDirectory("rober").resolve("rober.png")
        Robertson.main(arrayOf("--output", out.toString(), "--iterations", "0", "--maxiters", "5000"))
        out.exists() shouldBe true
    }

    test("Tsit5 ends with MAX_ITERS on [0, 1e5]; Rodas5P, KenCarp4 and AutoTsit5(Rosenbrock23) solve [0, 1e5] and [0, 1e11] in a few hundred steps") {
        val o = SolveOptions.defaults().rtol(1e-6).atol(1e-10)
        val tsit = Robertson.run(Tsit5(), 1e5, o.maxiters(5000))
        tsit.retcode() shouldBe "MAX_ITERS"
        for (alg in listOf(Rodas5P(), KenCarp4(), AutoTsit5(Rosenbrock23()))) {
            for (t1 in listOf(1e5, 1e11)) {
                val r = Robertson.run(alg, t1, o)
                println("${r.method()} on [0, $t1]: ${r.retcode()}, ${r.steps()} steps")
                r.retcode() shouldBe "SUCCESS"
                r.steps().toDouble() shouldBeLessThan 2000.0
                abs(r.uEnd().sum() - 1.0) shouldBeLessThan 1e-8
            }
        }
    }

    test("the fit recovers k1, k2, k3 within 5 %") {
        val fits = Robertson.fit(linkedMapOf<String, SensitivityAlgorithm>("ForwardDuals" to ForwardDuals(), "ReverseTape" to ReverseTape()), 15, true)
        for (f in fits) {
            println("${f.method()}: rates ${f.rates().toList()}, loss ${f.initialLoss()} -> ${f.finalLoss()} in ${f.seconds()} s")
            for (i in 0..2) abs(f.rates()[i] / Robertson.RATES[i] - 1) shouldBeLessThan 0.05
        }
        for (i in 0..2) abs(fits[0].rates()[i] / fits[1].rates()[i] - 1) shouldBeLessThan 1e-6   // same gradients, same path
    }

    test("the fit through KenCarp4 (ForwardDuals through its Newton solves) recovers k1, k2, k3 within 5 %") {
        val fits = Robertson.fitWith(linkedMapOf("ForwardDuals/KenCarp4" to Robertson.FitMethod(ForwardDuals(), KenCarp4())), 15, true)
        val f = fits.single()
        println("${f.method()}: rates ${f.rates().toList()}, loss ${f.initialLoss()} -> ${f.finalLoss()} in ${f.seconds()} s")
        for (i in 0..2) abs(f.rates()[i] / Robertson.RATES[i] - 1) shouldBeLessThan 0.05
    }
})
