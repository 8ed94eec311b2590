package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

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

        test("$mode: a VJP-only runner gives the value-and-VJP runner's cotangents, without the value") {
            val cf = Jit.compile(f, *ex)
            val ct = Tensor.randn(java.util.SplittableRandom(3), f.apply(ex).size()).reshape(f.apply(ex).shape())
            val both = cf.vjpRunner(booleanArrayOf(true, true), *ex)
            val only = cf.vjpOnlyRunner(booleanArrayOf(true, true), *ex)
            val args = arrayOf(ex[0].toDoubleArray(), ex[1].toDoubleArray(), ct.toDoubleArray())
            both.run(args)
            only.run(args)
            only.outputs() shouldBe 2
            val want = AD.vjps(f, ct, *ex)
            for (i in 0..1) {
                only.output(i).toList() shouldBe both.output(i + 1).toList()
                only.output(i).zip(want[i].toDoubleArray().toList()).forEach { (g, w) -> (Math.abs(g - w) <= 1e-13 * (1 + Math.abs(w))) shouldBe true }
            }
        }
    }
})
