package dev.fluxion.nn

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.element
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import java.util.SplittableRandom

/**
 * Every layer and activation: the gradient with respect to the input and to the flattened
 * parameters agrees with finite differences (reverse mode: the dot-product identity against a
 * random direction; forward mode: the JVP), on seeded random widths, batches and values.
 */
class LayerGradientSpec : FunSpec({
    val config = PropTestConfig(seed = 20261123, iterations = 12)

    /** Checks d/dx and d/dθ of sum(w ∘ layer(x)) for random w, v. */
    fun check(layer: Layer, x: Tensor, rng: SplittableRandom) {
        val flat = Flat(layer)
        val theta = flat.flatten()
        val w = Tensor.randn(rng, *layer.apply(x).shape().dims())
        val objective = { xx: Tensor, th: Tensor -> (layer.apply(xx, flat.unflatten(th)) * w).sum() }
        val vx = Tensor.randn(rng, *x.shape().dims())
        val gx = AD.gradient({ xx -> objective(xx, theta) }, x)
        val fdx = FiniteDifferences.directional({ xx -> objective(xx, theta) }, x, vx)
        FiniteDifferences.relErr(gx.times(vx).sum(), fdx) shouldBeLessThan 1e-6
        val jx = AD.jvp({ xx -> layer.apply(xx, flat.unflatten(theta)) }, x, vx)
        FiniteDifferences.relErr(jx, FiniteDifferences.directional({ xx -> layer.apply(xx, flat.unflatten(theta)) }, x, vx)) shouldBeLessThan 1e-6
        if (theta.size() > 0) {
            val vt = Tensor.randn(rng, theta.size())
            val gt = AD.gradient({ th -> objective(x, th) }, theta)
            FiniteDifferences.relErr(gt.times(vt).sum(), FiniteDifferences.directional({ th -> objective(x, th) }, theta, vt)) shouldBeLessThan 1e-6
        }
    }

    for (act in Activation.entries) {
        test("Dense with $act: gradients in x and θ match finite differences, vector and batch inputs") {
            checkAll(config, Arb.int(1..5), Arb.int(1..6), Arb.int(1..4), Arb.long()) { inW, outW, batch, seed ->
                val rng = SplittableRandom(seed)
                val layer = Dense(inW, outW, act, rng)
                // keep away from relu's and elu's kink at 0
                fun away(t: Tensor) = t + t.sign() * 0.05
                check(layer, away(Tensor.randn(rng, inW)), rng)
                check(layer, away(Tensor.randn(rng, batch, inW)), rng)
            }
        }
    }

    test("Chain of lambda and Dense layers: gradients match finite differences") {
        checkAll(config, Arb.long(), Arb.element(Activation.TANH, Activation.SWISH, Activation.SOFTPLUS)) { seed, act ->
            val rng = SplittableRandom(seed)
            val chain = Chain.of(Layer.of { x -> x.pow(3.0) }, Dense(2, 7, act, rng), Dense(7, 2, Activation.IDENTITY, rng))
            check(chain, Tensor.randn(rng, 2), rng)
            check(chain, Tensor.randn(rng, 3, 2), rng)
        }
    }

    test("a NeuralODE layer's gradient in u0 and θ matches finite differences") {
        val rng = SplittableRandom(3)
        val model = Chain.of(Dense(2, 5, Activation.TANH, rng), Dense(5, 2, Activation.IDENTITY, rng))
        val node = NeuralODE(model, 0.0, 1.0, Tsit5(), SolveOptions.defaults().saveat(0.25).rtol(1e-10).atol(1e-10)
            .sensealg(InterpolatingAdjoint()))
        check(node, Tensor.of(0.5, -0.3), rng)
    }
})
