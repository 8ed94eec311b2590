package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.random.Random

private const val ROUNDS = 300

/** Runs the tasks on their own threads, started together, and returns their results (rethrowing a failure). */
private fun <T> concurrently(vararg tasks: () -> T): List<T> {
    val pool = Executors.newFixedThreadPool(tasks.size)
    try {
        val barrier = CyclicBarrier(tasks.size)
        val futures = tasks.map { t -> pool.submit<T> { barrier.await(10, TimeUnit.SECONDS); t() } }
        return futures.map { it.get(60, TimeUnit.SECONDS) }
    } finally {
        pool.shutdownNow()
    }
}

class ThreadSafetySpec : FunSpec({
    test("two threads computing different gradients at once get the single-threaded answers, every round") {
        val r = Random(11)
        val xs = List(ROUNDS) { Gen.uniform(r, intArrayOf(5)) }
        val a = Gen.uniform(r, intArrayOf(3, 5))
        val f1 = TensorFunction { q -> rosenbrock(q) }
        val f2 = TensorFunction { q -> a.matmul(q).tanh().square().sum().plus(q.max()) }
        // References, single-threaded: reverse gradient of f1, Hessian-vector product of f2.
        val v = Gen.normal(r, xs[0].shape())
        val ref1 = xs.map { AD.gradient(f1, it).toDoubleArray() }
        val ref2 = xs.map { AD.hvp(f2, it, v).toDoubleArray() }
        val ref3 = xs.map { AD.jacobian({ q -> a.matmul(q).sin() }, it, 2).toDoubleArray() }
        val (got1, got2, got3) = concurrently(
            { xs.map { AD.gradient(f1, it).toDoubleArray() } },
            { xs.map { AD.hvp(f2, it, v).toDoubleArray() } },
            { xs.map { AD.jacobian({ q -> a.matmul(q).sin() }, it, 2).toDoubleArray() } },
        )
        for (i in 0 until ROUNDS) {
            withClue("round $i, gradient thread") { got1[i].toList() shouldBe ref1[i].toList() }
            withClue("round $i, hvp thread") { got2[i].toList() shouldBe ref2[i].toList() }
            withClue("round $i, jacobian thread") { got3[i].toList() shouldBe ref3[i].toList() }
        }
    }

    test("one compiled function used from two threads at once (forward, VJP and JVP programs) gives the single-threaded answers") {
        val r = Random(12)
        val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
        val f = MultiTensorFunction { arg ->
            val u = arg[0]; val q = arg[1]
            Tensor.stack(q[0].times(u[0]).minus(q[1].times(u[0]).times(u[1])), q[3].times(u[0]).times(u[1]).minus(q[2].times(u[1])))
        }
        val cf = Jit.compile(f, Tensor.of(1.0, 1.0), p)
        val us = List(ROUNDS) { Gen.uniform(r, intArrayOf(2)) }
        fun work(u: Tensor) = doubleArrayOf(
            *cf.apply(u, p).toDoubleArray(),
            *AD.gradient({ q -> cf.apply(u, q).square().sum() }, p).toDoubleArray(),
            *AD.jacobian({ z -> cf.apply(z, p) }, u).toDoubleArray(),
        ).toList()
        val ref = us.map { work(it) }
        val eager = us.map { u ->
            doubleArrayOf(*f.apply(arrayOf(u, p)).toDoubleArray(),
                *AD.gradient({ q -> f.apply(arrayOf(u, q)).square().sum() }, p).toDoubleArray(),
                *AD.jacobian({ z -> f.apply(arrayOf(z, p)) }, u).toDoubleArray()).toList()
        }
        val (a, b) = concurrently({ us.map { work(it) } }, { us.reversed().map { work(it) }.reversed() })
        for (i in 0 until ROUNDS) {
            withClue("round $i, thread 1") { a[i] shouldBe ref[i] }
            withClue("round $i, thread 2") { b[i] shouldBe ref[i] }
            assertClose("round $i compiled vs eager", Tensor.of(*ref[i].toDoubleArray()), Tensor.of(*eager[i].toDoubleArray()), 1e-13)
        }
    }

    test("using a tracked tensor of another thread's live tape fails with an error that says the tape is thread-confined") {
        val pool = Executors.newSingleThreadExecutor()
        try {
            var seen: Throwable? = null
            AD.gradient({ q ->
                val other = pool.submit<Tensor> { q.times(2.0) }
                seen = try { other.get(10, TimeUnit.SECONDS); null } catch (e: ExecutionException) { e.cause }
                q.sum()
            }, Tensor.of(1.0, 2.0))
            val e = seen
            withClue("the other thread's op must fail") { (e != null) shouldBe true }
            e.shouldBeInstanceOf<IllegalStateException>()
            e.message shouldContain "confined to the thread"
            // Inside the other thread's own AD call, the foreign tracked tensor is refused the same way.
            val tape = Tape()
            val xt = tape.track(Tensor.of(1.0))
            val inner = pool.submit<Throwable?> {
                try { AD.gradient({ z -> z.times(xt).sum() }, Tensor.of(3.0)); null } catch (t: Throwable) { t }
            }.get(10, TimeUnit.SECONDS)
            inner.shouldBeInstanceOf<IllegalStateException>()
            inner.message shouldContain "confined to the thread"
            tape.close()
        } finally {
            pool.shutdownNow()
        }
    }

    test("a tracked tensor whose tape has finished acts as a constant on any thread") {
        var leaked: Tensor? = null
        AD.gradient({ q -> leaked = q.times(3.0); q.sum() }, Tensor.of(1.0, 2.0))
        val pool = Executors.newSingleThreadExecutor()
        try {
            val y = pool.submit<Tensor> { leaked!!.plus(1.0) }.get(10, TimeUnit.SECONDS)
            y.isPrimal() shouldBe true
            y.toDoubleArray().toList() shouldBe listOf(4.0, 7.0)
        } finally {
            pool.shutdownNow()
        }
    }
})
