package dev.fluxion.nn

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sde.EM
import dev.fluxion.diffeq.sde.SOSRI
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.Random
import kotlin.math.abs
import kotlin.math.max

/** NeuralDSDE (diagonal noise) and NeuralSDE (general noise, m channels) as layers: shapes, seeded paths, gradients of the networks' parameters. */
class NeuralSdeSpec : FunSpec({
    fun rel(a: DoubleArray, b: DoubleArray): Double = a.indices.maxOf { abs(a[it] - b[it]) / max(1.0, abs(b[it])) }

    test("NeuralDSDE: one path per seed, parameters of both networks, ReverseTape = ForwardDuals for the networks' gradient") {
        val drift = Chain.of(Dense(2, 8, Activation.TANH, Random(1)), Dense(8, 2, Activation.IDENTITY, Random(2)))
        val diffusion = Chain.of(Dense(2, 2, Activation.TANH, Random(3)))
        val o = SolveOptions.defaults().saveat(0.1).seed(5)
        val layer = NeuralDSDE(drift, diffusion, 0.0, 1.0, SOSRI(), o)
        layer.parameters().size shouldBe drift.parameters().size + diffusion.parameters().size
        val u0 = Tensor.of(0.5, -0.3)
        val y = layer.apply(u0)
        y.shape().dims().toList() shouldBe listOf(11, 2)
        layer.apply(u0).toDoubleArray().toList() shouldBe y.toDoubleArray().toList()
        val values = layer.parameters().map { it.value() }
        for (sense in listOf(ReverseTape(), ForwardDuals())) {
            val l = NeuralDSDE(drift, diffusion, 0.0, 1.0, SOSRI(), o.sensealg(sense))
            val g = AD.vjps({ ps -> l.apply(u0, ps.toList()).square().sum() }, Tensor.scalar(1.0), *values.toTypedArray())
            val ref = AD.vjps({ ps -> NeuralDSDE(drift, diffusion, 0.0, 1.0, SOSRI(), o.sensealg(ReverseTape())).apply(u0, ps.toList()).square().sum() },
                Tensor.scalar(1.0), *values.toTypedArray())
            for (i in g.indices) rel(g[i].toDoubleArray(), ref[i].toDoubleArray()) shouldBeLessThan 1e-9
        }
    }

    test("NeuralSDE: general noise with m channels; the diffusion network must give n·m values") {
        val drift = Chain.of(Dense(2, 2, Activation.TANH, Random(4)))
        val diffusion = Chain.of(Dense(2, 6, Activation.TANH, Random(5)))
        val layer = NeuralSDE(drift, diffusion, 3, 0.0, 1.0, EM(), SolveOptions.defaults().dt(0.01).saveat(0.5).seed(1))
        layer.apply(Tensor.of(0.1, 0.2)).shape().dims().toList() shouldBe listOf(3, 2)
        val bad = NeuralSDE(drift, Chain.of(Dense(2, 4, Activation.TANH, Random(6))), 3, 0.0, 1.0, EM(), SolveOptions.defaults().dt(0.01).seed(1))
        shouldThrow<IllegalArgumentException> { bad.apply(Tensor.of(0.1, 0.2)) }.message shouldContain "n·m"
    }
})
