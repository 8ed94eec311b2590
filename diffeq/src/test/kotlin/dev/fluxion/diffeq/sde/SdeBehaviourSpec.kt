package dev.fluxion.diffeq.sde

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.sqrt

/** The Brownian tree's determinism and law, noise forms, plans, options, and failures as return codes or named errors. */
class SdeBehaviourSpec : FunSpec({
    val lv = OdeFunction { u, p, _ ->
        Tensor.stack(p[0] * u[0] - p[1] * u[0] * u[1], p[3] * u[0] * u[1] - p[2] * u[1])
    }
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val prob = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, Tensor.of(1.0, 1.0), 0.0, 10.0, p)

    test("the Brownian tree gives the same W(t) in any order of queries and from a fresh tree; increments add up") {
        val ts = DoubleArray(200) { it * 0.05 + 0.013 }
        val a = BrownianTree(42, 0.0, 10.0, 3)
        val forward = ts.map { a.w(it).toList() }
        val b = BrownianTree(42, 0.0, 10.0, 3)
        val backward = ts.reversed().map { b.w(it).toList() }.reversed()
        forward shouldBe backward
        val dW = DoubleArray(3)
        b.increment(1.0, 2.5, dW, null)
        for (k in 0..2) abs(dW[k] - (a.w(2.5)[k] - a.w(1.0)[k])) shouldBeLessThan 1e-14
        BrownianTree(43, 0.0, 10.0, 3).w(5.0).toList() shouldNotBe a.w(5.0).toList()
    }

    test("the tree's increments have the Brownian law on a non-dyadic interval: mean 0, variance h, Lévy area variance h/12 and independent of ΔW, independent neighbours") {
        val paths = 4000
        val h = 0.3
        var m = 0.0; var v = 0.0; var vh = 0.0; var cross = 0.0; var wh = 0.0
        val dW = DoubleArray(1); val lv = DoubleArray(1); val dW2 = DoubleArray(1)
        for (s in 1..paths) {
            val tree = BrownianTree(s.toLong(), 0.0, 1.0, 1)
            tree.increment(0.2, 0.2 + h, dW, lv)
            tree.increment(0.2 + h, 0.2 + 2 * h, dW2, null)
            m += dW[0]; v += dW[0] * dW[0]; vh += lv[0] * lv[0]; cross += dW[0] * dW2[0]; wh += dW[0] * lv[0]
        }
        val se = h * sqrt(2.0 / paths)
        abs(m / paths) shouldBeLessThan 4 * sqrt(h / paths)
        abs(v / paths - h) shouldBeLessThan 4 * se
        abs(vh / paths - h / 12) shouldBeLessThan 4 * (h / 12) * sqrt(2.0 / paths)
        abs(cross / paths) shouldBeLessThan 4 * h / sqrt(paths.toDouble())
        abs(wh / paths) shouldBeLessThan 4 * h / sqrt(12.0 * paths)
    }

    test("the same seed gives the same solution on another thread; the flat and tensor plans agree bit for bit") {
        val o = SolveOptions.defaults().saveat(0.1).seed(9)
        val a = prob.solve(SOSRI(), o).u().toDoubleArray()
        var b = DoubleArray(0)
        Thread { b = prob.solve(SOSRI(), o).u().toDoubleArray() }.also { it.start() }.join()
        b.toList() shouldBe a.toList()
        prob.solve(SOSRI(), o.compile(false)).u().toDoubleArray().toList() shouldBe a.toList()
        prob.solve(SOSRI(), SolveOptions.defaults().saveat(0.1).seed(10)).u().toDoubleArray().toList() shouldNotBe a.toList()
    }

    test("saveat times are stepped to; adaptive SOSRI reaches the end with a reasonable number of steps and rejections") {
        val sol = prob.solve(SOSRI(), SolveOptions.defaults().saveat(0.1).seed(1))
        sol.retcode() shouldBe ReturnCode.SUCCESS
        sol.size() shouldBe 101
        abs(sol.t()[37] - 3.7) shouldBeLessThan 1e-12
    }

    test("landing on saved times does not hold the steps down: after a landing the step resumes from the one proposed before it (qmax is 9/8)") {
        // Restarting from each shortened remainder, saveat 0.01 took 1.8x the steps of saveat 0.1 on
        // these paths (12648 against 7163); resuming, the extra stops cost little (about 1.15x).
        for (seed in 1L..3L) {
            val sparse = prob.solve(SOSRI(), SolveOptions.defaults().saveat(0.1).seed(seed)).stats().acceptedSteps()
            val dense = prob.solve(SOSRI(), SolveOptions.defaults().saveat(0.01).seed(seed)).stats().acceptedSteps()
            dense.toDouble() shouldBeLessThan 1.3 * sparse
        }
    }

    test("adaptive steps end on the path's dyadic grid, and the controller goes on from its proposals: as many steps as unaligned solves, the same solutions to the method's error") {
        // Rounded ends fed back as the next proposal stuck at one grid multiple while the
        // controller asked for slow growth: 2.5 % more steps on the stochastic LV (7001 against 6832)
        val o = SolveOptions.defaults().saveat(0.1)
        fun run(seed: Long) = prob.solve(SOSRI(), o.seed(seed))
        val seeds = 2000L until 2060L
        val aligned = seeds.map { run(it) }
        val unaligned = try {
            SdeStepper.ALIGN = false
            seeds.map { run(it) }
        } finally {
            SdeStepper.ALIGN = true
        }
        val na = aligned.sumOf { it.stats().acceptedSteps() }.toDouble()
        val nu = unaligned.sumOf { it.stats().acceptedSteps() }.toDouble()
        println("accepted steps over ${seeds.count()} seeds: aligned $na, unaligned $nu")
        abs(na / nu - 1) shouldBeLessThan 0.01
        // the same path: each solve's values at the saved times agree to the method's error
        for ((a, u) in aligned.zip(unaligned)) {
            val x = a.u().toDoubleArray(); val y = u.u().toDoubleArray()
            for (i in x.indices) abs(x[i] - y[i]) shouldBeLessThan 0.05 * (1 + abs(y[i]))
        }
        // the steps' ends between saved times lie on the grid: lo + k·g with g = 2⁻ᴸ·10 < h/4 (checked on a grid
        // twice as fine, which holds every point of the coarser one whatever the rounding of 10/h)
        val ts = prob.solve(SOSRI(), SolveOptions.defaults().seed(2000)).t()
        var onGrid = 0
        for (i in 1 until ts.size - 1) {
            val h = ts[i] - ts[i - 1]
            val g = Math.scalb(10.0, -(Math.getExponent(10.0 / h) + 5))
            if (ts[i] == Math.rint(ts[i] / g) * g) onGrid++
        }
        onGrid shouldBe ts.size - 2
    }

    test("scalar and general noise: one Wiener process for all components, or g [n, m] with m processes") {
        val scalar = prob.withNoise(NoiseKind.SCALAR)
        scalar.solve(SRIW1(), SolveOptions.defaults().seed(2)).retcode() shouldBe ReturnCode.SUCCESS
        // general noise with m = 1 equal to scalar noise: the same path, the same EM steps
        val general = SdeProblem(lv, { u, _, _ -> u.times(0.1).reshape(2, 1) }, Tensor.of(1.0, 1.0), 0.0, 10.0, p)
            .withNoise(NoiseKind.GENERAL, 1)
        val o = SolveOptions.defaults().dt(0.01).seed(4)
        val a = general.solve(EM(), o).last().toDoubleArray()
        val b = scalar.solve(EM(), o).last().toDoubleArray()
        for (i in a.indices) abs(a[i] - b[i]) shouldBeLessThan 1e-12
        shouldThrow<IllegalArgumentException> { general.solve(SRIW1(), o) }.message shouldContain "general noise"
    }

    test("bad input is a named error: g of the wrong shape, a fixed-step method without dt, a backwards span") {
        val bad = SdeProblem(lv, { u, _, _ -> u.sum() }, Tensor.of(1.0, 1.0), 0.0, 1.0, p)
        shouldThrow<IllegalArgumentException> { bad.solve(EM(), SolveOptions.defaults().dt(0.1)) }.message shouldContain "diffusion g returned"
        shouldThrow<IllegalArgumentException> { bad.solve(EM(), SolveOptions.defaults().dt(0.1).compile(false)) }.message shouldContain "diagonal noise"
        val gen = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, Tensor.of(1.0, 1.0), 0.0, 1.0, p).withNoise(NoiseKind.GENERAL, 3)
        shouldThrow<IllegalArgumentException> { gen.solve(EM(), SolveOptions.defaults().dt(0.1)) }.message shouldContain "[2, 3]"
        shouldThrow<IllegalArgumentException> { prob.solve(EM()) }.message shouldContain "dt"
        shouldThrow<IllegalArgumentException> { prob.withTspan(1.0, 0.0).solve(SOSRI()) }.message shouldContain "forward in time"
    }

    test("a solve that blows up ends with a return code, never a hang or an exception") {
        val boom = SdeProblem({ u, _, _ -> u.square().times(10.0) }, { u, _, _ -> u.times(0.1) }, Tensor.of(1.0, 1.0), 0.0, 10.0)
        boom.solve(EM(), SolveOptions.defaults().dt(0.01).seed(1)).retcode() shouldBe ReturnCode.UNSTABLE
        val rc = boom.solve(SOSRI(), SolveOptions.defaults().seed(1)).retcode()
        rc.successful() shouldBe false
    }
})
