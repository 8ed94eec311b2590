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

class ShapeKernelSpec : FunSpec({
    test("transpose(perm) moves input axis perm[i] to output axis i, eager and compiled; the inverse permutation undoes it") {
        checkAll(propConfig(21L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val d = G.shape(r, minRank = 1, maxRank = 5)
            val perm = d.indices.shuffled(r).toIntArray()
            val x = G.tensor(r, d)
            val want = Ref.transpose(x, perm)
            val y = x.transpose(*perm)
            y.shape() shouldBe Shape.of(*IntArray(d.size) { d[perm[it]] })
            assertValues("eager", y.toDoubleArray(), want)
            assertValues("kernel", runKernel(ShapeOps.Transpose(perm, x.shape()), x).toDoubleArray(), want)
            val inv = IntArray(perm.size).also { for (i in perm.indices) it[perm[i]] = i }
            assertValues("round trip", y.transpose(*inv).toDoubleArray(), x.toDoubleArray())
            assertValues("reverse", x.transpose().toDoubleArray(), Ref.transpose(x, d.indices.reversed().toList().toIntArray()))
        }
    }

    test("slice takes [start, end) along an axis and padSlice puts it back with zeros elsewhere") {
        checkAll(propConfig(22L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val d = G.shape(r, minRank = 1)
            val axis = r.nextInt(d.size)
            val s = r.nextInt(d[axis] + 1)
            val e = r.nextInt(s, d[axis] + 1)
            val x = G.tensor(r, d)
            val od = d.copyOf().also { it[axis] = e - s }
            val want = DoubleArray(Ref.size(od)) { k ->
                val idx = Ref.unravel(k, od); idx[axis] += s; x.toDoubleArray()[Ref.ravel(idx, d)]
            }
            withClue("slice($axis, $s, $e) of ${x.shape()}") {
                val y = x.slice(axis, s, e)
                y.shape() shouldBe Shape.of(*od)
                assertValues("eager", y.toDoubleArray(), want)
                if (e > s) assertValues("negative axis", x.slice(axis - d.size, s, e).toDoubleArray(), want)
                val padded = runKernel(ShapeOps.PadSlice(axis, s, d[axis]), y).toDoubleArray()
                val pw = DoubleArray(x.size()) { k -> val idx = Ref.unravel(k, d); if (idx[axis] in s until e) x.toDoubleArray()[k] else 0.0 }
                assertValues("padSlice", padded, pw)
            }
        }
    }

    test("concat joins along an axis and stack along a new one; slicing the parts back out recovers them") {
        checkAll(propConfig(23L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val d = G.shape(r, minRank = 1, maxRank = 3)
            val axis = r.nextInt(d.size)
            val parts = List(r.nextInt(1, 4)) { G.tensor(r, d.copyOf().also { it[axis] = r.nextInt(0, 3) }) }
            val y = Tensor.concat(axis, *parts.toTypedArray())
            y.dim(axis) shouldBe parts.sumOf { it.dim(axis) }
            var off = 0
            for (p in parts) {
                assertValues("part", y.slice(axis, off, off + p.dim(axis)).toDoubleArray(), p.toDoubleArray())
                off += p.dim(axis)
            }
            if (parts.size > 1) {
                assertValues("kernel", runKernel(ShapeOps.Concat(axis, parts.size), *parts.toTypedArray()).toDoubleArray(), y.toDoubleArray())
            }
            val same = List(3) { G.tensor(r, d) }
            val sax = r.nextInt(-(d.size + 1), d.size + 1)
            val st = Tensor.stack(sax, *same.toTypedArray())
            val pos = if (sax < 0) sax + d.size + 1 else sax
            st.dim(pos) shouldBe 3
            for (i in 0 until 3) assertValues("stacked $i", st.slice(pos, i, i + 1).toDoubleArray(), same[i].toDoubleArray())
        }
    }

    test("reshape keeps row-major order; -1 is inferred; get, squeeze, unsqueeze and flatten are reshapes and slices") {
        val x = Tensor.arange(24).reshape(2, 3, 4)
        x.reshape(-1, 4).shape() shouldBe Shape.of(6, 4)
        x.reshape(4, -1).toDoubleArray().toList() shouldBe (0 until 24).map { it.toDouble() }
        x.flatten().shape() shouldBe Shape.of(24)
        x[1].shape() shouldBe Shape.of(3, 4)
        x[1, 2].toDoubleArray().toList() shouldBe listOf(20.0, 21.0, 22.0, 23.0)
        x[-1, -1, -1].item() shouldBe 23.0
        x.unsqueeze(1).shape() shouldBe Shape.of(2, 1, 3, 4)
        x.unsqueeze(-1).shape() shouldBe Shape.of(2, 3, 4, 1)
        x.unsqueeze(-1).squeeze(-1).shape() shouldBe x.shape()
        shouldThrow<IllegalArgumentException> { x.reshape(-1, -1) }.message shouldContain "-1"
        shouldThrow<IllegalArgumentException> { x.reshape(5, -1) }.message shouldContain "[2, 3, 4]"
    }

    test("compiled kernels of reshape and stopGradient copy their input") {
        val x = Tensor.arange(6)
        assertValues("reshape", runKernel(ShapeOps.Reshape(Shape.of(2, 3)), x).toDoubleArray(), x.toDoubleArray())
        assertValues("stopGradient", runKernel(ShapeOps.StopGradient.INSTANCE, x).toDoubleArray(), x.toDoubleArray())
    }

    test("errors name the op and the shapes") {
        shouldThrow<IllegalArgumentException> { Tensor.concat(1, Tensor.ones(2, 3), Tensor.ones(3, 3)) }.message shouldContain "[3, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.stack(Tensor.ones(2), Tensor.ones(3)) }.message shouldContain "[3]"
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).transpose(0, 2) }.message shouldContain "[2, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).slice(0, 2, 1) }.message shouldContain "[2, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).unsqueeze(4) }.message shouldContain "[2, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.scalar(1.0)[0] }.message shouldContain "scalar"
    }
})
