package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import kotlin.random.Random

// Every differentiable op and composite of the Tensor API, each with a generator of valid random
// instances (shapes and values away from kinks, poles and singular matrices). The gradient specs
// run their group through every AD mode; CompiledEquivalenceSpec runs them all through Jit.

object OpCatalog {
    private fun shape(r: Random, minRank: Int = 0, maxRank: Int = 3, maxDim: Int = 4) = Gen.shape(r, minRank, maxRank, maxDim)

    // ------------------------------------------------------------------ elementwise

    private fun unary(name: String, domain: (Random, IntArray) -> Tensor, fn: (Tensor) -> Tensor) =
        case(name, gen = { r -> sample(domain(r, shape(r))) }) { x, _ -> fn(x[0]) }

    private val any = { r: Random, d: IntArray -> Gen.uniform(r, d) }
    private val pos = { r: Random, d: IntArray -> Gen.positive(r, d) }
    private val nonzero = { r: Random, d: IntArray -> Gen.awayFromZero(r, d) }

    val unary: List<OpCase> = listOf(
        unary("neg", any) { it.unaryMinus() },
        unary("abs", nonzero) { it.abs() },
        unary("exp", any) { it.exp() },
        unary("log", pos) { it.log() },
        unary("sqrt", pos) { it.sqrt() },
        unary("square", any) { it.square() },
        unary("sin", any) { it.sin() },
        unary("cos", any) { it.cos() },
        unary("tanh", any) { it.tanh() },
        // at 64 elements and more tanh's pullback is the fused TanhBackward op; its own JVP and VJP run in the second-order checks
        case("tanh on a batch (fused backward)", gen = { r -> sample(Gen.uniform(r, intArrayOf(8 + r.nextInt(4), 8 + r.nextInt(3)), -3.0, 3.0)) }) { x, _ -> x[0].tanh() },
        unary("sigmoid", { r, d -> Gen.uniform(r, d, -6.0, 6.0) }) { it.sigmoid() },
        unary("relu", nonzero) { it.relu() },
        unary("softplus", { r, d -> Gen.uniform(r, d, -6.0, 6.0) }) { it.softplus() },
        unary("sign (piecewise constant: zero derivative)", nonzero) { it.sign().plus(it) },
    )

    private fun scalarOp(name: String, domain: (Random, IntArray) -> Tensor, c: (Random) -> Double, fn: (Tensor, Double) -> Tensor) =
        case(name, gen = { r -> sample(domain(r, shape(r)), consts = doubleArrayOf(c(r))) }) { x, k -> fn(x[0], k[0]) }

    private val anyC = { r: Random -> -2.0 + 4.0 * r.nextDouble() }

    val scalarOps: List<OpCase> = listOf(
        scalarOp("plus(c)", any, anyC) { x, c -> x.plus(c) },
        scalarOp("minus(c)", any, anyC) { x, c -> x.minus(c) },
        scalarOp("times(c)", any, anyC) { x, c -> x.times(c) },
        scalarOp("div(c)", any, { r -> Gen.awayFromZero(r, IntArray(0)).item() }) { x, c -> x.div(c) },
        scalarOp("rsub(c)", any, anyC) { x, c -> x.rsub(c) },
        scalarOp("rdiv(c)", nonzero, anyC) { x, c -> x.rdiv(c) },
        scalarOp("pow(2)", any, { 2.0 }) { x, c -> x.pow(c) },
        scalarOp("pow(3)", any, { 3.0 }) { x, c -> x.pow(c) },
        scalarOp("pow(1)", any, { 1.0 }) { x, c -> x.pow(c) },
        scalarOp("pow(0)", any, { 0.0 }) { x, c -> x.pow(c) },
        scalarOp("pow(c) real c, positive base", pos, { r -> -2.5 + 5.0 * r.nextDouble() }) { x, c -> x.pow(c) },
        scalarOp("pow(-1) negative base", nonzero, { -1.0 }) { x, c -> x.pow(c) },
    )

    /** Binary ops on equal shapes and on random broadcast-compatible shapes. */
    private fun binary(name: String, broadcast: Boolean, domA: (Random, IntArray) -> Tensor, domB: (Random, IntArray) -> Tensor,
                       fn: (Tensor, Tensor) -> Tensor) =
        case(name, gen = { r ->
            val out = shape(r)
            val sa = if (broadcast) Gen.broadcastable(r, out) else out
            val sb = if (broadcast) Gen.broadcastable(r, out).let { if (r.nextBoolean()) out else it } else out
            sample(domA(r, sa), domB(r, sb))
        }) { x, _ -> fn(x[0], x[1]) }

