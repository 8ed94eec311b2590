package dev.fluxion.autodiff

import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/**
 * A random straight-line program over a pool of values: each step applies a random op to earlier
 * values (shapes are tracked on example inputs while generating, so every step is valid). Replayed
 * eagerly, traced by Jit and differentiated, it exercises op combinations, common-subexpression
 * merging, buffer aliasing and generated code far beyond the single-op catalog.
 */
class RandomProgram(val inputs: List<Tensor>, private val steps: List<Pair<String, (List<Tensor>) -> Tensor>>) {
    fun run(xs: List<Tensor>): Tensor {
        val pool = xs.toMutableList()
        for ((_, s) in steps) pool.add(s(pool))
        return pool.last()
    }

    override fun toString() = "inputs ${inputs.map { it.shape() }}: " + steps.joinToString(" → ") { it.first }

    companion object {
        fun generate(r: Random, length: Int, big: Boolean = false): RandomProgram {
            val d = if (big) intArrayOf(r.nextInt(8, 13), r.nextInt(10, 16)) else Gen.shape(r, 1, 3, 4)
            val inputs = listOf(Gen.uniform(r, d, -1.5, 1.5), Gen.uniform(r, Gen.broadcastable(r, d), -1.5, 1.5))
            val pool = inputs.toMutableList()
            val steps = mutableListOf<Pair<String, (List<Tensor>) -> Tensor>>()
            fun add(name: String, f: (List<Tensor>) -> Tensor) {
                val v = f(pool)
                // keep values tame so no step overflows or leaves its domain
                if (v.size() == 0 || v.toDoubleArray().any { !it.isFinite() || kotlin.math.abs(it) > 1e6 }) return
                pool.add(v)
                steps.add(name to f)
            }
            while (steps.size < length) {
                val i = if (r.nextInt(3) == 0) r.nextInt(pool.size) else pool.size - 1 - r.nextInt(minOf(3, pool.size))
                val x = pool[i]
                val partners = pool.indices.filter { j -> broadcasts(x.shape(), pool[j].shape()) }
                val j = partners[r.nextInt(partners.size)]
                val c = -1.5 + 3 * r.nextDouble()
                when (r.nextInt(22)) {
                    0 -> add("sin") { it[i].sin() }
                    1 -> add("tanh") { it[i].tanh() }
                    2 -> add("sigmoid") { it[i].sigmoid() }
                    3 -> add("softplus") { it[i].softplus() }
                    4 -> add("exp∘tanh") { it[i].tanh().exp() }
                    5 -> add("abs, relu") { it[i].abs().plus(it[i].relu()) }
                    6 -> add("add") { it[i].plus(it[j]) }
                    7 -> add("mul") { it[i].times(it[j]) }
                    8 -> add("sub, div(1+y²)") { it[i].minus(it[j]).div(it[j].square().plus(1.0)) }
                    9 -> add("maximum, minimum") { it[i].maximum(it[j]).minus(it[j].minimum(it[i].times(0.5))) }
                    10 -> add("pow(sigmoid + ½, y)") { it[i].sigmoid().plus(0.5).pow(it[j]) }
                    11 -> add("scalar ops $c") { it[i].times(c).plus(c).rsub(c).div(2.0).pow(2.0).rdiv(1.0 + c * c).plus(it[i]) }
                    12 -> if (x.rank() > 0) { val ax = r.nextInt(x.rank()); val k = r.nextBoolean(); add("sum($ax, $k)") { it[i].sum(ax, k) } }
                    13 -> if (x.rank() > 0) { val ax = r.nextInt(x.rank()); val k = r.nextBoolean(); add("max($ax, $k)") { it[i].max(ax, k) } }
                    14 -> add("mean, broadcast back") { it[i].minus(it[i].mean()) }
                    15 -> if (x.rank() >= 2) add("transpose") { it[i].transpose() } else add("unsqueeze") { it[i].unsqueeze(0) }
                    16 -> if (x.rank() > 0 && x.dim(0) > 1) { val s = r.nextInt(x.dim(0) - 1); add("slice($s)") { it[i].slice(0, s, s + 2) } }
                    17 -> if (x.rank() > 0) add("concat") { Tensor.concat(0, it[i], it[i].sin()) }
                    18 -> add("stack, sum") { Tensor.stack(it[i], it[i].cos()).sum(0) }
                    19 -> if (x.rank() >= 1) add("matmul xᵀ-ish") { val a = it[i]; if (a.rank() == 1) a.matmul(a.cos()) else a.matmul(a.transpose(*(0 until a.rank() - 2).toList().toIntArray(), a.rank() - 1, a.rank() - 2)).times(0.1) }
                    20 -> add("where") { Tensor.where(it[i].gt(0.0), it[i], it[j].times(0.5)) }
                    21 -> if (pool[j].shape() == x.shape()) add("linearCombination") { Tensor.linearCombination(doubleArrayOf(c, 0.0, 0.5), it[i], it[j], it[j].tanh()) }
                }
            }
            return RandomProgram(inputs, steps)
        }
    }
}

