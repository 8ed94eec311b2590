package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/**
 * The flat-array runners the solvers use: arguments bound once, arguments read at offsets of larger
 * arrays, results that stay the caller's. Both program modes are covered: a small f is all
 * generated code (arguments passed by reference), a wide one keeps kernels (arguments copied in).
 */
class RunnerSpec : FunSpec({
    val small = MultiTensorFunction { a -> a[0].times(a[1]).plus(a[0].square()) }   // x ∘ p + x², all unrolled
    val wide = MultiTensorFunction { a -> a[0].matmul(a[1]).tanh() }                // a 1×40 by 40×40 matmul stays a kernel

    fun cases() = listOf(
        Triple("generated", small, arrayOf(Tensor.of(1.0, 2.0, 3.0), Tensor.of(0.5, -1.0, 2.0))),
        Triple("kernels", wide, arrayOf(Tensor.linspace(-1.0, 1.0, 40).reshape(1, 40), Tensor.linspace(-0.05, 0.05, 1600).reshape(40, 40))),
    )

    for ((mode, f, ex) in cases()) {
        test("$mode: a bound argument is used for every later run and the caller's array is never written") {
            val cf = Jit.compile(f, *ex)
            val p = ex[1].toDoubleArray()
            val pCopy = p.clone()
            val runner = cf.runner().bind(1, p)
            for (scale in listOf(1.0, -0.5, 2.0)) {
                val x = ex[0].times(scale)
                val got = runner.run(arrayOf(x.toDoubleArray(), null))
                withClue("scale $scale") { got.toList() shouldBe f.apply(arrayOf(x, ex[1])).toDoubleArray().toList() }
            }
            p.toList() shouldBe pCopy.toList()
        }

        test("$mode: results of successive runs are independent arrays") {
            val runner = Jit.compile(f, *ex).runner()
            val a = runner.run(arrayOf(ex[0].toDoubleArray(), ex[1].toDoubleArray()))
            val aCopy = a.clone()
            runner.run(arrayOf(ex[0].times(3.0).toDoubleArray(), ex[1].toDoubleArray()))
            a.toList() shouldBe aCopy.toList()
        }

        test("$mode: runInto writes run's numbers into the caller's array at an offset, with and without a bound argument, leaving the arguments alone") {
            val cf = Jit.compile(f, *ex)
            val x = ex[0].toDoubleArray()
            val p = ex[1].toDoubleArray()
            val want = cf.runner().run(arrayOf(x, p))
            val out = DoubleArray(want.size + 5) { 42.0 }
            cf.runner().runInto(arrayOf(x, p), out, 3)
            out.toList() shouldBe List(3) { 42.0 } + want.toList() + List(2) { 42.0 }
            val bound = cf.runner().bind(1, p)
            val out2 = DoubleArray(want.size)
            bound.runInto(arrayOf(x, null), out2, 0)
            out2.toList() shouldBe want.toList()
            // a second run with other values overwrites the same array
            val x3 = ex[0].times(-2.0).toDoubleArray()
            bound.runInto(arrayOf(x3, null), out2, 0)
            out2.toList() shouldBe cf.runner().run(arrayOf(x3, p)).toList()
            x.toList() shouldBe ex[0].toDoubleArray().toList()
            p.toList() shouldBe ex[1].toDoubleArray().toList()
        }

        test("$mode: a multi-output runner's runInto writes each output into its array, equal to run's outputs") {
            val cf = Jit.compile(f, *ex)
            val lanes = 2
            val runner = cf.jvpRunner(lanes, booleanArrayOf(true, false), *ex)!!
            val tangents = Tensor.linspace(-1.0, 1.0, lanes * ex[0].size()).toDoubleArray()
            val args = arrayOf(ex[0].toDoubleArray(), ex[1].toDoubleArray(), tangents)
            runner.run(args)
            val value = runner.output(0)
            val lanesOut = runner.output(1)
            val outs = arrayOf(DoubleArray(value.size), DoubleArray(lanesOut.size))
            runner.runInto(args, outs)
            outs[0].toList() shouldBe value.toList()
            outs[1].toList() shouldBe lanesOut.toList()
        }

        test("$mode: runInto with an argument or a result array too short names it") {
            val runner = Jit.compile(f, *ex).runner()
            val x = ex[0].toDoubleArray()
            val p = ex[1].toDoubleArray()
            val n = runner.run(arrayOf(x, p)).size
            shouldThrow<IllegalArgumentException> { runner.runInto(arrayOf(x.copyOf(x.size - 1), p), DoubleArray(n), 0) }
                .message shouldContain "argument 0 needs ${x.size} values"
            shouldThrow<IllegalArgumentException> { runner.runInto(arrayOf(x, p), DoubleArray(n + 1), 2) }
                .message shouldContain "needs $n values from 2"
        }

        test("$mode: a value-and-VJP runner reads arguments at offsets and skips a bound one") {
            val cf = Jit.compile(f, *ex)
            val x = ex[0].toDoubleArray()
            val ct = Tensor.ones(f.apply(ex).shape()).toDoubleArray()
            val runner = cf.vjpRunner(booleanArrayOf(true, false), *ex).bind(1, ex[1].toDoubleArray())
            // x sits after two padding values, the cotangent after three
            val xPadded = doubleArrayOf(9.0, 9.0) + x
            val ctPadded = doubleArrayOf(7.0, 7.0, 7.0) + ct
            runner.run(arrayOf(xPadded, null, ctPadded), intArrayOf(2, 0, 3))
            val want = AD.vjps(f, Tensor.of(ex[0].shape(), *ct), *ex)[0].toDoubleArray()
            val gx = DoubleArray(x.size)
            runner.copyOutput(1, gx, 0)
            gx.zip(want.toList()).forEach { (g, w) -> (Math.abs(g - w) <= 1e-13 * (1 + Math.abs(w))) shouldBe true }
            runner.output(0).toList() shouldBe f.apply(ex).toDoubleArray().toList()
        }
    }

    test("generated: runInto allocates nothing per call") {
        val runner = Jit.compile(small, Tensor.of(1.0, 2.0, 3.0), Tensor.of(0.5, -1.0, 2.0)).runner()
        val args = arrayOf(doubleArrayOf(1.0, 2.0, 3.0), doubleArrayOf(0.5, -1.0, 2.0))
        val out = DoubleArray(3)
        repeat(20_000) { runner.runInto(args, out, 0) }   // past the interpreter and the first compilations
        val mx = java.lang.management.ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean
        val id = Thread.currentThread().id
        val before = mx.getThreadAllocatedBytes(id)
        for (i in 0 until 10_000) runner.runInto(args, out, 0)
        val perCall = (mx.getThreadAllocatedBytes(id) - before) / 10_000.0
        withClue("bytes allocated per call: $perCall") { (perCall < 1.0) shouldBe true }
        out.toList() shouldBe listOf(1.5, 2.0, 15.0)
    }

    test("generated: a program split across several generated methods gives the same numbers through runInto as through run") {
        val long = MultiTensorFunction { a ->
            var h = a[0]
            repeat(300) { k -> h = h.times(a[1]).sin().plus(h.times(0.01 * k)).tanh() }
            h
        }
        val x = Tensor.of(0.3, -0.7, 1.1)
        val y = Tensor.of(0.9, 1.2, -0.4)
        val cf = Jit.compile(long, x, y)
        val want = cf.runner().run(arrayOf(x.toDoubleArray(), y.toDoubleArray()))
        val out = DoubleArray(4)
        cf.runner().runInto(arrayOf(x.toDoubleArray(), y.toDoubleArray()), out, 1)
        out.toList().drop(1) shouldBe want.toList()
        want.toList() shouldBe long.apply(arrayOf(x, y)).toDoubleArray().toList()
    }
})