    /** maximum/minimum with |a − b| ≥ 0.1 everywhere (no ties) after broadcasting. */
    private fun extremum(name: String, broadcast: Boolean, fn: (Tensor, Tensor) -> Tensor) =
        case(name, gen = { r ->
            val out = shape(r)
            val sa = if (broadcast) Gen.broadcastable(r, out) else out
            val sb = if (broadcast) out else out
            val a = Gen.uniform(r, sa)
            // b = a (broadcast) ± (0.1 .. 1.1): never within 0.1 of a.
            val gap = Gen.awayFromZero(r, sb, 0.1, 1.1)
            sample(a, a.broadcastTo(*sb).plus(gap))
        }) { x, _ -> fn(x[0], x[1]) }

    private val den = { r: Random, d: IntArray -> Gen.awayFromZero(r, d, 0.5, 2.0) }

    val binarySameShape: List<OpCase> = listOf(
        binary("add", false, any, any) { a, b -> a.plus(b) },
        binary("sub", false, any, any) { a, b -> a.minus(b) },
        binary("mul", false, any, any) { a, b -> a.times(b) },
        binary("div", false, any, den) { a, b -> a.div(b) },
        binary("pow (tensor exponent)", false, pos, any) { a, b -> a.pow(b) },
        extremum("maximum", false) { a, b -> a.maximum(b) },
        extremum("minimum", false) { a, b -> a.minimum(b) },
        binary("x * x (same tensor twice)", false, any, any) { a, _ -> a.times(a) },
    )

    val where: List<OpCase> = listOf(
        case("where(mask, a, b), broadcast", wrt = listOf(1, 2), gen = { r ->
            val out = shape(r)
            sample(Gen.mask(r, Gen.broadcastable(r, out)), Gen.uniform(r, Gen.broadcastable(r, out)), Gen.uniform(r, out))
        }) { x, _ -> Tensor.where(x[0], x[1], x[2]) },
        case("where(x > 0, x², −x)", gen = { r -> sample(Gen.awayFromZero(r, shape(r))) }) { x, _ ->
            Tensor.where(x[0].gt(0.0), x[0].square(), x[0].unaryMinus())
        },
    )

    /** Comparisons have no derivative; away from ties finite differences agree that it is zero. */
    val comparisons: List<OpCase> = listOf(
        case("comparisons gt/ge/lt/le/eq/ne with tensors and constants (zero derivative)", gen = { r ->
            val out = shape(r)
            val a = Gen.uniform(r, out)
            sample(a, a.plus(Gen.awayFromZero(r, out, 0.1, 1.1)), consts = doubleArrayOf(Gen.distinct(r, IntArray(0)).item()))
        }) { x, k ->
            val (a, b) = x
            Tensor.stack(a.gt(b), a.ge(b), a.lt(b), a.le(b), a.eq(b), a.ne(b), a.gt(k[0] + 3.5), a.le(-3.5), a.eq(10.0))
                .plus(a.times(b).unsqueeze(0))
        },
    )

    val elementwise: List<OpCase> = unary + scalarOps + binarySameShape + where + comparisons

    // ------------------------------------------------------------------ broadcasting

    private fun fixed(name: String, sa: IntArray, sb: IntArray, domB: (Random, IntArray) -> Tensor = any, fn: (Tensor, Tensor) -> Tensor) =
        case("$name ${sa.contentToString()} with ${sb.contentToString()}", gen = { r -> sample(Gen.uniform(r, sa), domB(r, sb)) }) { x, _ -> fn(x[0], x[1]) }

