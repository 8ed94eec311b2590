package dev.fluxion.diffeq.sensitivity

import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.autodiff.AD
import dev.fluxion.autodiff.MultiTensorFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan

/** Every sensitivity method reproduces the forward-sensitivity reference gradient of the seed's LV loss. */
class ReferenceGradientSpec : FunSpec({
    val ref = Reference.load("lotka_volterra_gradient.json")
    val u0 = ref["u0"].tensor()
    val p = ref["p"].tensor()
    val ts = ref["t"].doubles()

    fun relErr(a: DoubleArray, b: DoubleArray) = a.indices.maxOf { Math.abs(a[it] - b[it]) / Math.abs(b[it]) }

    val methods: List<SensitivityAlgorithm> = listOf(
        ReverseTape(), ForwardDuals(), ForwardDuals(2), ForwardSensitivity(), BacksolveAdjoint(),
        BacksolveAdjoint(false), InterpolatingAdjoint(), InterpolatingAdjoint.dense(), QuadratureAdjoint(),
        QuadratureAdjoint(1e-6, 1e-3), GaussAdjoint(), BacksolveAdjoint().withNorm(AdjointNorm.FULL),
        InterpolatingAdjoint().withNorm(AdjointNorm.FULL), GaussAdjoint().withNorm(AdjointNorm.FULL))

    for (s in methods) {
        test("$s reproduces loss, d/dp and d/du0 to 1e-6 at rtol = atol = 1e-10") {
            val opts = SolveOptions.defaults().saveat(*ts).rtol(1e-10).atol(1e-10).sensealg(s)
            val loss = MultiTensorFunction { xs ->
                val sol = OdeProblem(Problems.lotkaVolterra, xs[0], 0.0, 10.0, xs[1]).solve(Tsit5(), opts)
                (sol.u() - 1.0).square().sum()
            }
            val value = loss.apply(arrayOf(u0, p)).item()
            val g = AD.gradients(loss, u0, p)
            println("$s: loss=$value du0=${g[0].toDoubleArray().toList()} dp=${g[1].toDoubleArray().toList()}")
            Math.abs(value - ref["loss"].asDouble()) / ref["loss"].asDouble() shouldBeLessThan 1e-6
            relErr(g[1].toDoubleArray(), ref["dloss_dp"].doubles()) shouldBeLessThan 1e-6
            relErr(g[0].toDoubleArray(), ref["dloss_du0"].doubles()) shouldBeLessThan 1e-6
        }
    }
})
