package dev.fluxion.nn

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.SplittableRandom

class LayerBehaviourSpec : FunSpec({
    test("a layer fed the wrong width says which layer and both widths") {
        val chain = Chain.of(Dense(2, 50, Activation.TANH), Dense(50, 2))
        val msg = shouldThrow<IllegalArgumentException> { chain.apply(Tensor.of(1.0, 2.0, 3.0)) }.message!!
        msg shouldContain "layer 1"
        msg shouldContain "Dense(2 => 50, TANH)"
        msg shouldContain "width 3"
        msg shouldContain "expected width 2"
    }

    test("Dense weights are Glorot uniform: within sqrt(6/(in+out)), reproducible from the seed, biases zero") {
        val a = Dense(20, 30, Activation.TANH, SplittableRandom(5))
        val b = Dense(20, 30, Activation.TANH, SplittableRandom(5))
        val bound = Math.sqrt(6.0 / 50)
        a.weight().value().abs().max().item() shouldBeLessThanOrEqual bound
        a.weight().value().toDoubleArray().toList() shouldBe b.weight().value().toDoubleArray().toList()
        a.bias().value().toDoubleArray().all { it == 0.0 } shouldBe true
        // the spread is that of U(-a, a): variance a²/3
        val v = a.weight().value().square().mean().item()
        Math.abs(v - bound * bound / 3) / (bound * bound / 3) shouldBeLessThanOrEqual 0.15
    }

    test("a batch gives the rows of applying each input alone") {
        val d = Dense(3, 4, Activation.SIGMOID, SplittableRandom(1))
        val x = Tensor.randn(SplittableRandom(2), 5, 3)
        val batch = d.apply(x)
        for (i in 0 until 5) (batch[i] - d.apply(x[i])).abs().max().item() shouldBeLessThanOrEqual 1e-15
    }

    test("flatten and unflatten are inverse, and restructure computes the model") {
        val model = Chain.of(Dense(2, 3, Activation.TANH, SplittableRandom(1)), Dense(3, 2, Activation.IDENTITY, SplittableRandom(2)))
        val flat = Flat(model)
        flat.size() shouldBe 2 * 3 + 3 + 3 * 2 + 2
        val theta = flat.flatten()
        flat.flatten(flat.unflatten(theta)).toDoubleArray().toList() shouldBe theta.toDoubleArray().toList()
        val x = Tensor.of(0.3, -0.7)
        flat.restructure(theta).apply(x).toDoubleArray().toList() shouldBe model.apply(x).toDoubleArray().toList()
        val shifted = theta + 0.1
        flat.load(shifted)
        model.apply(x).toDoubleArray().toList() shouldBe flat.restructure(shifted).apply(x).toDoubleArray().toList()
    }

    test("activations compute their definitions") {
        val x = Tensor.of(-2.0, -0.5, 0.5, 2.0)
        val xs = x.toDoubleArray()
        Activation.ELU.apply(x).toDoubleArray().toList() shouldBe xs.map { if (it > 0) it else Math.exp(it) - 1 }
        val sw = Activation.SWISH.apply(x).toDoubleArray()
        for (i in xs.indices) Math.abs(sw[i] - xs[i] / (1 + Math.exp(-xs[i]))) shouldBeLessThanOrEqual 1e-15
        val sp = Activation.SOFTPLUS.apply(x).toDoubleArray()
        for (i in xs.indices) Math.abs(sp[i] - Math.log1p(Math.exp(xs[i]))) shouldBeLessThanOrEqual 1e-15
    }
})
