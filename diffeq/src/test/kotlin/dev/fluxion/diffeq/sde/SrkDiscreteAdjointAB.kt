package dev.fluxion.diffeq.sde

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import java.lang.management.ManagementFactory

/**
 * A/B of ReverseTape through adaptive SOSRI on the seed's stochastic Lotka–Volterra (SdeBench's
 * case: [0, 10], saveat 0.1, rtol = atol = 1e-2, d/dp of Σ (u − 1)²): the tape through the
 * stepper's ops (SrkDiscreteAdjoint.forceTape) against the one-op discrete adjoint, alternating in
 * one JVM, timed by the thread's CPU time, with bytes allocated per gradient, and the plain forward
 * solve for scale. Not a spec: run its main on the test classpath (docs/BENCHMARKS.md has the command).
 */
object SrkDiscreteAdjointAB {
    @JvmStatic
    fun main(args: Array<String>) {
        val rounds = args.getOrNull(0)?.toInt() ?: 8
        val lv = OdeFunction { u, p, _ ->
            val x = u[0]
            val y = u[1]
            Tensor.stack(p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y)
        }
        val prob = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, Tensor.of(1.0, 1.0), 0.0, 10.0, Tensor.of(1.5, 1.0, 3.0, 1.0))
        val o = SolveOptions.defaults().saveat(0.1)
        val bean = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean
        val id = Thread.currentThread().id
        var seed = 1L
        fun grad() = AD.gradient({ q -> prob.withP(q).solve(SOSRI(), o.seed(seed++).sensealg(ReverseTape())).u().minus(1.0).square().sum() }, prob.p())
        fun fwd() = prob.solve(SOSRI(), o.seed(seed++)).u()
        // per case: CPU ms and bytes per call, over batches of reps calls
        fun measure(tape: Boolean?, reps: Int): DoubleArray {
            SrkDiscreteAdjoint.forceTape = tape == true
            try {
                val c0 = bean.currentThreadCpuTime
                val a0 = bean.getThreadAllocatedBytes(id)
                repeat(reps) { if (tape == null) fwd() else grad() }
                return doubleArrayOf((bean.currentThreadCpuTime - c0) / 1e6 / reps, (bean.getThreadAllocatedBytes(id) - a0).toDouble() / reps)
            } finally {
                SrkDiscreteAdjoint.forceTape = false
            }
        }
        repeat(3) { measure(true, 3); measure(false, 10); measure(null, 10) }   // warm-up
        val names = listOf("tape through the stepper's ops", "one op (SrkDiscreteAdjoint)", "forward solve only")
        val cases = listOf<Boolean?>(true, false, null)
        val reps = intArrayOf(3, 20, 20)
        val cpu = Array(3) { DoubleArray(rounds) }
        val bytes = Array(3) { DoubleArray(rounds) }
        for (r in 0 until rounds) {
            for (c in 0 until 3) {
                val m = measure(cases[c], reps[c])
                cpu[c][r] = m[0]
                bytes[c][r] = m[1]
            }
        }
        fun med(x: DoubleArray) = x.sorted()[x.size / 2]
        fun lo(x: DoubleArray) = x.minOrNull()!!
        fun hi(x: DoubleArray) = x.maxOrNull()!!
        println("| case | CPU ms per call, median (min–max) over $rounds rounds | MB allocated per call |")
        println("| --- | --- | --- |")
        for (c in 0 until 3) {
            println(String.format("| %s | %.2f (%.2f–%.2f) | %.2f |", names[c], med(cpu[c]), lo(cpu[c]), hi(cpu[c]), med(bytes[c]) / 1e6))
        }
        val ratios = DoubleArray(rounds) { cpu[0][it] / cpu[1][it] }
        println(String.format("tape / op per round: median %.1f× (%.1f–%.1f×); op / forward: %.2f×", med(ratios), lo(ratios), hi(ratios),
            med(cpu[1]) / med(cpu[2])))
    }
}