    val broadcasting: List<OpCase> = listOf(
        binary("add, broadcast", true, any, any) { a, b -> a.plus(b) },
        binary("sub, broadcast", true, any, any) { a, b -> a.minus(b) },
        binary("mul, broadcast", true, any, any) { a, b -> a.times(b) },
        binary("div, broadcast", true, any, den) { a, b -> a.div(b) },
        binary("pow, broadcast", true, pos, any) { a, b -> a.pow(b) },
        extremum("maximum, broadcast", true) { a, b -> a.maximum(b) },
        extremum("minimum, broadcast", true) { a, b -> a.minimum(b) },
        fixed("mul", intArrayOf(3, 1), intArrayOf(4)) { a, b -> a.times(b) },
        fixed("sub", intArrayOf(4), intArrayOf(3, 1)) { a, b -> a.minus(b) },
        fixed("mul", intArrayOf(), intArrayOf(2, 3)) { a, b -> a.times(b) },
        fixed("div", intArrayOf(2, 3), intArrayOf(), den) { a, b -> a.div(b) },
        fixed("add", intArrayOf(2, 1, 3), intArrayOf(4, 1)) { a, b -> a.plus(b) },
        fixed("mul", intArrayOf(1, 3), intArrayOf(2, 1, 1)) { a, b -> a.times(b) },
        fixed("add", intArrayOf(), intArrayOf()) { a, b -> a.plus(b) },
        case("broadcastTo (random target)", gen = { r ->
            val out = shape(r, 1)
            sample(Gen.uniform(r, Gen.broadcastable(r, out)), consts = out.map { it.toDouble() }.toDoubleArray())
        }) { x, k -> x[0].broadcastTo(*k.map { it.toInt() }.toIntArray()) },
        case("sumTo (random target)", gen = { r ->
            val full = shape(r, 1)
            val target = Gen.broadcastable(r, full)
            sample(Gen.uniform(r, full), consts = target.map { it.toDouble() }.toDoubleArray())
        }) { x, k -> x[0].sumTo(dev.fluxion.tensor.Shape.of(*k.map { it.toInt() }.toIntArray())) },
    )

    // ------------------------------------------------------------------ reductions

    /** A random axis of a shape of rank ≥ 1, negative half the time. */
    private fun axis(r: Random, rank: Int): Int = r.nextInt(rank).let { if (r.nextBoolean()) it - rank else it }

    private fun reduction(name: String, dom: (Random, IntArray) -> Tensor, withAxis: Boolean, fn: (Tensor, Int, Boolean) -> Tensor) =
        case(name, gen = { r ->
            val d = shape(r, if (withAxis) 1 else 0)
            val ax = if (withAxis) axis(r, d.size) else 0
            sample(dom(r, d), consts = doubleArrayOf(ax.toDouble(), if (r.nextBoolean()) 1.0 else 0.0))
        }) { x, k -> fn(x[0], k[0].toInt(), k[1] != 0.0) }

    private val distinct = { r: Random, d: IntArray -> Gen.distinct(r, d) }

    val reductions: List<OpCase> = listOf(
        reduction("sum()", any, false) { x, _, _ -> x.sum() },
        reduction("sum(axis, keepDims?)", any, true) { x, a, k -> x.sum(a, k) },
        reduction("mean()", any, false) { x, _, _ -> x.mean() },
        reduction("mean(axis, keepDims?)", any, true) { x, a, k -> x.mean(a, k) },
        reduction("max()", distinct, false) { x, _, _ -> x.max() },
        reduction("max(axis, keepDims?)", distinct, true) { x, a, k -> x.max(a, k) },
        reduction("min()", distinct, false) { x, _, _ -> x.min() },
        reduction("min(axis, keepDims?)", distinct, true) { x, a, k -> x.min(a, k) },
        reduction("norm()", nonzero, false) { x, _, _ -> x.norm() },
        reduction("rms()", nonzero, false) { x, _, _ -> x.rms() },
        case("rmsNorm(scale), broadcast scale", gen = { r ->
            val d = shape(r, 1)
            sample(Gen.awayFromZero(r, d), Gen.positive(r, Gen.broadcastable(r, d)))
        }) { x, _ -> x[0].rmsNorm(x[1]) },
    )

    // ------------------------------------------------------------------ shape ops

    private fun perm(r: Random, rank: Int): IntArray = (0 until rank).shuffled(r).toIntArray()

