package dev.fluxion.diffeq.ensemble;

import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.autodiff.Tape;
import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Lanes;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of trajectories solved in parallel as one op on the caller's graph, for
 * {@link EnsembleThreads} when the trajectories' problems carry derivatives. Why an op: a reverse
 * tape is confined to the thread that records it, so worker threads cannot record onto the
 * caller's; instead each rule runs every trajectory on a worker with AD levels of its own and the
 * op joins the results, the way a solve's sensitivity method is one op (SolveOp).
 *
 * <ul>
 *   <li>Inputs: each trajectory's u0, p, t0 and t1 (4 per trajectory), as the prob function made
 *       them on the caller's thread; output: the trajectories' tensor outputs, flattened and
 *       concatenated (the caller's graph slices them back).</li>
 *   <li>Forward: plain solves in parallel (the problems rebuilt from the inputs' values).</li>
 *   <li>VJP: in parallel, each trajectory again on a fresh tape of its worker, tracking only the
 *       inputs the caller needs, solved by the trajectory's own sensitivity method, walked back
 *       from its slice of the cotangent. Recomputing the solve costs one plain solve per trajectory
 *       but keeps nothing between the passes (a checkpoint, as the adjoint methods do).</li>
 *   <li>Except for scalar outputs (a loss per trajectory, the usual ensemble objective) under a
 *       reverse tape: the forward then solves each trajectory on its worker's tape at once and walks
 *       it back with cotangent 1, keeping only the gradient with respect to its inputs; the VJP
 *       scales it by the trajectory's cotangent. The same solves and sensitivity method, but one solve
 *       per trajectory instead of two (the plain forward's and the VJP's), and a few numbers kept.</li>
 *   <li>JVP: in parallel, each trajectory with dual lanes of its worker.</li>
 * </ul>
 *
 * Each trajectory's contribution is computed alone and the caller's tape adds them in trajectory
 * order, so the gradient does not depend on scheduling. When the inputs or cotangent carry further
 * levels (a derivative of a derivative), the rules run on the caller's thread, serially, through the
 * same per-trajectory code, which is always correct.
 */
final class EnsembleOp<P extends DEProblem<P>> extends Op {
    private final List<P> templates;
    private final int from;
    private final long[] seeds;
    private final Trajectory.Body<P> body;
    private final EnsembleAlgorithm alg;
    /** Which of each trajectory's (u0, p, t0, t1) carry derivatives: only those are rebuilt from the op's inputs. */
    private final boolean[] live;
    private List<Trajectory.Done> forward;
    private Shape[] shapes;
    private int[] offsets;
    /** Whether every live input is tracked by one reverse tape (so a VJP is what follows the forward). */
    private boolean reverse;
    /** Per trajectory, the gradient of its scalar output with respect to its (u0, p, t0, t1), nulls where not live; null when not kept. */
    private Tensor[][] kept;

    EnsembleOp(List<P> templates, int from, long[] seeds, Trajectory.Body<P> body, EnsembleAlgorithm alg) {
        this.templates = templates;
        this.from = from;
        this.seeds = seeds;
        this.body = body;
        this.alg = alg;
        this.live = new boolean[4 * templates.size()];
    }

    static boolean carriesDerivatives(DEProblem<?> q) {
        for (Tensor t : parts(q)) if (!t.isPrimal()) return true;
        return false;
    }

    private static Tensor[] parts(DEProblem<?> q) {
        Tensor u0 = q.u0();
        if (u0 == null) throw new IllegalArgumentException("the problem has no initial state");
        Tensor[] span = q.tspan();
        return new Tensor[] {u0, q.p(), span[0], span[1]};
    }

    /** Applies the op on the caller's graph and returns each trajectory's result, its output sliced from the op's. */
    List<Trajectory.Done> run() {
        int m = templates.size();
        Tensor[] in = new Tensor[4 * m];
        for (int k = 0; k < m; k++) {
            Tensor[] x = parts(templates.get(k));
            for (int j = 0; j < 4; j++) {
                in[4 * k + j] = x[j];
                live[4 * k + j] = !x[j].isPrimal();
            }
        }
        reverse = true;
        for (int i = 0; i < in.length; i++) reverse &= !live[i] || "tracked".equals(in[i].kind());
        Tensor y = Dispatch.apply(this, in);
        List<Trajectory.Done> out = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            Trajectory.Done d = forward.get(k);
            Tensor yk = y.slice(0, offsets[k], offsets[k + 1]).reshape(shapes[k]);
            out.add(new Trajectory.Done(yk, d.retcode(), d.stats()));
        }
        return out;
    }

    @Override public String name() { return "ensemble[" + templates.size() + " trajectories]"; }

    /** Trajectory k's problem with its live parts replaced by x (u0, p, t0, t1). */
    private P rebuild(int k, Tensor[] x) {
        P q = templates.get(k);
        if (live[4 * k + 1]) q = q.withP(x[1]);
        if (live[4 * k]) q = q.withU0(x[0]);
        if (live[4 * k + 2] || live[4 * k + 3]) q = q.withTspan(x[2], x[3]);
        return q;
    }

    private static Tensor[] of(Tensor[] in, int k) { return Arrays.copyOfRange(in, 4 * k, 4 * k + 4); }

    @Override public Tensor forward(Tensor[] in) {
        int m = templates.size();
        kept = reverse && plain(in) ? new Tensor[m][] : null;
        forward = alg.map(m, k -> kept == null ? body.run(rebuild(k, of(in, k)), from + k, seeds[k]) : solveKeeping(k, of(in, k)));
        shapes = new Shape[m];
        offsets = new int[m + 1];
        for (int k = 0; k < m; k++) {
            Tensor o = EnsembleProblem.tensorOutput(forward.get(k).output(), from + k);
            shapes[k] = o.shape();
            offsets[k + 1] = offsets[k] + o.size();
        }
        double[] flat = new double[offsets[m]];
        for (int k = 0; k < m; k++) {
            Tensor o = (Tensor) forward.get(k).output();
            System.arraycopy(o.primal().unsafeData(), 0, flat, offsets[k], o.size());
        }
        return Tensor.unsafeWrap(Shape.of(offsets[m]), flat);
    }

    /**
     * Trajectory k solved on its worker's own tape with its live inputs tracked; a scalar output is
     * walked back at once with cotangent 1 and its gradient kept (kept[k]); a larger one only gives
     * its value (its VJP recomputes the solve).
     */
    private Trajectory.Done solveKeeping(int k, Tensor[] x) {
        Tape tape = new Tape();
        try {
            boolean[] mask = Arrays.copyOfRange(live, 4 * k, 4 * k + 4);
            List<Tensor> wrt = new ArrayList<>();
            Trajectory.Done d = body.run(rebuild(k, track(tape, x, mask, wrt)), from + k, seeds[k]);
            Tensor y = EnsembleProblem.tensorOutput(d.output(), from + k);
            Tensor value = tape.valueOf(y);
            if (y.size() == 1) kept[k] = walk(tape, y, Tensor.ones(y.shape()), mask, wrt);
            return new Trajectory.Done(value, d.retcode(), d.stats());
        } finally {
            tape.close();
        }
    }

    /** A copy of x (u0, p, t0, t1) with the entries where mask holds tracked on tape; those, in order, added to wrt. */
    private static Tensor[] track(Tape tape, Tensor[] x, boolean[] mask, List<Tensor> wrt) {
        Tensor[] xt = x.clone();
        for (int j = 0; j < 4; j++) {
            if (mask[j]) {
                xt[j] = tape.track(x[j]);
                wrt.add(xt[j]);
            }
        }
        return xt;
    }

    /** tape walked back from y with cotangent ct: the cotangents of wrt, each in its place among (u0, p, t0, t1) by mask. */
    private static Tensor[] walk(Tape tape, Tensor y, Tensor ct, boolean[] mask, List<Tensor> wrt) {
        Tensor[] gw = tape.backward(y, ct, wrt.toArray(new Tensor[0]));
        Tensor[] g = new Tensor[4];
        for (int j = 0, w = 0; j < 4; j++) if (mask[j]) g[j] = gw[w++];
        return g;
    }

    private static boolean plain(Tensor[] xs) {
        for (Tensor x : xs) if (x != null && !x.isPrimal()) return false;
        return true;
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        int m = templates.size();
        boolean plain = plain(in) && ct.isPrimal();
        EnsembleAlgorithm run = plain ? alg : EnsembleSerial.INSTANCE;
        // the kept gradients are plain numbers: not for inputs or a cotangent with levels below the
        // tape (a Hessian-vector product's duals), whose VJP must carry those levels
        Tensor[][] use = plain ? kept : null;
        List<Tensor[]> gs = run.map(m, k -> trajectoryVjp(k, of(in, k), ct.slice(0, offsets[k], offsets[k + 1]).reshape(shapes[k]),
                Arrays.copyOfRange(needs, 4 * k, 4 * k + 4), use == null ? null : use[k]));
        Tensor[] g = new Tensor[4 * m];
        for (int k = 0; k < m; k++) System.arraycopy(gs.get(k), 0, g, 4 * k, 4);
        return g;
    }

    /** Trajectory k's cotangents of its (u0, p, t0, t1); gk: the gradient the forward kept for it, or null. */
    private Tensor[] trajectoryVjp(int k, Tensor[] x, Tensor ct, boolean[] needs, Tensor[] gk) {
        Tensor[] g = new Tensor[4];
        boolean any = false;
        for (int j = 0; j < 4; j++) any |= needs[j];
        if (!any) return g;
        if (gk != null) {   // the forward's gradient of the scalar output, times its cotangent
            double c = ct.unsafeData()[0];
            for (int j = 0; j < 4; j++) if (needs[j]) g[j] = gk[j] == null ? Tensor.zeros(x[j].shape()) : gk[j].times(c);
            return g;
        }
        if (ct.isPrimal() && allZero(ct)) {   // the loss does not read this trajectory
            for (int j = 0; j < 4; j++) if (needs[j]) g[j] = Tensor.zeros(x[j].shape());
            return g;
        }
        Tape tape = new Tape();
        try {
            List<Tensor> wrt = new ArrayList<>();
            return walk(tape, outputOf(k, track(tape, x, needs, wrt)), ct, needs, wrt);
        } finally {
            tape.close();
        }
    }

    /** Trajectory k solved from x, its output checked against the forward pass's shape. */
    private Tensor outputOf(int k, Tensor[] x) {
        Tensor y = EnsembleProblem.tensorOutput(body.run(rebuild(k, x), from + k, seeds[k]).output(), from + k);
        if (!y.shape().equals(shapes[k])) {
            throw new IllegalStateException("trajectory " + (from + k) + ": the output function returned shape " + y.shape()
                    + " when differentiated but " + shapes[k] + " in the forward pass; it must depend on the solution only");
        }
        return y;
    }

    private static boolean allZero(Tensor t) {
        for (double v : t.unsafeData()) if (v != 0.0) return false;
        return true;
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int lanes = Lanes.count(t);
        if (lanes == 0) return null;
        int m = templates.size();
        EnsembleAlgorithm run = plain(in) && plain(t) ? alg : EnsembleSerial.INSTANCE;
        List<Tensor> parts = run.map(m, k -> trajectoryJvp(k, lanes, of(in, k), of(t, k)));
        return Tensor.concat(1, parts.toArray(new Tensor[0]));
    }

    /** Trajectory k's output tangents, [lanes, size of its output]. */
    private Tensor trajectoryJvp(int k, int lanes, Tensor[] x, Tensor[] t) {
        int size = offsets[k + 1] - offsets[k];
        if (Lanes.count(t) == 0) return Tensor.zeros(lanes, size);
        DualLevel level = new DualLevel(lanes);
        try {
            Tensor[] xd = x.clone();
            for (int j = 0; j < 4; j++) if (t[j] != null) xd[j] = level.dual(x[j], t[j]);
            return level.tangentOf(outputOf(k, xd)).reshape(lanes, size);
        } finally {
            level.close();
        }
    }
}
