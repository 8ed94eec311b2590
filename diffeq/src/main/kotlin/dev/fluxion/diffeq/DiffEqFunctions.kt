@file:JvmName("DiffEqFunctions")

package dev.fluxion.diffeq

import dev.fluxion.tensor.Tensor

/**
 * Kotlin's named-argument face of [SolveOptions]:
 * `solve(prob, Tsit5()) { saveat = 0.1; rtol = 1e-8; atol = 1e-8 }`.
 */
class SolveOptionsBuilder internal constructor(private var o: SolveOptions) {
    var rtol: Double
        get() = o.rtol()
        set(v) { o = o.rtol(v) }
    var atol: Double
        get() = o.atol()
        set(v) { o = o.atol(v) }
    /** A step (t0:Δ:t1) ... */
    var saveat: Double
        get() = o.saveatStep()
        set(v) { o = o.saveat(v) }
    /** ... or explicit times. */
    var saveatTimes: DoubleArray?
        get() = o.saveatTimes()
        set(v) { o = if (v == null) o.withoutSaveat() else o.saveat(*v) }
    var dt: Double
        get() = o.dt()
        set(v) { o = o.dt(v) }
    var adaptive: Boolean?
        get() = o.adaptive()
        set(v) { if (v != null) o = o.adaptive(v) }
    var dense: Boolean?
        get() = o.dense()
        set(v) { if (v != null) o = o.dense(v) }
    var saveEverystep: Boolean?
        get() = o.saveEverystep()
        set(v) { if (v != null) o = o.saveEverystep(v) }
    var dtmin: Double
        get() = o.dtmin()
        set(v) { o = o.dtmin(v) }
    var dtmax: Double
        get() = o.dtmax()
        set(v) { o = o.dtmax(v) }
    var maxiters: Int
        get() = o.maxiters()
        set(v) { o = o.maxiters(v) }
    var tstops: DoubleArray
        get() = o.tstops()
        set(v) { o = o.tstops(*v) }
    var sensealg: SensitivityAlgorithm?
        get() = o.sensealg()
        set(v) { o = o.sensealg(v) }
    var compile: Boolean?
        get() = o.compile()
        set(v) { if (v != null) o = o.compile(v) }

    internal fun build(): SolveOptions = o
}

/** Solves [prob] with [alg]; options set in the block. */
fun solve(prob: OdeProblem, alg: OdeAlgorithm, options: SolveOptionsBuilder.() -> Unit = {}): OdeSolution =
    prob.solve(alg, SolveOptionsBuilder(SolveOptions.defaults()).apply(options).build())

/** An ODE problem from a trailing right-hand side: `odeProblem(u0, 0.0, 10.0, p) { u, p, t -> ... }`. */
fun odeProblem(u0: Tensor, t0: Double, t1: Double, p: Tensor? = null, f: (Tensor, Tensor, Tensor) -> Tensor): OdeProblem =
    OdeProblem(OdeFunction(f), u0, t0, t1, p)
