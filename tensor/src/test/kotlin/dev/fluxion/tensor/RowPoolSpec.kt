package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.Collections
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicIntegerArray

/**
 * RowPool's dynamic chunks: the caller and the workers it reserves take chunks from one counter,
 * so which thread (slot) runs which chunk varies; what must not vary is that every chunk runs
 * exactly once, that a slot runs one chunk at a time (its buffers are reused from chunk to chunk),
 * that the failure rethrown is the first by chunk order and only after every chunk finished, and
 * that nested splits and -Dfluxion.threads=1 stay on the calling thread.
 */
class RowPoolSpec : FunSpec({
    fun <T> withThreads(n: Int, body: () -> T): T {
        val old = RowPool.threads()
        RowPool.setThreads(n)
        try {
            return body()
        } finally {
            RowPool.setThreads(old)
        }
    }

    /** Some arithmetic, so that chunks overlap in time across threads. */
    fun busy(i: Int): Double {
        var x = i.toDouble()
        repeat(2000) { x = Math.sin(x) + 1.0 }
        return x
    }

    test("every chunk runs once, on a slot below the threads, each slot one chunk at a time") {
        withThreads(2) {
            repeat(200) {
                val n = 1 + it % 37
                val runs = AtomicIntegerArray(n)
                val inUse = Array(2) { AtomicBoolean(false) }
                val clash = AtomicBoolean(false)
                RowPool.run(n, 2) { i, slot ->
                    if (!inUse[slot].compareAndSet(false, true)) clash.set(true)
                    RowPool.inChunk() shouldBe true
                    busy(i)
                    runs.incrementAndGet(i)
                    inUse[slot].set(false)
                }
                clash.get() shouldBe false
                (0 until n).map { runs.get(it) }.distinct() shouldBe listOf(1)
            }
        }
        RowPool.inChunk() shouldBe false
    }

    test("slots = 1 keeps every chunk on the caller") {
        val caller = Thread.currentThread()
        val seen = Collections.synchronizedSet(HashSet<Pair<Thread, Int>>())
        withThreads(2) { RowPool.run(20, 1) { _, slot -> seen.add(Thread.currentThread() to slot) } }
        seen shouldBe setOf(caller to 0)
    }

    test("the failure rethrown is the first by chunk order, after every other chunk ran") {
        withThreads(2) {
            repeat(100) { rep ->
                val n = 12
                val runs = AtomicIntegerArray(n)
                val e = shouldThrow<IllegalStateException> {
                    RowPool.run(n, 2) { i, _ ->
                        busy(i)
                        runs.incrementAndGet(i)
                        // chunk 9 fails in every repetition, chunk 4 in every other one
                        if (i == 9 || (i == 4 && rep % 2 == 0)) throw IllegalStateException("chunk $i")
                    }
                }
                e.message shouldBe if (rep % 2 == 0) "chunk 4" else "chunk 9"
                (0 until n).map { runs.get(it) }.distinct() shouldBe listOf(1)
            }
        }
    }

    test("a split started inside a chunk runs whole on that chunk's thread") {
        withThreads(2) {
            val nested = Collections.synchronizedList(ArrayList<Boolean>())
            RowPool.run(4, 2) { _, _ ->
                val t = Thread.currentThread()
                RowPool.run(8, 2) { _, slot -> nested.add(Thread.currentThread() == t && slot == 0 && RowPool.inChunk()) }
            }
            nested.size shouldBe 32
            nested.all { it } shouldBe true
        }
    }

    test("with one thread every chunk runs on the caller; the one-argument run still runs each chunk once") {
        val caller = Thread.currentThread()
        val seen = Collections.synchronizedSet(HashSet<Thread>())
        withThreads(1) { RowPool.run(16, 8) { _, slot -> seen.add(Thread.currentThread()); slot shouldBe 0 } }
        seen shouldBe setOf(caller)
        val runs = AtomicIntegerArray(9)
        withThreads(2) { RowPool.run(9) { i -> runs.incrementAndGet(i) } }
        (0 until 9).map { runs.get(it) }.distinct() shouldBe listOf(1)
    }
})
