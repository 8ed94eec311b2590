package dev.fluxion.diffeq.sensitivity

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe

/** The adjoints' step control options, and the carried steps on a span that runs backwards in time. */
class AdjointStepControlSpec : FunSpec({
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)

    test("withNorm returns a copy with the norm it was given and leaves the original as it was") {
        val a = BacksolveAdjoint(false)
        val full = a.withNorm(AdjointNorm.FULL)
        a.norm() shouldBe AdjointNorm.SEMINORM
        full.norm() shouldBe AdjointNorm.FULL
        full.checkpointing() shouldBe false
        full.toString() shouldBe "BacksolveAdjoint(checkpointing=false)(norm=FULL)"
        GaussAdjoint().withNorm(AdjointNorm.FULL).withNorm(AdjointNorm.SEMINORM).toString() shouldBe "GaussAdjoint"
    }

    test("every adjoint agrees with ForwardDuals on a span from t = 4 back to t = 0 (steps carried backwards in time)") {
        val ts = DoubleArray(16) { 4.0 - 0.25 * (it + 1) }
        fun grad(s: dev.fluxion.diffeq.SensitivityAlgorithm) = AD.gradient({ q ->
            OdeProblem(Problems.lotkaVolterra, u0, 4.0, 0.0, q)
                .solve(Tsit5(), SolveOptions.defaults().saveat(*ts).rtol(1e-10).atol(1e-10).sensealg(s)).u().minus(1.0).square().sum()
        }, p)
        val ref = grad(ForwardDuals())
        for (s in listOf(BacksolveAdjoint(), InterpolatingAdjoint(), InterpolatingAdjoint.dense(), QuadratureAdjoint(), GaussAdjoint())) {
            (grad(s) - ref).norm().item() / ref.norm().item() shouldBeLessThan 1e-6
        }
    }
})
