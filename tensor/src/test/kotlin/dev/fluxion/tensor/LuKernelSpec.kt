package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

// The LU kernel shared by the flat plan (LuDecomposition) and the tensor plan (Tensor.lu(),
// Lu.solve): the factors reproduce PA = LU, solves satisfy their systems, and the two plans give
// the same bits. Derivatives are checked in autodiff's LinalgGradSpec (OpCatalog.linalg).

private fun wellConditioned(r: Random, n: Int) = G.tensor(r, intArrayOf(n, n), -1.0, 1.0).plus(Tensor.eye(n).times(n.toDouble()))

/** L (unit lower), U and the row permutation perm (row i of PA is row perm[i] of A) from packed factors. */
private fun unpack(f: DoubleArray, n: Int): Triple<Array<DoubleArray>, Array<DoubleArray>, IntArray> {
    val l = Array(n) { i -> DoubleArray(n) { j -> if (j < i) f[i * n + j] else if (i == j) 1.0 else 0.0 } }
    val u = Array(n) { i -> DoubleArray(n) { j -> if (j >= i) f[i * n + j] else 0.0 } }
    val perm = IntArray(n) { it }
    for (k in 0 until n) {
        val p = f[n * n + k].toInt()
        val t = perm[k]; perm[k] = perm[p]; perm[p] = t
    }
    return Triple(l, u, perm)
}

private fun bits(a: DoubleArray) = a.map { it.toRawBits() }

