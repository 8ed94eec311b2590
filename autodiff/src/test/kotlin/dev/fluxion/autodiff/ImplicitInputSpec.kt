package dev.fluxion.autodiff

import dev.fluxion.tensor.ConcretizationException
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Parameters read inside a compiled function are implicit inputs of its programs (issue 10,
 * defect 2): a compiled function never bakes a parameter's value in, so it follows set() and
 * passes derivatives on to a tracked or dual value. Every expectation compares with running the
 * function eagerly, the reference semantics.
 */
class ImplicitInputSpec : FunSpec({
    val w0 = Tensor.of(arrayOf(doubleArrayOf(0.7, -0.3), doubleArrayOf(0.2, 1.1)))
    val b0 = Tensor.of(0.1, -0.4)
    val w1 = Tensor.of(arrayOf(doubleArrayOf(-0.5, 0.9), doubleArrayOf(1.3, 0.4)))
    val x0 = Tensor.of(0.8, -1.2)

    /** A tiny layer reading its parameters (as nn's layers do): tanh(W x + b). */
    fun model(w: Parameter, b: Parameter) = MultiTensorFunction { a -> w.value().matmul(a[0]).plus(b.value()).tanh() }

    test("a compiled function follows Parameter.set: apply, runner, value-and-VJP and value-and-JVP runners read the current value") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        val cf = Jit.compile(f, x0)
        cf.implicitInputs() shouldContainExactly listOf(w, b)
        cf.implicitInputsArePlain() shouldBe true
        val runner = cf.runner()
        val vjp = cf.vjpRunner(booleanArrayOf(true), x0)!!
        val jvp = cf.jvpRunner(1, booleanArrayOf(true), x0)!!
        val dir = Tensor.of(1.0, 0.5)
        for (wv in listOf(w0, w1, w0.times(2.0))) {
            w.set(wv)
            val want = f.apply(arrayOf(x0))
            withClue("apply, w = $wv") { assertClose("apply", cf.apply(x0), want, 1e-15) }
            withClue("runner, w = $wv") { runner.run(arrayOf(x0.toDoubleArray())).toList() shouldBe cf.apply(x0).toDoubleArray().toList() }
            vjp.run(arrayOf(x0.toDoubleArray(), doubleArrayOf(1.0, 1.0)))
            assertClose("VJP runner value, w = $wv", Tensor.of(*vjp.output(0)), want, 1e-15)
            assertClose("VJP runner cotangent, w = $wv", Tensor.of(*vjp.output(1)), AD.gradient({ x -> f.apply(arrayOf(x)).sum() }, x0), 1e-13)
            jvp.run(arrayOf(x0.toDoubleArray(), dir.toDoubleArray()))
            assertClose("JVP runner tangent, w = $wv", Tensor.of(*jvp.output(1)), AD.jvp({ x -> f.apply(arrayOf(x)) }, x0, dir), 1e-13)
        }
    }

    test("Parameter.gradients through a function compiled beforehand on plain values equals the eager gradient (not zero)") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        val cf = Jit.compile(f, x0)
        cf.apply(x0)   // a plain use first, as a plot of the initial prediction would
        val target = Tensor.of(0.3, 0.2)
        val compiled = Parameter.gradients({ cf.apply(x0).minus(target).square().sum() }, listOf(w, b))
        val eager = Parameter.gradients({ f.apply(arrayOf(x0)).minus(target).square().sum() }, listOf(w, b))
        compiled.loss() shouldBe eager.loss()
        for (i in 0..1) {
            withClue("parameter $i") { compiled.gradients()[i].abs().sum().item() shouldNotBe 0.0 }
            assertClose("gradient of parameter $i", compiled.gradients()[i], eager.gradients()[i], 1e-13)
        }
        cf.implicitInputsArePlain() shouldBe true   // plain again afterwards
    }

    test("forward mode: a parameter holding a dual value gives the eager JVP through the compiled function") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        val cf = Jit.compile(f, x0)
        val v = Tensor.of(arrayOf(doubleArrayOf(1.0, -2.0), doubleArrayOf(0.5, 3.0)))
        fun jvpThrough(g: () -> Tensor): Tensor = try {
            AD.jvp({ q -> w.set(q); g() }, w0, v)
        } finally {
            w.set(w0)
        }
        var plainDuring = true
        val compiled = jvpThrough { plainDuring = cf.implicitInputsArePlain(); cf.apply(x0) }
        val eager = jvpThrough { f.apply(arrayOf(x0)) }
        plainDuring shouldBe false
        compiled.abs().sum().item() shouldNotBe 0.0
        assertClose("JVP with respect to the parameter", compiled, eager, 1e-13)
    }

    test("a function first traced inside Parameter.gradients (the parameter tracked) compiles, and is right inside and outside") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        var cf: CompiledFunction? = null
        val compiled = Parameter.gradients({
            cf = Jit.compile(f, x0)   // the trace sees the tracked w and b as implicit inputs, with their values as examples
            cf!!.apply(x0).square().sum()
        }, listOf(w, b))
        val eager = Parameter.gradients({ f.apply(arrayOf(x0)).square().sum() }, listOf(w, b))
        for (i in 0..1) assertClose("gradient of parameter $i", compiled.gradients()[i], eager.gradients()[i], 1e-13)
        w.set(w1)
        assertClose("plain apply after set", cf!!.apply(x0), f.apply(arrayOf(x0)), 1e-15)
    }

    test("higher order: a parameter gradient of an input gradient taken through the compiled function equals eager") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        val cf = Jit.compile(f, x0)
        val compiled = Parameter.gradients({ AD.gradient({ x -> cf.apply(x).sum() }, x0).square().sum() }, listOf(w, b))
        val eager = Parameter.gradients({ AD.gradient({ x -> f.apply(arrayOf(x)).sum() }, x0).square().sum() }, listOf(w, b))
        compiled.loss() shouldBe eager.loss()
        for (i in 0..1) assertClose("gradient of parameter $i", compiled.gradients()[i], eager.gradients()[i], 1e-12)
    }

    test("a compiled function used inside another compiled function keeps both current and differentiable") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val inner = Jit.compile(model(w, b), x0)
        val outerF = MultiTensorFunction { a -> inner.apply(a[0]).times(w.value().sum()) }
        val outer = Jit.compile(outerF, x0)
        val eagerF = MultiTensorFunction { a -> model(w, b).apply(a).times(w.value().sum()) }
        w.set(w1)
        assertClose("value after set", outer.apply(x0), eagerF.apply(arrayOf(x0)), 1e-15)
        val compiled = Parameter.gradients({ outer.apply(x0).sum() }, listOf(w, b))
        val eager = Parameter.gradients({ eagerF.apply(arrayOf(x0)).sum() }, listOf(w, b))
        for (i in 0..1) assertClose("gradient of parameter $i", compiled.gradients()[i], eager.gradients()[i], 1e-13)
    }

    test("no regression: a captured tracked tensor that is not a Parameter still refuses the trace") {
        val w = Parameter("w", w0)
        val g = AD.gradient({ q ->
            val f = MultiTensorFunction { a -> w.value().matmul(a[0]).times(q).sum() }
            shouldThrow<ConcretizationException> { Jit.compile(f, x0) }
            Jit.tryCompile(f, x0) shouldBe null
            f.apply(arrayOf(x0))
        }, Tensor.scalar(2.0))
        assertClose("eager gradient", g, w0.matmul(x0).sum(), 1e-15)
    }

    test("a trace on one thread does not change what Parameter.value() returns on another") {
        val w = Parameter("w", w0)
        val b = Parameter("b", b0)
        val f = model(w, b)
        val stop = AtomicBoolean(false)
        val pool = Executors.newFixedThreadPool(2)
        try {
            val barrier = CyclicBarrier(2)
            val tracer = pool.submit<Int> {
                barrier.await(10, TimeUnit.SECONDS)
                repeat(200) { Jit.compile(f, x0) }
                stop.set(true)
                0
            }
            val reader = pool.submit<Int> {
                barrier.await(10, TimeUnit.SECONDS)
                var bad = 0
                while (!stop.get()) if (!w.value().isPrimal() || w.value() !== w.stored()) bad++
                bad
            }
            tracer.get(60, TimeUnit.SECONDS)
            withClue("reads that saw another thread's tracer") { reader.get(60, TimeUnit.SECONDS) shouldBe 0 }
        } finally {
            pool.shutdownNow()
        }
    }
})
