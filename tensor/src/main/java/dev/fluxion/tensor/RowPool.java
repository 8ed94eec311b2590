package dev.fluxion.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A few persistent daemon threads that run the chunks of a row-split computation (a compiled
 * program over a batch, split into row ranges: issue 15's batched neural ODE), with a handoff
 * cheap enough for chunks of tens of microseconds. The common ForkJoinPool's fork/join costs
 * 10–50 µs per task once its threads have parked, as much as the work of a [256, 64] layer; here
 * a worker spins briefly (about {@link #SPIN_NANOS}) after each chunk before it parks, so the
 * next chunk of a solve's next stage finds it awake, and the caller waits for it by spinning.
 *
 * <p>{@link #run} gives chunk 0 to the caller and each other chunk to an idle worker; a chunk that
 * finds no idle worker (another thread's split holds them all) runs on the caller, after its own.
 * So callers never wait for each other, any number of threads may split at once, and a chunk's
 * result never depends on which thread ran it. Code running inside a chunk does not fork again
 * ({@link #inChunk}: the tensor kernels' own {@link Parallel} splitting stays off there).
 *
 * <p>Size: {@code -Dfluxion.threads=N} (default: the available processors, at most 8) threads
 * in all, the caller included; {@code -Dfluxion.threads=1} starts no worker.
 */
public final class RowPool {
    private RowPool() {}

    private static volatile int threads = threadsSetting();

    /** Threads a split may use, the caller included ({@code -Dfluxion.threads}). */
    public static int threads() { return threads; }

    /**
     * Sets the threads that splits decided from now on may use (programs compiled earlier keep
     * their split): for tests and A/B benchmarks that compare split and whole runs in one JVM.
     */
    public static void setThreads(int n) {
        if (n < 1 || n > 64) throw new IllegalArgumentException("threads must be in 1..64, got " + n);
        threads = n;
    }

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 50_000L;

    private static int threadsSetting() {
        String s = System.getProperty("fluxion.threads");
        int cores = Runtime.getRuntime().availableProcessors();
        if (s == null || s.isBlank()) return Math.max(1, Math.min(cores, 8));
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) return Math.min(n, 64);
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-Dfluxion.threads must be a positive integer, got \"" + s + "\"");
    }

    /** Whether the current thread is running a chunk of a split (kernels then stay on it). */
    public static boolean inChunk() {
        Thread t = Thread.currentThread();
        return t instanceof Worker || CONTEXT.get().inChunk;
    }

    /** A chunk of work: chunk index i of a split. */
    @FunctionalInterface
    public interface Chunk {
        void run(int i);
    }

    private static final Worker[] WORKERS = new Worker[63];   // started on first use
    private static final Object START = new Object();

    private static Worker worker(int j) {
        Worker w = WORKERS[j];
        if (w != null) return w;
        synchronized (START) {
            if (WORKERS[j] == null) {
                Worker n = new Worker(j);
                n.start();
                WORKERS[j] = n;
            }
            return WORKERS[j];
        }
    }

    /**
     * Runs chunks 0 .. n − 1 of work, chunk 0 on the calling thread and the others on idle workers
     * where there are any, and returns when all are done. A chunk a worker has not started by the
     * time the caller is through with its own is taken back and run by the caller (on a loaded
     * machine a worker may wait milliseconds for a core). A chunk's exception is rethrown here
     * (the first, by chunk order) after every chunk has finished.
     */
    public static void run(int n, Chunk work) {
        if (n <= 0) return;
        Context ctx = CONTEXT.get();
        Worker[] claimed = ctx.claimed(n);
        for (int i = 1, j = 0; i < n && j < WORKERS.length; i++) {
            // the next idle worker, if any (a worker another caller holds is skipped)
            for (; j < WORKERS.length; j++) {
                Worker w = worker(j);
                if (w.state.compareAndSet(IDLE, CLAIMED)) {
                    claimed[i] = w;
                    w.submit(work, i);
                    j++;
                    break;
                }
            }
        }
        boolean outer = ctx.inChunk;
        Throwable first = null;
        ctx.inChunk = true;
        try {
            for (int i = 0; i < n; i++) {
                if (claimed[i] != null) continue;
                first = runChunk(work, i, first);
            }
            for (int i = 1; i < n; i++) {
                Worker w = claimed[i];
                if (w == null) continue;
                claimed[i] = null;
                if (w.state.compareAndSet(PENDING, STOLEN)) {   // not started: run it here
                    first = runChunk(work, i, first);
                    w.state.set(IDLE);
                    continue;
                }
                Throwable e = w.await();
                if (e != null && first == null) first = e;
            }
        } finally {
            ctx.inChunk = outer;
        }
        if (first instanceof RuntimeException re) throw re;
        if (first instanceof Error er) throw er;
        if (first != null) throw new IllegalStateException(first);
    }

    private static Throwable runChunk(Chunk work, int i, Throwable first) {
        try {
            work.run(i);
        } catch (Throwable e) {
            if (first == null) return e;
        }
        return first;
    }

    /** Per calling thread: whether it is inside a chunk, and the workers its current split holds. */
    private static final class Context {
        boolean inChunk;
        private Worker[] claimed = new Worker[8];

        Worker[] claimed(int n) {
            if (claimed.length < n) claimed = new Worker[n];
            return claimed;
        }
    }

    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

    /** A worker's states: free; reserved by a caller; chunk published; taken by the worker; finished; taken back by the caller. */
    private static final int IDLE = 0, CLAIMED = 1, PENDING = 2, RUNNING = 3, DONE = 4, STOLEN = 5;

    /** One worker thread, moving through the states above. */
    private static final class Worker extends Thread {
        final AtomicInteger state = new AtomicInteger(IDLE);
        private Chunk task;
        private int index;
        private Throwable error;
        private volatile boolean parked;

        Worker(int j) {
            super("fluxion-rows-" + (j + 1));
            setDaemon(true);
        }

        /** Hands chunk i of work to this (claimed) worker. */
        void submit(Chunk work, int i) {
            task = work;
            index = i;
            error = null;
            state.set(PENDING);   // publishes the fields above and the caller's inputs
            if (parked) LockSupport.unpark(this);
        }

        /** Waits for the chunk the worker took; returns its exception, if any, and frees the worker. */
        Throwable await() {
            int spins = 0;
            while (state.get() != DONE) {
                if (++spins < 1 << 12) Thread.onSpinWait();
                else Thread.yield();   // the worker lost its core (a loaded machine): let it run
            }
            Throwable e = error;
            task = null;
            state.set(IDLE);
            return e;
        }

        @Override public void run() {
            while (true) {
                waitForTask();
                if (!state.compareAndSet(PENDING, RUNNING)) continue;   // the caller took it back
                try {
                    task.run(index);
                } catch (Throwable e) {
                    error = e;
                }
                state.set(DONE);   // publishes the chunk's results
            }
        }

        private void waitForTask() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (state.get() != PENDING) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (state.get() != PENDING) LockSupport.park(this);   // submit unparks if it saw parked
                parked = false;
            }
        }
    }
}
