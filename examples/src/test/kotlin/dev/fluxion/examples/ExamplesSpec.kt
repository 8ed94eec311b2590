package dev.fluxion.examples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.io.path.createTempDirectory
import kotlin.io.path.exists

/** Every example runs (CI keeps them honest); each checks the result it demonstrates. */
class ExamplesSpec : FunSpec({
    test("Lotka–Volterra solves, prints and plots") {
        val out = createTempDirectory("lv").resolve("lv.png")
        LotkaVolterra.main(arrayOf("--output", out.toString()))
        out.exists() shouldBe true
    }

    test("the seed's parameter fit converges to the same parameters with ReverseTape, ForwardDuals and the adjoint") {
        val fits = LotkaVolterraFit.run(100, true).values.toList()
        for (f in fits) f.finalLoss() shouldBeLessThan f.initialLoss() / 1000
        for (f in fits.drop(1)) for (i in 0..3) Math.abs(f.p()[i] - fits[0].p()[i]) shouldBeLessThan 1e-4
    }

    test("the universal ODE recovers the predator equation's parameters [-3, 1] within 2 % (Adam, then L-BFGS)") {
        val r = UniversalOde.run(300, 200, true)
        println("UDE: loss %.1f -> %.2e (Adam) -> %.2e; p = %s after Adam, %s after L-BFGS; %.1f s".format(
            r.initialLoss, r.adamLoss, r.finalLoss, r.adamP.toList(), r.p.toList(), r.seconds))
        r.finalLoss shouldBeLessThan 0.1   // from 371: the fit follows the data
        r.p[0] shouldBe (-3.0 plusOrMinus 0.06)
        r.p[1] shouldBe (1.0 plusOrMinus 0.02)
        r.pError shouldBeLessThan 0.02   // the old result, Adam alone at [-2.34, 0.82], is 22 % off
    }

    test("Lorenz: backsolve's reconstruction fails at T = 100, holds at T = 1") {
        LorenzBacksolve.reconstructionError(100.0) shouldBeGreaterThan 1.0
        LorenzBacksolve.reconstructionError(1.0) shouldBeLessThan 1e-6
    }

    test("the Java demo runs end to end and fits its neural ODE") {
        JavaDemo.run(true) shouldBeLessThan 1e-3
    }

    test("the work-precision table: every adaptive method's error falls as the tolerance falls") {
        val rows = WorkPrecision.table(false).lines().drop(2).filter { it.isNotBlank() }
        val byMethod = rows.map { it.split("|").map(String::trim) }.groupBy { it[1] }
        byMethod.size shouldBe 5
        for ((method, r) in byMethod) {
            val lvErrors = r.map { it[3].toDouble() }
            val lzErrors = r.map { it[5].toDouble() }
            for (k in 1 until lvErrors.size) {
                withClue("$method LV") { lvErrors[k] shouldBeLessThan lvErrors[k - 1] }
                withClue("$method Lorenz") { lzErrors[k] shouldBeLessThan lzErrors[k - 1] }
            }
        }
    }
})

private inline fun <T> withClue(clue: String, body: () -> T): T = io.kotest.assertions.withClue(clue, body)