class LuKernelSpec : FunSpec({
    test("the factors satisfy PA = LU with |multipliers| <= 1 (partial pivoting), for general random matrices") {
        checkAll(propConfig(61L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 9)
            val a = G.tensor(r, intArrayOf(n, n))   // no diagonal shift: row interchanges happen
            val av = a.toDoubleArray()
            val f = LuDecomposition.factor(av, n).packedFactors()
            val (l, u, perm) = unpack(f, n)
            val lu = DoubleArray(n * n) { k -> val i = k / n; val j = k % n; (0 until n).sumOf { l[i][it] * u[it][j] } }
            val pa = DoubleArray(n * n) { k -> av[perm[k / n] * n + k % n] }
            withClue("n = $n") {
                assertValues("PA = LU", lu, pa, 1e-13)
                for (i in 0 until n) for (j in 0 until i) (kotlin.math.abs(l[i][j]) <= 1.0) shouldBe true
            }
            assertValues("a is not modified", av, a.toDoubleArray())
        }
    }

    test("solve and solveTransposed satisfy A x = b and Aᵀ x = b; refactor reuses the storage and agrees with factor") {
        checkAll(propConfig(62L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 9)
            val a = if (r.nextBoolean()) wellConditioned(r, n) else G.tensor(r, intArrayOf(n, n))
            val b = G.tensor(r, intArrayOf(n))
            val dec = LuDecomposition(n).refactor(G.tensor(r, intArrayOf(n, n)).toDoubleArray()).refactor(a.toDoubleArray())
            dec.isSingular() shouldBe false
            dec.singularColumn() shouldBe -1
            bits(dec.packedFactors()) shouldBe bits(LuDecomposition.factor(a.toDoubleArray(), n).packedFactors())
            val x = b.toDoubleArray().also { dec.solve(it) }
            val xt = b.toDoubleArray().also { dec.solveTransposed(it) }
            val scale = 1e-10 * (1 + a.abs().max().item())
            withClue("n = $n, A = $a") {
                assertValues("A x = b", a.matmul(Tensor.of(*x)).toDoubleArray(), b.toDoubleArray(), scale)
                assertValues("Aᵀ x = b", a.transpose().matmul(Tensor.of(*xt)).toDoubleArray(), b.toDoubleArray(), scale)
            }
        }
    }

    test("Tensor.lu() runs the flat kernel: same factors and same solutions bit for bit, eager and as a compiled kernel") {
        checkAll(propConfig(63L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 7)
            val a = if (r.nextBoolean()) wellConditioned(r, n) else G.tensor(r, intArrayOf(n, n))
            val dec = LuDecomposition.factor(a.toDoubleArray(), n)
            val lu = a.lu()
            lu.size() shouldBe n
            lu.factors().shape() shouldBe Shape.of(n + 1, n)
            bits(lu.factors().toDoubleArray()) shouldBe bits(dec.packedFactors())
            bits(runKernel(LuOps.Factor.INSTANCE, a).toDoubleArray()) shouldBe bits(dec.packedFactors())

            val b = G.tensor(r, intArrayOf(n))
            bits(lu.solve(b).toDoubleArray()) shouldBe bits(b.toDoubleArray().also { dec.solve(it) })
            bits(lu.solveTransposed(b).toDoubleArray()) shouldBe bits(b.toDoubleArray().also { dec.solveTransposed(it) })

            // a matrix right-hand side: each column as its own vector solve, bit for bit
            val k = r.nextInt(1, 4)
            val bm = G.tensor(r, intArrayOf(n, k))
            for (transposed in listOf(false, true)) {
                val xm = (if (transposed) lu.solveTransposed(bm) else lu.solve(bm))
                xm.shape() shouldBe bm.shape()
                val kernel = runKernel(LuOps.Solve.of(transposed), a, lu.factors(), bm)
                bits(kernel.toDoubleArray()) shouldBe bits(xm.toDoubleArray())
                for (c in 0 until k) {
                    val col = DoubleArray(n) { bm.toDoubleArray()[it * k + c] }
                    if (transposed) dec.solveTransposed(col) else dec.solve(col)
                    withClue("column $c, transposed = $transposed") {
                        bits(DoubleArray(n) { xm.toDoubleArray()[it * k + c] }) shouldBe bits(col)
                    }
                }
            }
        }
    }

    test("Lu.solve equals Tensor.solve (EJML) to 1e-12 for vector and matrix right-hand sides, n in 1..6") {
        checkAll(propConfig(64L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 7)
            val a = wellConditioned(r, n)
            val lu = a.lu()
            val bv = G.tensor(r, intArrayOf(n))
            val bm = G.tensor(r, intArrayOf(n, r.nextInt(1, 4)))
            assertValues("vector b", lu.solve(bv).toDoubleArray(), Tensor.solve(a, bv).toDoubleArray(), 1e-12)
            assertValues("matrix B", lu.solve(bm).toDoubleArray(), Tensor.solve(a, bm).toDoubleArray(), 1e-12)
            assertValues("transposed", lu.solveTransposed(bm).toDoubleArray(), Tensor.solve(a.transpose(), bm).toDoubleArray(), 1e-12)
            lu.isSingular() shouldBe false
        }
    }

    test("solveRepeated (reciprocal pivots; orders 1 to 4 written out) agrees with solve to rounding, in place at an offset, for every row interchange pattern up to n = 4 and random n up to 8") {
        fun permutations(n: Int): List<IntArray> =
            if (n == 0) listOf(IntArray(0)) else permutations(n - 1).flatMap { p -> (0..p.size).map { at -> (p.take(at) + (n - 1) + p.drop(at)).toIntArray() } }
        fun check(a: DoubleArray, n: Int, r: Random): String {
            val dec = LuDecomposition.factor(a, n)
            val b = G.tensor(r, intArrayOf(n)).toDoubleArray()
            val expected = b.clone().also { dec.solve(it) }
            val offset = r.nextInt(0, 4)
            val x = DoubleArray(offset + n + 2) { -7.0 }
            b.copyInto(x, offset)
            dec.solveRepeated(x, offset)
            val scale = expected.maxOf { kotlin.math.abs(it) }
            withClue("n = $n, offset = $offset") {
                assertValues("x", x.copyOfRange(offset, offset + n), expected, 1e-12 * scale)
                (0 until offset).forEach { x[it] shouldBe -7.0 }
                (offset + n until x.size).forEach { x[it] shouldBe -7.0 }
                bits(b.clone().also { dec.solveRepeated(it) }) shouldBe bits(x.copyOfRange(offset, offset + n))
            }
            val f = dec.packedFactors()
            return (0 until n).joinToString(",") { f[n * n + it].toInt().toString() }
        }
        val r = Random(66)
        for (n in 1..4) {
            val patterns = HashSet<String>()
            for (perm in permutations(n)) {
                // column diagonally dominant: partial pivoting keeps its rows in place, so the rows
                // permuted by perm are pivoted back by exactly perm's interchanges
                val m = Array(n) { i -> DoubleArray(n) { j -> if (i == j) n.toDouble() * (if (r.nextBoolean()) 1 else -1) else 0.9 * (2 * r.nextDouble() - 1) } }
                val a = DoubleArray(n * n) { m[perm[it / n]][it % n] }
                patterns.add(check(a, n, r))
            }
            patterns.size shouldBe (1..n).fold(1) { acc, k -> acc * k }
        }
        for (i in 0 until 40) {
            val n = r.nextInt(5, 9)
            check(G.tensor(r, intArrayOf(n, n)).toDoubleArray(), n, r)
        }
        shouldThrow<ArithmeticException> { LuDecomposition.factor(DoubleArray(9), 3).solveRepeated(DoubleArray(3)) }.message shouldContain "singular"
        shouldThrow<IllegalArgumentException> { LuDecomposition.factor(Tensor.eye(3).toDoubleArray(), 3).solveRepeated(DoubleArray(4), 2) }
            .message.let { it shouldContain "offset 2"; it shouldContain "3" }
    }

    test("a zero leading entry is pivoted away") {
        val a = Tensor.of(arrayOf(doubleArrayOf(0.0, 2.0, 1.0), doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 3.0)))
        val x = a.lu().solve(Tensor.of(4.0, 1.0, 7.0)).toDoubleArray()
        assertValues("x", x, doubleArrayOf(1.0, 1.0, 2.0), 1e-15)
    }

    test("a singular matrix: the flat plan reports it and refuses to solve; the tensor plan gives non-finite values, as Tensor.solve does") {
        val sing = doubleArrayOf(1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 1.0, 0.0, 1.0)   // row 2 = 2 · row 1
        val dec = LuDecomposition.factor(sing, 3)
        dec.isSingular() shouldBe true
        dec.singularColumn() shouldBe 2
        shouldThrow<ArithmeticException> { dec.solve(doubleArrayOf(1.0, 2.0, 3.0)) }.message.let {
            it shouldContain "singular"; it shouldContain "isSingular()"
        }
        shouldThrow<ArithmeticException> { dec.solveTransposed(doubleArrayOf(1.0, 2.0, 3.0)) }.message shouldContain "singular"
        LuDecomposition.factor(DoubleArray(4), 2).singularColumn() shouldBe 0

        val lu = Tensor.of(Shape.of(3, 3), *sing).lu()
        lu.isSingular() shouldBe true
        lu.solve(Tensor.of(1.0, 2.0, 3.0)).toDoubleArray().any { !it.isFinite() } shouldBe true
        Tensor.solve(Tensor.of(Shape.of(3, 3), *sing), Tensor.of(1.0, 2.0, 3.0)).toDoubleArray().any { !it.isFinite() } shouldBe true
    }

    test("shape errors name the operation and the shapes") {
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).lu() }.message.let { it shouldContain "lu"; it shouldContain "[2, 3]" }
        shouldThrow<IllegalArgumentException> { Tensor.ones(3).lu() }.message shouldContain "[3]"
        val lu = Tensor.eye(3).lu()
        shouldThrow<IllegalArgumentException> { lu.solve(Tensor.ones(4)) }.message.let {
            it shouldContain "solve"; it shouldContain "[3, 3]"; it shouldContain "[4]"
        }
        shouldThrow<IllegalArgumentException> { lu.solveTransposed(Tensor.ones(2, 2)) }.message.let {
            it shouldContain "solveTransposed"; it shouldContain "[2, 2]"
        }
        shouldThrow<IllegalArgumentException> { lu.solve(Tensor.scalar(1.0)) }.message shouldContain "[]"
        shouldThrow<IllegalArgumentException> { lu.solve(Tensor.ones(3, 2, 1)) }.message shouldContain "[3, 2, 1]"
        shouldThrow<IllegalArgumentException> { LuDecomposition(3).refactor(DoubleArray(4)) }.message shouldContain "9"
        shouldThrow<IllegalArgumentException> { LuDecomposition.factor(DoubleArray(9), 3).solve(DoubleArray(2)) }.message shouldContain "3"
    }
})
