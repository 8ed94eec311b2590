package dev.fluxion.examples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import kotlin.io.path.createTempDirectory

/** The main job: data as the seed defines it, and training that works. */
class SpiralSpec : FunSpec({
    test("the spiral data matches testdata/reference/spiral.json (SciPy at 1e-13)") {
        val ref = ReferenceData.load("spiral.json")
        val ts = ReferenceData.doubles(ref["t"])
        val data = Spiral.rows(Spiral.trueSpiral(ts))
        for (i in ts.indices) {
            val r = ReferenceData.doubles(ref["u"][i])
            for (j in r.indices) Math.abs(data[i][j] - r[j]) shouldBeLessThan 1e-9
        }
    }

    test("300 Adam iterations with the adjoint cut the loss by more than two orders of magnitude, below torchdiffeq's 0.19, and write the plot") {
        val dir = createTempDirectory("spiral")
        val out = dir.resolve("spiral.png")
        val r = Spiral.run(Args(arrayOf("--quiet", "--output", out.toString())))
        println("spiral: loss ${r.losses().first()} -> ${r.finalLoss()}, ${r.millisPerIteration()} ms/iteration")
        r.finalLoss() shouldBeLessThan r.losses().first() / 100
        r.finalLoss() shouldBeLessThan 0.19
        (Files.size(r.plot()) > 10_000L) shouldBe true
        // the prediction tracks the data point by point
        for (i in r.data().indices) for (j in 0..1) Math.abs(r.prediction()[i][j] - r.data()[i][j]) shouldBeLessThan 0.25
    }
})
