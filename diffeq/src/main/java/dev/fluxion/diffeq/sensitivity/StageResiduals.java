package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The forward values a discrete adjoint's per-stage VJP reads, kept from the forward pass instead
 * of recomputed (issue 15: the batched neural ODE's VJP recomputed x·W1ᵀ + b1 and tanh over
 * [B, 64] for every stage, about a third of its work). Each evaluation of f in the forward solve
 * runs the compiled f's residual-saving program ({@link CompiledFunction#residualVjpRunners}: f's
 * value bit for bit, and its activations), and the activations are kept under the array f wrote
 * into (a step's stage, which the solve keeps). The backward pass asks for the stage whose VJP it
 * needs by that array and gets the pullback run on the kept values, but only when the input and t
 * it recomputed are those of the forward evaluation, compared bit for bit; otherwise (or for an
 * evaluation never kept: the interpolant's extra stages, recomputed backward) the caller runs the
 * VJP program that recomputes everything. So the answer never depends on this cache, only the time.
 *
 * <p>Costs per evaluation kept: a copy of the input (the state's length) and the residuals (the
 * batch's activations, B·64 doubles: 4 MB per B = 256 gradient of 32 evaluations).
 */
final class StageResiduals implements FlatStateOps.Evaluation {
    /** Per thread, idle runner pairs per compiled f (weakly keyed), as RkDiscreteAdjoint keeps its VJP runners. */
    private static final ThreadLocal<Map<CompiledFunction, Idle>> IDLE = ThreadLocal.withInitial(WeakHashMap::new);

    /** What a finished solve leaves for the next one of the same f on its thread. */
    private record Idle(CompiledFunction.MultiRunner forward, CompiledFunction.MultiRunner pullback, java.util.ArrayDeque<double[]> free) {}
    /** Runner pairs known not to exist (no residuals worth keeping), so a solve does not trace again. */
    private static final Map<CompiledFunction, Boolean> NONE = java.util.Collections.synchronizedMap(new WeakHashMap<>());

    /** Tests turn this off to compare against the recomputing path in one JVM. */
    static volatile boolean enabled = true;

    /** VJPs served from kept values, and asked for but recomputed (no entry, or another input): tests read them. */
    static final java.util.concurrent.atomic.AtomicLong SERVED = new java.util.concurrent.atomic.AtomicLong(),
            RECOMPUTED = new java.util.concurrent.atomic.AtomicLong();

    private record Kept(double[] u, double t, double[][] residuals) {}

    private final CompiledFunction cf;
    private final double[] p;
    /** f's value and residuals per evaluation, and the VJP from them; null once released. */
    private CompiledFunction.MultiRunner forward, pullback;
    private final double[] time = new double[1];
    private final double[][] fargs;
    private final Map<double[], Kept> byOutput = new IdentityHashMap<>();
    private long keptElements;

    private StageResiduals(CompiledFunction cf, double[] p, Idle pair) {
        this.cf = cf;
        this.p = p;
        this.forward = pair.forward.bind(1, p);
        this.pullback = pair.pullback;
        this.free = pair.free;
        this.fargs = new double[][] {null, null, time, null};
    }

    /**
     * A store for one forward solve of cf with parameters p and states shaped like u0, or null when
     * cf has no residuals worth keeping. needsP: whether the VJP wants p's cotangent.
     */
    static StageResiduals of(CompiledFunction cf, Tensor u0, Tensor p, boolean needsP) {
        if (!enabled || cf == null || NONE.containsKey(cf)) return null;
        Idle pair = IDLE.get().remove(cf);
        if (pair == null) {
            CompiledFunction.MultiRunner[] runners = cf.residualVjpRunners(new boolean[] {true, needsP, false}, new boolean[] {true, false, false},
                    Tensor.zeros(u0.shape()), p, Tensor.scalar(0.0));
            if (runners == null) {
                NONE.put(cf, Boolean.TRUE);
                return null;
            }
            pair = new Idle(runners[0], runners[1], new java.util.ArrayDeque<>());
        }
        return new StageResiduals(cf, p.unsafeData(), pair);
    }

    @Override public void evalInto(double[] u, double t, double[] out) {
        double[][] a = fargs;
        a[0] = u;
        time[0] = t;
        int r = forward.outputs() - 1;
        double[][] outs = new double[1 + r][];
        outs[0] = out;
        double[][] res = new double[r][];
        for (int j = 0; j < r; j++) outs[1 + j] = res[j] = buffer(forward.outputShape(1 + j).size());
        // the value straight into the stage array, the activations into kept buffers (no copies via the workspace)
        forward.runInto(a, outs);
        byOutput.put(out, new Kept(u.clone(), t, res));
    }

    /** A buffer of n doubles: a free one of this thread's earlier solves of f, else a new one. */
    private double[] buffer(int n) {
        double[] b = free.pollLast();
        return b != null && b.length == n ? b : new double[n];
    }

    /**
     * Buffers of earlier solves' kept activations, reused so a gradient does not allocate (and the
     * collector sweep) megabytes per solve; a buffer is always fully written before it is read.
     */
    private final java.util.ArrayDeque<double[]> free;

    /**
     * At most this many free buffers, and doubles in them, are kept per thread and f: a Tsit5 solve
     * keeps ~32 (at B = 1024, 512 KB each); beyond 2²² doubles (32 MB) the collector takes them.
     */
    private static final int MAX_FREE = 64;
    private static final long MAX_FREE_DOUBLES = 1L << 22;

    private void recycle(Kept k) {
        for (double[] r : k.residuals) {
            if (free.size() >= MAX_FREE || (long) (free.size() + 1) * r.length > MAX_FREE_DOUBLES) return;
            free.addLast(r);
        }
    }

    /** Ends the forward pass: drops what no kept stage reads (rejected attempts' evaluations). */
    void forwardDone(Set<double[]> live) {
        for (var it = byOutput.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!live.contains(e.getKey())) {
                recycle(e.getValue());
                it.remove();
            }
        }
        keptElements = 0;
        for (Kept k : byOutput.values()) {
            keptElements += k.u.length;
            for (double[] r : k.residuals) keptElements += r.length;
        }
    }

    /** Doubles kept for the backward pass. */
    long keptElements() { return keptElements; }

    /** The pullback's arguments and outputs (the caller's gu and gp, the same arrays at every call). */
    private double[][] pargs, pouts;

    /**
     * gu = λᵀ∂f/∂u at (u, t) and gp = λᵀ∂f/∂p (when the store was made with needsP) from the values
     * kept for the evaluation that wrote out, if its input and t were these; false, with nothing
     * written, otherwise.
     */
    boolean vjp(double[] out, double[] u, double t, double[] lambda, double[] gu, double[] gp) {
        Kept k = out == null || pullback == null ? null : byOutput.get(out);
        if (k == null || Double.doubleToLongBits(k.t) != Double.doubleToLongBits(t) || !Arrays.equals(k.u, u)) {
            RECOMPUTED.incrementAndGet();
            return false;
        }
        SERVED.incrementAndGet();
        double[][] a = pargs;
        if (a == null) {
            a = pargs = new double[4 + k.residuals.length][];
            pullback.bind(1, p);
            a[2] = new double[1];
        }
        a[0] = u;
        a[2][0] = t;
        a[3] = lambda;
        System.arraycopy(k.residuals, 0, a, 4, k.residuals.length);
        double[][] o = pouts;
        if (o == null) o = pouts = new double[pullback.outputs()][];
        o[0] = gu;
        if (o.length > 1) o[1] = gp;
        pullback.runInto(a, o);
        return true;
    }

    /**
     * Gives the runners and the kept buffers back to this thread's idle pool (they serve the next
     * solve of f); {@link #vjp} answers false from then on.
     */
    void release() {
        if (forward == null) return;
        for (Kept k : byOutput.values()) recycle(k);
        byOutput.clear();
        keptElements = 0;
        IDLE.get().put(cf, new Idle(forward, pullback, free));
        forward = null;
        pullback = null;
        pargs = null;
        pouts = null;
    }
}
