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
    private static final ThreadLocal<Map<CompiledFunction, CompiledFunction.MultiRunner[]>> IDLE =
            ThreadLocal.withInitial(WeakHashMap::new);
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
    private final int np;
    private CompiledFunction.MultiRunner forward;
    private final double[] time = new double[1];
    private final double[][] fargs;
    private final Map<double[], Kept> byOutput = new IdentityHashMap<>();
    private long keptElements;

    private StageResiduals(CompiledFunction cf, double[] p, CompiledFunction.MultiRunner forward) {
        this.cf = cf;
        this.p = p;
        this.np = p.length;
        this.forward = forward.bind(1, p);
        this.fargs = new double[][] {null, null, time, null};
    }

    /**
     * A store for one forward solve of cf with parameters p and states shaped like u0, or null when
     * cf has no residuals worth keeping. needsP: whether the VJP wants p's cotangent.
     */
    static StageResiduals of(CompiledFunction cf, Tensor u0, Tensor p, boolean needsP) {
        if (!enabled || cf == null || NONE.containsKey(cf)) return null;
        CompiledFunction.MultiRunner[] pair = IDLE.get().remove(cf);
        if (pair == null) {
            pair = cf.residualVjpRunners(new boolean[] {true, needsP, false}, new boolean[] {true, false, false},
                    Tensor.zeros(u0.shape()), p, Tensor.scalar(0.0));
            if (pair == null) {
                NONE.put(cf, Boolean.TRUE);
                return null;
            }
        }
        StageResiduals r = new StageResiduals(cf, p.unsafeData(), pair[0]);
        r.pullback = pair[1];
        return r;
    }

    private CompiledFunction.MultiRunner pullback;

    @Override public void evalInto(double[] u, double t, double[] out) {
        double[][] a = fargs;
        a[0] = u;
        time[0] = t;
        forward.run(a);
        forward.copyOutput(0, out, 0);
        double[][] res = new double[forward.outputs() - 1][];
        for (int j = 0; j < res.length; j++) {
            res[j] = forward.output(1 + j);
            keptElements += res[j].length;
        }
        keptElements += u.length;
        byOutput.put(out, new Kept(u.clone(), t, res));
    }

    /** Ends the forward pass: drops what no kept stage reads (rejected attempts' evaluations). */
    void forwardDone(Set<double[]> live) {
        byOutput.keySet().retainAll(live);
        keptElements = 0;
        for (Kept k : byOutput.values()) {
            keptElements += k.u.length;
            for (double[] r : k.residuals) keptElements += r.length;
        }
    }

    /** Doubles kept for the backward pass. */
    long keptElements() { return keptElements; }

    /** The bound runners, for the backward pass that takes the pullback. */
    private double[][] pargs;

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
        pullback.run(a);
        pullback.copyOutput(0, gu, 0);
        if (gp != null && np > 0) pullback.copyOutput(1, gp, 0);
        return true;
    }

    /**
     * Gives the runners back to this thread's idle pool (their workspaces serve the next solve);
     * the kept values stay, but {@link #vjp} answers false from then on.
     */
    void release() {
        if (forward == null) return;
        IDLE.get().put(cf, new CompiledFunction.MultiRunner[] {forward, pullback});
        forward = null;
        pullback = null;
        pargs = null;
    }
}
