package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.autodiff.ColumnColoring
import dev.fluxion.diffeq.FlatStateOps
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeTerm
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.SparseJacobian
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.random.Random

/** The Jacobian's sparsity detected from f's trace, coloured, compressed into few lanes, and W factored by a banded LU: the 1-D Brusselator with 2 × 512 states. */
class SparseJacobianSpec : FunSpec({
    val n = 512
    val size = 2 * n
    val term = OdeTerm.of(Brusselator.f(n))
    val u0 = Brusselator.u0(n)
    val p = Brusselator.p

    test("the pattern detected from the trace is the dense AD Jacobian's nonzeros at a random point, and 5 colours cover it") {
        val cf = term.compiled(u0, p)!!
        val pattern = cf.jacobianSparsity(0)
        val rnd = Random(7)
        val y = Tensor.of(*DoubleArray(size) { 0.5 + rnd.nextDouble() })
        val j = AD.jacobian({ x -> Brusselator.f(n).apply(x, p, Tensor.scalar(0.0)) }, y).toDoubleArray()
        var nonzeros = 0
        for (r in 0 until size) for (c in 0 until size) {
            val nz = j[r * size + c] != 0.0
            if (nz) nonzeros++
            pattern.contains(r, c) shouldBe nz
        }
        pattern.nnz() shouldBe nonzeros
        pattern.nnz() shouldBe 4 * size - 4   // each row: itself, its partner species, two neighbours (one at each end)
        pattern.bandwidths().toList() shouldBe listOf(2, 2)
        val colouring = ColumnColoring.of(pattern)
        println("Brusselator 2×$n: ${pattern.nnz()} entries, ${colouring.colours()} colours")
        colouring.colours() shouldBeLessThanOrEqual 5   // bandwidth (2, 2): at most kl + ku + 1 = 5 (4 here: the rows have 4 entries)
        // structurally orthogonal: no row has two columns of one colour
        for (r in 0 until size) {
            val cols = (pattern.rowStart()[r] until pattern.rowStart()[r + 1]).map { pattern.columns()[it] }
            cols.map { colouring.colour(it) }.toSet().size shouldBe cols.size
        }
    }

    test("the compressed Jacobian (5 lanes, decompressed) equals the dense one; the solve's plan is banded, in natural order") {
        val ops = FlatStateOps.of(term.compiled(u0, p)!!, p, u0.shape())
        val plan = ops.sparseJacobianPlan().shouldNotBeNull()
        plan.banded().shouldBeTrue()
        plan.reordered().shouldBeFalse()
        plan.bandwidths()!!.toList() shouldBe listOf(2, 2)
        val rnd = Random(3)
        val y = DoubleArray(size) { 0.5 + rnd.nextDouble() }
        val sparse = ops.jacobian(y, 0.0)
        (sparse is SparseJacobian).shouldBeTrue()
        val dense = FlatStateOps.of(term.compiled(u0, p)!!, p, u0.shape()).sparseJacobian(false).jacobian(y, 0.0)
        (dense is SparseJacobian).shouldBeFalse()
        sparse.values().indices.maxOf { abs(sparse.values()[it] - dense.values()[it]) } shouldBe 0.0
        // W = c·I − J by the banded LU solves what the dense LU solves
        val b = DoubleArray(size) { rnd.nextDouble() - 0.5 }
        val xs = sparse.factorW(40.0, null).solve(b)
        val xd = dense.factorW(40.0, null).solve(b)
        xs.indices.maxOf { abs(xs[it] - xd[it]) } shouldBeLessThan 1e-12
    }

    val ref = Reference.load("brusselator_1d.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()
    for (alg in listOf<OdeAlgorithm>(Rodas5P(), Rosenbrock23())) {
        test("${alg.name()}: Brusselator 2×$n on [0, 10] with the detected sparse Jacobian matches SciPy's Radau") {
            val rtol = if (alg is Rosenbrock23) 1e-5 else 1e-8
            val o = SolveOptions.defaults().rtol(rtol).atol(rtol).saveat(*refT)
            val start = System.nanoTime()
            val sol = Brusselator.problem(n).solve(alg, o)
            val seconds = (System.nanoTime() - start) / 1e9
            sol.retcode() shouldBe ReturnCode.SUCCESS
            val u = sol.u().toDoubleArray()
            var err = 0.0
            for (i in refT.indices) for (k in 0 until size) err = maxOf(err, abs(u[i * size + k] - refU[i][k]) / (abs(refU[i][k]) + 1e-3))
            println("${alg.name()} sparse 2×$n rtol=$rtol: max rel error vs Radau %.2e, %s, %.2f s".format(err, sol.stats(), seconds))
            err shouldBeLessThan (if (alg is Rosenbrock23) 2e-3 else 2e-6)
        }

        test("${alg.name()}: Brusselator 2×$n, sparse and dense paths agree (a short span: the dense LU of 1024² is the slow part)") {
            val o = SolveOptions.defaults().rtol(1e-8).atol(1e-8).saveat(0.01, 0.02)
            val sparse = Brusselator.problem(n, 0.02).solve(alg, o)
            val dense = Brusselator.problem(n, 0.02).solve(alg, o.sparseJacobian(false))
            sparse.stats().acceptedSteps() shouldBe dense.stats().acceptedSteps()
            val a = sparse.u().toDoubleArray()
            val b = dense.u().toDoubleArray()
            val diff = a.indices.maxOf { abs(a[it] - b[it]) }
            println("${alg.name()} 2×$n: sparse vs dense max difference %.1e over %d steps".format(diff, sparse.stats().acceptedSteps()))
            diff shouldBeLessThan 1e-10
        }
    }

    test("species in blocks [u…, v…] (bandwidth n): reverse Cuthill–McKee finds the band again, and the solve matches the interleaved one") {
        val m = 64
        val blocked = dev.fluxion.diffeq.OdeFunction { y, q, t ->
            val inter = Tensor.stack(1, y.slice(0, 0, m), y.slice(0, m, 2 * m)).reshape(2 * m)
            val d = Brusselator.f(m).apply(inter, q, t).reshape(m, 2)
            Tensor.concat(0, d.slice(1, 0, 1).reshape(m), d.slice(1, 1, 2).reshape(m))
        }
        val y0i = Brusselator.u0(m).reshape(m, 2)
        val y0 = Tensor.concat(0, y0i.slice(1, 0, 1).reshape(m), y0i.slice(1, 1, 2).reshape(m))
        val t = OdeTerm.of(blocked)
        val plan = FlatStateOps.of(t.compiled(y0, p)!!, p, y0.shape()).sparseJacobianPlan().shouldNotBeNull()
        plan.reordered().shouldBeTrue()
        val bw = plan.bandwidths()!!
        println("blocked Brusselator 2×$m: natural bandwidths ${plan.pattern().bandwidths().toList()}, after RCM ${bw.toList()}, ${plan.colours()} colours")
        (bw[0] + bw[1]) shouldBeLessThanOrEqual 8
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-8).saveat(1.0, 5.0)
        val a = dev.fluxion.diffeq.OdeProblem(blocked, y0, 0.0, 5.0, p).solve(Rodas5P(), o).u().toDoubleArray()
        val b = Brusselator.problem(m, 5.0).solve(Rodas5P(), o).u().rows2(m)
        a.indices.maxOf { abs(a[it] - b[it]) } shouldBeLessThan 1e-6
    }

    test("a mass matrix inside the band keeps the banded LU, one outside falls back to the dense LU: both match the dense path") {
        val m = 32
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-8).saveat(0.5, 1.0)
        for (far in listOf(false, true)) {
            val mm = DoubleArray(4 * m * m) { k -> if (k / (2 * m) == k % (2 * m)) 2.0 else 0.0 }
            mm[1] = 0.5                       // inside the band (kl = ku = 2)
            if (far) mm[2 * m - 1] = 0.5      // row 0, last column: outside it
            val mass = Tensor.of(dev.fluxion.tensor.Shape.of(2 * m, 2 * m), *mm)
            val prob = Brusselator.problem(m, 1.0).withMassMatrix(mass)
            val a = prob.solve(Rodas5P(), o).u().toDoubleArray()
            val b = prob.solve(Rodas5P(), o.sparseJacobian(false)).u().toDoubleArray()
            val diff = a.indices.maxOf { abs(a[it] - b[it]) }
            println("mass matrix ${if (far) "outside" else "inside"} the band: sparse vs dense %.1e".format(diff))
            diff shouldBeLessThan 1e-9
        }
    }

    test("small states keep dense lanes unless asked; sparseJacobian(true) forces the sparse path and gives the same solution") {
        val rob = StiffProblems.robertson(1e3)
        val cf = rob.term().compiled(rob.u0(), rob.p())!!
        FlatStateOps.of(cf, rob.p(), rob.u0().shape()).sparseJacobianPlan().shouldBeNull()
        FlatStateOps.of(cf, rob.p(), rob.u0().shape()).sparseJacobian(true).sparseJacobianPlan().shouldNotBeNull()
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(1.0, 100.0, 1e3)
        val a = rob.solve(Rodas5P(), o.sparseJacobian(true)).u().toDoubleArray()
        val b = rob.solve(Rodas5P(), o).u().toDoubleArray()
        a.indices.maxOf { abs(a[it] - b[it]) / (abs(b[it]) + 1e-12) } shouldBeLessThan 1e-10
    }
})

/** Rows of the interleaved solution [t, 2m] reordered into blocks [u…, v…] per row. */
private fun Tensor.rows2(m: Int): DoubleArray {
    val d = toDoubleArray()
    val rows = d.size / (2 * m)
    return DoubleArray(d.size) { k ->
        val r = k / (2 * m)
        val j = k % (2 * m)
        if (j < m) d[r * 2 * m + 2 * j] else d[r * 2 * m + 2 * (j - m) + 1]
    }.also { require(rows * 2 * m == d.size) }
}
