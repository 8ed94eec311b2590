@file:JvmName("QuickStartKotlin")

package dev.fluxion.examples.readme

// README:begin quick-start-kotlin
import dev.fluxion.autodiff.gradient
import dev.fluxion.diffeq.*
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.*

val prob = odeProblem(tensorOf(1.0, 1.0), 0.0, 10.0, tensorOf(1.5, 1.0, 3.0, 1.0)) { u, p, _ ->
    Tensor.stack(p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1])
}
val sol = solve(prob, Tsit5()) { saveat = 0.1; rtol = 1e-6; atol = 1e-6 }
val g = gradient(prob.p()) { q -> solve(prob.remake(q), Tsit5()) { saveat = 0.1 }.u().sum() }
// README:end

/** The README's Kotlin quick start (the marked part above, verbatim): its solution and gradient; ReadmeSpec runs it. */
fun quickStartKotlin(): Pair<OdeSolution, Tensor> = sol to g
