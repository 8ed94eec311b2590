package dev.fluxion.autodiff

import dev.fluxion.tensor.AdBox
import dev.fluxion.tensor.ConcretizationException
import dev.fluxion.tensor.Dispatch
import dev.fluxion.tensor.Level
import dev.fluxion.tensor.Op
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.random.Random

// Tensor.lu() / Lu.solve beyond the derivative properties of OpCatalog.linalg: what a reverse tape
// records, that no mode refactors, and that a compiled program refactors the A it is given.

/** An outermost level that only counts the ops applied to tensors derived from the ones it wraps. */
private class CountingLevel : Level {
    private val tag = Levels.nextTag()
    val counts = HashMap<String, Int>()

    override fun tag() = tag
    override fun active() = true

    private inner class Box(inner: Tensor) : AdBox(this@CountingLevel, inner) {
        override fun kind() = "counted"
    }

    fun wrap(t: Tensor): Tensor = Tensor.wrap(Box(t))

    override fun apply(op: Op, inputs: Array<Tensor>): Tensor {
        counts.merge(op.name(), 1, Int::plus)
        for (i in inputs.indices) inputs[i] = Dispatch.strip(inputs[i], this)
        return wrap(Dispatch.apply(op, *inputs))
    }

    fun count(name: String) = counts[name] ?: 0
}

class LuSpec : FunSpec({
    test("one factorisation and K solves on a reverse tape: K entries, gradients equal solve's, and the backward pass does not refactor") {
        val r = Random(71L)
        for (k in 1..4) {
            val n = r.nextInt(2, 7)
            val a0 = Gen.permutedRows(r, Gen.wellConditioned(r, n))
            val bs = List(k) { Gen.uniform(r, intArrayOf(n, 2)) }
            val w = List(k) { Gen.uniform(r, intArrayOf(n, 2)) }
            val counter = CountingLevel()
            val tape = Tape()
            val a = tape.track(counter.wrap(a0))
            val b = tape.track(counter.wrap(bs[0]))
            val size0 = tape.size()
            val lu = a.lu()
            tape.size() shouldBe size0   // the factorisation is not a tape entry
            lu.factors().isPrimal() shouldBe false   // ... but it is a value of the counting level
            val xs = List(k) { i -> lu.solve(if (i == 0) b else bs[i]) }
            tape.size() shouldBe size0 + k
            val loss = Tensor.linearCombination(DoubleArray(k) { 1.0 }, *List(k) { xs[it].times(w[it]) }.toTypedArray()).sum()
            val (ga, gb) = tape.backward(loss, Tensor.scalar(1.0), a, b)
            tape.close()
            counter.count("lu") shouldBe 1
            counter.count("luSolve") shouldBe k
            counter.count("luSolveT") shouldBe k   // one transposed solve per solve's VJP, same factors

            val want = AD.gradients({ q ->
                Tensor.linearCombination(DoubleArray(k) { 1.0 }, *List(k) { i -> Tensor.solve(q[0], if (i == 0) q[1] else bs[i]).times(w[i]) }.toTypedArray()).sum()
            }, a0, bs[0])
            assertClose("dA (K = $k)", ga.primal(), want[0], 1e-12)
            assertClose("db (K = $k)", gb.primal(), want[1], 1e-12)
        }
    }

    test("forward lanes and forward-over-reverse factor once: the rules' solves reuse the factors") {
        val r = Random(72L)
        val n = 4
        val a0 = Gen.permutedRows(r, Gen.wellConditioned(r, n))
        val b0 = Gen.uniform(r, intArrayOf(n))
        val v = Gen.normal(r, a0.shape())
        val counter = CountingLevel()
        val a = counter.wrap(a0)
        val f = TensorFunction { q -> val lu = q.lu(); lu.solve(lu.solve(b0)).square().sum() }
        AD.jacobian({ q -> q.lu().solve(b0) }, a, n * n)   // one pass of n² lanes
        counter.count("lu") shouldBe 1
        counter.count("luSolve") shouldBe 2   // the value, then all lanes' tangents in one solve
        counter.counts.clear()
        val hv = AD.hvp(f, a, v)
        counter.count("lu") shouldBe 1
        assertClose("hvp", hv.primal(), FD.directional({ q -> AD.gradient(f, q) }, a0, v))
    }

    test("a compiled function refactors the matrix it is given: pivots are data, not baked in from the trace") {
        val r = Random(73L)
        val n = 5
        val f = MultiTensorFunction { xs -> val lu = xs[0].lu(); Tensor.stack(lu.solve(xs[1]), lu.solveTransposed(xs[1])) }
        val example = Gen.wellConditioned(r, n)          // diagonally dominant: no interchanges
        val cf = Jit.compile(f, example, Gen.uniform(r, intArrayOf(n)))
        repeat(3) {
            val a = Gen.permutedRows(r, Gen.wellConditioned(r, n))   // needs interchanges
            val b = Gen.uniform(r, intArrayOf(n))
            assertClose("compiled vs eager", cf.apply(a, b), f.apply(arrayOf(a, b)), 1e-15)
            assertClose("compiled vs Tensor.solve", cf.apply(a, b).get(0), Tensor.solve(a, b), 1e-12)
            val g = AD.gradient({ q -> cf.apply(q, b).square().sum() }, a)
            assertClose("gradient through the compiled function", g, AD.gradient({ q -> f.apply(arrayOf(q, b)).square().sum() }, a), 1e-12)
        }
    }

    test("isSingular reads values: it refuses while tracing, like item()") {
        shouldThrow<ConcretizationException> {
            Jit.compile(MultiTensorFunction { xs -> val lu = xs[0].lu(); if (lu.isSingular()) xs[0] else lu.matrix() }, Tensor.eye(2))
        }
    }
})
