package dev.fluxion.nn

import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.lang.ref.WeakReference

/**
 * Issue 10, defect 1, as a NeuralODE user meets it: a layer (and its network's weights) that is
 * dropped must be collected, solved or not — the compiled-program cache holds its function weakly.
 */
class LayerMemorySpec : FunSpec({
    fun collected(ref: WeakReference<*>): Boolean {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc()
            Thread.sleep(20)
        }
        return ref.get() == null
    }

    test("a NeuralODE that is dropped is collected with its model, never solved or solved once") {
        for (solve in listOf(false, true)) {
            collected(layerNobodyKeeps(solve)) shouldBe true
        }
    }
})

/** A NeuralODE made (and solved once when asked) in a frame of its own: nothing of it outlives the call but a weak reference. */
private fun layerNobodyKeeps(solve: Boolean): WeakReference<Layer> {
    val model = Chain.of(Dense(2, 200, Activation.TANH), Dense(200, 2))
    val node = NeuralODE(model, 0.0, 1.0, Tsit5(), SolveOptions.defaults().saveat(0.5))
    if (solve) node.apply(Tensor.of(1.0, 0.5))
    return WeakReference(model)
}