    val shapeOps: List<OpCase> = listOf(
        case("reshape (split/merge axes)", gen = { r ->
            val d = shape(r, 1)
            val n = Gen.size(d)
            // reshape to [n / k, k] for a divisor k of n, or to [-1]
            val ks = (1..n).filter { n % it == 0 }
            sample(Gen.uniform(r, d), consts = doubleArrayOf(ks[r.nextInt(ks.size)].toDouble()))
        }) { x, k -> x[0].reshape(-1, k[0].toInt()).reshape(-1).reshape(x[0].shape()).times(x[0]).reshape(-1, k[0].toInt()) },
        case("flatten", gen = { r -> sample(Gen.uniform(r, shape(r))) }) { x, _ -> x[0].flatten() },
        case("transpose() (reverse axes)", gen = { r -> sample(Gen.uniform(r, shape(r))) }) { x, _ -> x[0].transpose() },
        case("transpose(perm)", gen = { r ->
            val d = shape(r, 2, 4, 3)
            sample(Gen.uniform(r, d), consts = perm(r, d.size).map { it.toDouble() }.toDoubleArray())
        }) { x, k -> x[0].transpose(*k.map { it.toInt() }.toIntArray()) },
        case("slice(axis, start, end)", gen = { r ->
            val d = shape(r, 1)
            val ax = r.nextInt(d.size)
            val s = r.nextInt(d[ax])
            val e = r.nextInt(s + 1, d[ax] + 1)
            sample(Gen.uniform(r, d), consts = doubleArrayOf(ax.toDouble(), s.toDouble(), e.toDouble()))
        }) { x, k -> x[0].slice(k[0].toInt(), k[1].toInt(), k[2].toInt()) },
        case("slice with negative indices", gen = { r ->
            val n = r.nextInt(2, 6)
            sample(Gen.uniform(r, intArrayOf(3, n)))
        }) { x, _ -> x[0].slice(-1, -2, x[0].dim(1)).slice(0, 1, -1) },
        case("get(i) and get(i, j)", gen = { r ->
            val d = shape(r, 2)
            sample(Gen.uniform(r, d), consts = doubleArrayOf(r.nextInt(d[0]).toDouble(), (-1 - r.nextInt(d[1])).toDouble()))
        }) { x, k -> Tensor.stack(x[0].get(k[0].toInt()).get(k[1].toInt()), x[0].get(k[0].toInt(), k[1].toInt()).times(2.0)) },
        case("concat(axis) of 2–3 tensors", gen = { r ->
            val d = shape(r, 1)
            val ax = r.nextInt(d.size)
            val count = r.nextInt(2, 4)
            val parts = List(count) { Gen.uniform(r, d.copyOf().also { it[ax] = r.nextInt(1, 4) }) }
            Sample(parts, doubleArrayOf(ax.toDouble()))
        }) { x, k -> Tensor.concat(k[0].toInt(), *x.toTypedArray()) },
        case("stack(axis) of 2–3 tensors", gen = { r ->
            val d = shape(r)
            val ax = r.nextInt(-(d.size + 1), d.size + 1)
            Sample(List(r.nextInt(2, 4)) { Gen.uniform(r, d) }, doubleArrayOf(ax.toDouble()))
        }) { x, k -> Tensor.stack(k[0].toInt(), *x.toTypedArray()) },
        case("unsqueeze then squeeze", gen = { r ->
            val d = shape(r)
            sample(Gen.uniform(r, d), consts = doubleArrayOf(r.nextInt(d.size + 1).toDouble()))
        }) { x, k -> x[0].unsqueeze(k[0].toInt()).times(x[0].unsqueeze(k[0].toInt())).squeeze(k[0].toInt()) },
    )

    // ------------------------------------------------------------------ linear algebra

    private fun mm(name: String, sa: (Random, Int, Int, Int) -> IntArray, sb: (Random, Int, Int, Int) -> IntArray) =
        case("matmul $name", gen = { r ->
            val m = r.nextInt(1, 4); val k = r.nextInt(1, 4); val n = r.nextInt(1, 4)
            sample(Gen.uniform(r, sa(r, m, k, n)), Gen.uniform(r, sb(r, m, k, n)))
        }) { x, _ -> x[0].matmul(x[1]) }

