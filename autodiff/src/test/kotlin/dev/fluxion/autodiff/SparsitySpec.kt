package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlin.random.Random

/**
 * Jacobian sparsity by dependency propagation through a trace: for each class of op the pattern is
 * the nonzeros of the dense Jacobian at a random point (no accidental zeros there), or a superset
 * where the op mixes (conservative); and the column colouring is valid.
 */
class SparsitySpec : FunSpec({
    val rnd = Random(11)
    fun randomVector(n: Int) = Tensor.of(*DoubleArray(n) { 0.5 + rnd.nextDouble() })

    /** The pattern detected from f's trace against the dense forward-mode Jacobian's nonzeros. */
    fun check(name: String, n: Int, exact: Boolean = true, f: (Tensor) -> Tensor) {
        test("$name: the detected pattern ${if (exact) "equals" else "contains"} the Jacobian's nonzeros") {
            val x = randomVector(n)
            val cf = Jit.compile(MultiTensorFunction { a -> f(a[0]) }, x)
            val pattern = cf.jacobianSparsity(0)
            val j = AD.jacobian({ y -> f(y).flatten() }, x)
            val m = j.shape().dim(0)
            val jv = j.toDoubleArray()
            pattern.rows() shouldBe m
            pattern.cols() shouldBe n
            for (r in 0 until m) for (c in 0 until n) {
                val nz = jv[r * n + c] != 0.0
                withClue("entry ($r, $c)") {
                    if (exact) pattern.contains(r, c) shouldBe nz
                    else if (nz) pattern.contains(r, c) shouldBe true
                }
            }
            val colouring = ColumnColoring.of(pattern)
            for (r in 0 until m) {
                val cols = (pattern.rowStart()[r] until pattern.rowStart()[r + 1]).map { pattern.columns()[it] }
                cols.map { colouring.colour(it) }.toSet().size shouldBe cols.size
            }
        }
    }

    check("elementwise with broadcasting and scalars", 6) { x -> (x.sin() * x.reshape(2, 3).sum(0).broadcastTo(2, 3).flatten() + 1.0).exp() }
    check("a product with a constant zero and x⁰ carry nothing", 4) { x -> x * Tensor.of(1.0, 0.0, 2.0, 0.0) + x.pow(0.0) + x * 0.0 }
    check("shape ops: reshape, transpose, slice, concat, stack, pad", 12) { x ->
        val m = x.reshape(3, 4).transpose()
        Tensor.concat(0, m.slice(0, 1, 3).flatten(), Tensor.stack(x.get(0), x.get(11)), x.slice(0, 2, 5).square())
    }
    check("reductions: sums over an axis, sum", 12) { x ->
        val m = x.reshape(3, 4)
        Tensor.concat(0, m.sum(0), m.sum(1, true).flatten(), x.sum().reshape(1))
    }
    // a maximum's derivative goes to the largest element only, which depends on the point: all of the row is kept
    check("a maximum along an axis keeps every element it compares (conservative)", 12, exact = false) { x -> x.reshape(3, 4).max(1) }
    check("a constant tridiagonal matrix times x keeps the band", 8) { x ->
        val a = Tensor.of(Array(8) { i -> DoubleArray(8) { j -> if (kotlin.math.abs(i - j) <= 1) (i + 2.0 * j + 1.0) else 0.0 } })
        a.matmul(x)
    }
    check("where with a constant condition takes one branch", 4) { x -> Tensor.where(Tensor.of(1.0, 0.0, 1.0, 0.0), x, x.reshape(2, 2).transpose().flatten()) }
    check("a linear combination skips zero coefficients", 3) { x -> Tensor.linearCombination(doubleArrayOf(2.0, 0.0), x.sin(), x.slice(0, 0, 1).broadcastTo(3)) }
    check("a solve mixes everything (conservative)", 4, exact = false) { x ->
        Tensor.solve(x.reshape(2, 2) + Tensor.eye(2) * 3.0, Tensor.of(1.0, 2.0))
    }

    test("a solve is conservative: every output depends on every input") {
        val x = randomVector(4)
        val cf = Jit.compile(MultiTensorFunction { a -> Tensor.solve(a[0].reshape(2, 2) + Tensor.eye(2) * 3.0, Tensor.of(1.0, 2.0)) }, x)
        cf.jacobianSparsity(0).nnz() shouldBe 8
    }

    test("colouring a band of bandwidths (kl, ku) takes at most kl + ku + 1 colours; the seeds sum each colour's columns") {
        for ((kl, ku) in listOf(0 to 0, 1 to 1, 2 to 2, 1 to 3)) {
            val n = 40
            val rows = Array(n) { i -> (maxOf(0, i - kl)..minOf(n - 1, i + ku)).toList().toIntArray() }
            val pattern = SparsityPattern.ofRows(n, rows)
            val c = ColumnColoring.of(pattern)
            c.colours() shouldBeLessThanOrEqual kl + ku + 1
            val seeds = c.seeds()
            for (j in 0 until n) for (k in 0 until c.colours()) seeds[k * n + j] shouldBe (if (c.colour(j) == k) 1.0 else 0.0)
        }
    }
})
