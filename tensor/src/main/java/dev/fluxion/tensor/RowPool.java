package dev.fluxion.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A few persistent daemon threads that run the chunks of a row-split computation (a compiled
 * program over a batch, split into row ranges: issue 15's batched neural ODE), with a handoff
 * cheap enough for chunks of tens of microseconds. The common ForkJoinPool's fork/join costs
 * 10–50 µs per task once its threads have parked, as much as the work of a [256, 64] layer; here
 * a worker spins briefly (about {@link #SPIN_NANOS}) after each split before it parks, so the
 * next split of a solve's next stage finds it awake, and the caller waits for it by spinning.
 *
 * <p>{@link #run(int, int, SlotChunk)} hands one job to the caller and to each idle worker it can
 * reserve (at most slots − 1 of them); all of them then take chunks 0 .. n − 1 in turn from one
 * shared counter until none is left (dynamic self-scheduling, as OpenMP's {@code schedule(dynamic)}).
 * A split cut finer than the threads therefore loses little when a worker starts late or loses its
 * core (two vCPUs with a third of their time stolen: the caller simply takes more chunks), and each
 * chunk's intermediates stay in its core's cache. A worker that has not started when the chunks run
 * out is released without waiting for it; one that is running is waited for, at most one chunk.
 * A worker another caller holds is skipped, so callers never wait for each other and any number of
 * threads may split at once. Each chunk is told which slot (0: the caller, 1 ..: the workers this
 * split reserved, in order) runs it, so it can use that slot's buffers; which chunks a slot gets is
 * not repeatable, so a chunk's result must depend on its index only. Code running inside a chunk
 * does not fork again ({@link #inChunk}: a nested split runs whole on its thread, and the tensor
 * kernels' own {@link Parallel} splitting stays off there).
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

    /** A chunk of work told the slot that runs it: chunk i on slot s (0: the caller; each slot runs one chunk at a time). */
    @FunctionalInterface
    public interface SlotChunk {
        void run(int i, int slot);
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
     * Runs chunks 0 .. n − 1 of work on the caller and idle workers, at most {@link #threads()}
     * and at most n threads, and returns when all are done; see {@link #run(int, int, SlotChunk)}.
     */
    public static void run(int n, Chunk work) {
        run(n, n, (i, slot) -> work.run(i));
    }

    /**
     * Runs chunks 0 .. n − 1 of work, each exactly once, on the calling thread (slot 0) and on up
     * to min(slots, {@link #threads()}) − 1 idle workers (slots 1 ..), which take the chunks in
     * turn from a shared counter, and returns when all are done. Inside a chunk (a nested split)
     * every chunk runs on the caller. A chunk's exception is rethrown here (the first by chunk
     * order, so the same one whichever thread ran what) after every chunk has finished.
     */
    public static void run(int n, int slots, SlotChunk work) {
        if (n <= 0) return;
        Context ctx = CONTEXT.get();
        boolean outer = ctx.inChunk;
        Job job = ctx.job(work, n);
        int helpers = outer || Thread.currentThread() instanceof Worker ? 0 : Math.min(Math.min(slots, threads), n) - 1;
        Worker[] claimed = ctx.claimed(helpers);
        int got = 0;
        for (int j = 0; got < helpers && j < WORKERS.length; j++) {
            Worker w = worker(j);   // the next idle worker, if any (one another caller holds is skipped)
            if (w.state.compareAndSet(IDLE, CLAIMED)) {
                claimed[got++] = w;
                w.submit(job, got);
            }
        }
        ctx.inChunk = true;
        try {
            job.drain(0);
            for (int k = 0; k < got; k++) {
                Worker w = claimed[k];
                claimed[k] = null;
                // not started by now: every chunk is taken, so release it without waiting
                if (w.state.compareAndSet(PENDING, STOLEN)) w.state.set(IDLE);
                else w.await();
            }
        } finally {
            ctx.inChunk = outer;
        }
        Throwable first = job.error;
        job.clear();
        if (first instanceof RuntimeException re) throw re;
        if (first instanceof Error er) throw er;
        if (first != null) throw new IllegalStateException(first);
    }

    /** One split in progress: its chunks, the counter they are taken from, and the first failure by chunk order. */
    private static final class Job {
        private SlotChunk work;
        private int n;
        private final AtomicInteger next = new AtomicInteger();
        private Throwable error;
        private int errorChunk;

        void set(SlotChunk work, int n) {
            this.work = work;
            this.n = n;
            this.error = null;
            this.errorChunk = Integer.MAX_VALUE;
            next.set(0);   // volatile: publishes the fields above to threads that read the counter
        }

        /** Runs chunks as slot s until none is left. */
        void drain(int s) {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                try {
                    work.run(i, s);
                } catch (Throwable e) {
                    fail(i, e);
                }
            }
        }

        private synchronized void fail(int i, Throwable e) {
            if (i < errorChunk) {
                errorChunk = i;
                error = e;
            }
        }

        void clear() {
            work = null;
            error = null;
        }
    }

    /** Per calling thread: whether it is inside a chunk, its reusable job, and the workers its current split holds. */
    private static final class Context {
        boolean inChunk;
        private Worker[] claimed = new Worker[8];
        private final Job job = new Job();

        Worker[] claimed(int n) {
            if (claimed.length < n) claimed = new Worker[n];
            return claimed;
        }

        /** The job for a split; a nested split (run from inside a chunk on this thread) gets a fresh one. */
        Job job(SlotChunk work, int n) {
            Job j = inChunk ? new Job() : job;
            j.set(work, n);
            return j;
        }
    }

    private static final ThreadLocal<Context> CONTEXT = ThreadLocal.withInitial(Context::new);

    /** A worker's states: free; reserved by a caller; chunk published; taken by the worker; finished; taken back by the caller. */
    private static final int IDLE = 0, CLAIMED = 1, PENDING = 2, RUNNING = 3, DONE = 4, STOLEN = 5;

    /** One worker thread, moving through the states above. */
    private static final class Worker extends Thread {
        final AtomicInteger state = new AtomicInteger(IDLE);
        private Job job;
        private int slot;
        private volatile boolean parked;

        Worker(int j) {
            super("fluxion-rows-" + (j + 1));
            setDaemon(true);
        }

        /** Hands a job to this (claimed) worker, to take chunks as the given slot. */
        void submit(Job job, int slot) {
            this.job = job;
            this.slot = slot;
            state.set(PENDING);   // publishes the fields above and the caller's inputs
            if (parked) LockSupport.unpark(this);
        }

        /** Waits for the worker to finish its part of the job, then frees it. */
        void await() {
            int spins = 0;
            while (state.get() != DONE) {
                if (++spins < 1 << 12) Thread.onSpinWait();
                else Thread.yield();   // the worker lost its core (a loaded machine): let it run
            }
            job = null;
            state.set(IDLE);
        }

        @Override public void run() {
            while (true) {
                waitForTask();
                if (!state.compareAndSet(PENDING, RUNNING)) continue;   // the caller released it
                job.drain(slot);   // a chunk's failure is kept by the job
                state.set(DONE);   // publishes the chunks' results
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