    val linalg: List<OpCase> = listOf(
        mm("vector·vector", { _, _, k, _ -> intArrayOf(k) }, { _, _, k, _ -> intArrayOf(k) }),
        mm("matrix·vector", { _, m, k, _ -> intArrayOf(m, k) }, { _, _, k, _ -> intArrayOf(k) }),
        mm("vector·matrix", { _, _, k, _ -> intArrayOf(k) }, { _, _, k, n -> intArrayOf(k, n) }),
        mm("matrix·matrix", { _, m, k, _ -> intArrayOf(m, k) }, { _, _, k, n -> intArrayOf(k, n) }),
        mm("batched·matrix", { _, m, k, _ -> intArrayOf(2, m, k) }, { _, _, k, n -> intArrayOf(k, n) }),
        mm("matrix·batched", { _, m, k, _ -> intArrayOf(m, k) }, { _, _, k, n -> intArrayOf(3, k, n) }),
        mm("batched·batched", { _, m, k, _ -> intArrayOf(2, m, k) }, { _, _, k, n -> intArrayOf(2, k, n) }),
        mm("batch axes broadcast [2,1,m,k]·[3,k,n]", { _, m, k, _ -> intArrayOf(2, 1, m, k) }, { _, _, k, n -> intArrayOf(3, k, n) }),
        mm("batch axes broadcast [1,m,k]·[2,k,n]", { _, m, k, _ -> intArrayOf(1, m, k) }, { _, _, k, n -> intArrayOf(2, k, n) }),
        mm("vector·batched", { _, _, k, _ -> intArrayOf(k) }, { _, _, k, n -> intArrayOf(2, k, n) }),
        mm("batched·vector", { _, m, k, _ -> intArrayOf(2, m, k) }, { _, _, k, _ -> intArrayOf(k) }),
        case("dot", gen = { r -> val n = r.nextInt(1, 6); sample(Gen.uniform(r, intArrayOf(n)), Gen.uniform(r, intArrayOf(n))) }) { x, _ ->
            x[0].dot(x[1])
        },
        case("solve(A, b) vector b", gen = { r -> val n = r.nextInt(1, 5); sample(Gen.wellConditioned(r, n), Gen.uniform(r, intArrayOf(n))) }) { x, _ ->
            Tensor.solve(x[0], x[1])
        },
        case("solve(A, B) matrix B", gen = { r ->
            val n = r.nextInt(1, 5)
            sample(Gen.wellConditioned(r, n), Gen.uniform(r, intArrayOf(n, r.nextInt(1, 4))))
        }) { x, _ -> Tensor.solve(x[0], x[1]) },
        case("det", gen = { r -> sample(Gen.wellConditioned(r, r.nextInt(1, 5))) }) { x, _ -> x[0].det() },
        case("logdet", gen = { r -> sample(Gen.positiveDet(r, r.nextInt(1, 5))) }) { x, _ -> x[0].logdet() },
        case("inv", gen = { r -> sample(Gen.wellConditioned(r, r.nextInt(1, 4))) }) { x, _ -> x[0].inv() },
        // lu/luSolve (LuOps): derivatives sit on the solve, which takes A itself; n in 1..6
        case("lu().solve(b) vector b", gen = { r -> val n = r.nextInt(1, 7); sample(Gen.wellConditioned(r, n), Gen.uniform(r, intArrayOf(n))) }) { x, _ ->
            x[0].lu().solve(x[1])
        },
        case("lu().solve(B) matrix B", gen = { r ->
            val n = r.nextInt(1, 7)
            sample(Gen.wellConditioned(r, n), Gen.uniform(r, intArrayOf(n, r.nextInt(1, 4))))
        }) { x, _ -> x[0].lu().solve(x[1]) },
        case("lu().solveTransposed(b), vector or matrix b", gen = { r ->
            val n = r.nextInt(1, 7)
            sample(Gen.wellConditioned(r, n), Gen.uniform(r, if (r.nextBoolean()) intArrayOf(n) else intArrayOf(n, r.nextInt(1, 4))))
        }) { x, _ -> x[0].lu().solveTransposed(x[1]) },
        case("lu().solve(b) with row interchanges (rows of a well-conditioned A shuffled)", gen = { r ->
            val n = r.nextInt(2, 7)
            sample(Gen.permutedRows(r, Gen.wellConditioned(r, n)), Gen.uniform(r, intArrayOf(n)))
        }) { x, _ -> x[0].lu().solve(x[1]) },
        case("one lu, three solves: [A⁻¹b, A⁻ᵀb, A⁻¹(A⁻¹b)]", gen = { r ->
            val n = r.nextInt(1, 7)
            sample(Gen.permutedRows(r, Gen.wellConditioned(r, n)), Gen.uniform(r, intArrayOf(n)))
        }) { x, _ ->
            val lu = x[0].lu()
            val y = lu.solve(x[1])
            Tensor.stack(y, lu.solveTransposed(x[1]), lu.solve(y))
        },
    )

    // ------------------------------------------------------------------ fused linear combination

    val linearCombination: List<OpCase> = listOf(
        case("linearCombination of 1–4 tensors", gen = { r ->
            val d = shape(r)
            val count = r.nextInt(1, 5)
            Sample(List(count) { Gen.uniform(r, d) }, DoubleArray(count) { if (it == 1) 0.0 else -2.0 + 4.0 * r.nextDouble() })
        }) { x, k -> Tensor.linearCombination(k, *x.toTypedArray()) },
        case("linearCombination with a repeated tensor", gen = { r ->
            val d = shape(r)
            Sample(List(2) { Gen.uniform(r, d) }, DoubleArray(3) { -2.0 + 4.0 * r.nextDouble() })
        }) { x, k -> Tensor.linearCombination(k, x[0], x[1], x[0]) },
    )

    val all: List<OpCase> = elementwise + broadcasting + reductions + shapeOps + linalg + linearCombination
}