/** Whether two shapes broadcast together. */
private fun broadcasts(a: Shape, b: Shape): Boolean = runCatching { Shape.broadcast(a, b, "probe") }.isSuccess

private fun checkProgram(p: RandomProgram, r: Random) {
    val f = MultiTensorFunction { xs -> p.run(xs.toList()) }
    val cf = Jit.compile(f, *p.inputs.toTypedArray())
    for (round in 0 until 2) {
        val args = if (round == 0) p.inputs.toTypedArray() else p.inputs.map { Gen.uniform(r, it.shape().dims(), -1.5, 1.5) }.toTypedArray()
        val want = f.apply(args.clone())
        val got = cf.apply(*args)
        got.shape() shouldBe want.shape()
        val wantV = want.toDoubleArray()
        val gotV = got.toDoubleArray()
        withClue("values set $round: compiled forward vs eager") {
            for (k in wantV.indices) {
                if (wantV[k].isNaN()) gotV[k].isNaN() shouldBe true
                else kotlin.math.abs(gotV[k] - wantV[k]) / maxOf(1.0, kotlin.math.abs(wantV[k])) shouldBeLessThanOrEqualTo 2e-15
            }
        }
        // the hot-loop entry (generated code reading the caller's arrays and writing into one of
        // its own at an offset, or the program run and copied out) gives apply's numbers bit for bit
        val into = DoubleArray(gotV.size + 3) { -7.0 }
        cf.runner().runInto(Array(args.size) { args[it].toDoubleArray() }, into, 2)
        withClue("values set $round: runInto vs apply") {
            into.toList().subList(2, 2 + gotV.size).map { it.toRawBits() } shouldBe gotV.map { it.toRawBits() }
            (into[0] == -7.0 && into[1] == -7.0 && into.last() == -7.0) shouldBe true
        }
        if (wantV.any { !it.isFinite() }) continue
        for (i in args.indices) {
            val x = args[i]
            val c = TensorFunction { q -> cf.apply(*args.copyOf().also { it[i] = q }) }
            val e = TensorFunction { q -> f.apply(args.copyOf().also { it[i] = q }) }
            val w = Gen.normal(r, want.shape())
            val v = Gen.normal(r, x.shape())
            assertClose("values set $round: JVP wrt input $i", AD.jvp(c, x, v), AD.jvp(e, x, v), 1e-12)
            assertClose("values set $round: VJP wrt input $i", AD.vjp(c, x, w), AD.vjp(e, x, w), 1e-12)
            val chunk = smallChunk(r, x.size())
            assertClose("values set $round: Jacobian (chunk $chunk) wrt input $i", AD.jacobian(c, x, chunk), AD.jacobian(e, x, chunk), 1e-12)
        }
    }
}

private infix fun Double.shouldBeLessThanOrEqualTo(b: Double) {
    withClue("$this ≤ $b") { (this <= b) shouldBe true }
}

class RandomProgramSpec : FunSpec({
    test("random small programs: compiled forward equals eager, compiled JVP/VJP/Jacobian equal eager AD, for two sets of values") {
        checkAll(propConfig(9001L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val p = RandomProgram.generate(r, r.nextInt(4, 16))
            withClue(p) { checkProgram(p, r) }
        }
    }

    test("random programs on 100–200 element tensors (generated code and kernel calls mixed) equal eager") {
        checkAll(propConfig(9002L, 8), Arb.long()) { seed ->
            val r = Random(seed)
            val p = RandomProgram.generate(r, r.nextInt(8, 20), big = true)
            withClue(p) { checkProgram(p, r) }
        }
    }

    test("a long program (split across several generated methods) equals eager") {
        val r = Random(9003)
        val x = Gen.uniform(r, intArrayOf(6, 7))
        val y = Gen.uniform(r, intArrayOf(7))
        val f = MultiTensorFunction { a ->
            var h = a[0]
            repeat(120) { k -> h = h.times(a[1]).sin().plus(h.times(0.01 * k)).tanh() }
            h
        }
        val cf = Jit.compile(f, x, y)
        assertClose("forward", cf.apply(x, y), f.apply(arrayOf(x, y)), 2e-15)
        val x2 = Gen.uniform(r, intArrayOf(6, 7))
        assertClose("forward, new values", cf.apply(x2, y), f.apply(arrayOf(x2, y)), 2e-15)
        assertClose("gradient", AD.gradient({ q -> cf.apply(q, y).sum() }, x2), AD.gradient({ q -> f.apply(arrayOf(q, y)).sum() }, x2), 1e-12)
    }
})
