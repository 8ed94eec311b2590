package dev.fluxion.diffeq;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * States as flat arrays: for plain solves of a compiled right-hand side (each evaluation runs the
 * compiled program on this solve's own workspace, each stage sum is one loop, and the only
 * allocation per evaluation is the result array), and for augmented systems (forward dual lanes
 * stored after the primal state, adjoint states). Step control may be restricted to the leading
 * primal components, so derivative lanes never steer the steps.
 */
public final class FlatStateOps implements StateOps<double[]> {
    private final FlatRhs rhs;
    /** The compiled f and its parameters, for Jacobians by forward lanes; null for augmented systems. */
    private final CompiledFunction cf;
    private final Tensor p;
    private CompiledFunction.MultiRunner jvpU, jvpT;
    private double[][] jvpUArgs, jvpTArgs;
    private final Shape shape;
    /** A user-supplied ∂f/∂u (set by the solve), or null: forward lanes over the compiled f. */
    OdeJacobian userJacobian;
    /** SolveOptions.sparseJacobian: null automatic, true forced, false dense lanes (set by the solve). */
    Boolean sparseMode;
    private SparseJacobianPlan sparsePlan;
    private boolean sparseDecided;
    private CompiledFunction.MultiRunner jvpSparse;
    private double[][] jvpSparseArgs;
    /** The Jacobian of a system without a compiled f (an adjoint's backward system), or null. */
    private JacobianSource jacobianSource;
    private final int normLength;
    private final int activeLength;
    private int evaluations;
    /** Stage inputs live only until f has read them (a compiled program reads its arguments only while it runs), so one array serves all. */
    private double[] stageScratch;
    private final boolean scratchStageInputs;
    /**
     * The compiled f's runner of a plain solve (null for augmented systems): {@link #eval} calls it
     * directly rather than through the {@link FlatRhs} interface, so the call is bound statically
     * whatever other right-hand sides (dual lanes, adjoints) the JVM has run through this class.
     */
    private CompiledFunction.Runner runner;
    private double[][] runArgs;
    private double[] runTime;
    /** The state's size, f's output length on the plain path. */
    private int runSize;

    /**
     * @param rhs        the right-hand side
     * @param shape      the shape a state is reported with (its size is the array length)
     * @param normLength how many leading components step control reads
     */
    public FlatStateOps(FlatRhs rhs, Shape shape, int normLength) {
        this(rhs, shape, normLength, shape.size());
    }

    /**
     * @param activeLength how many leading components the right-hand side reads; the rest are
     *                     passive (integrated, never fed back), so stage inputs skip them
     */
    public FlatStateOps(FlatRhs rhs, Shape shape, int normLength, int activeLength) {
        this(rhs, shape, normLength, activeLength, false);
    }

    /**
     * As {@code new FlatStateOps(rhs, shape, normLength)} for a right-hand side that reads its
     * argument only while it runs and keeps no reference to it (a compiled program's lanes: the
     * forward-mode system of ForwardDuals), so every stage input may reuse one array: no allocation
     * per stage input.
     */
    public static FlatStateOps readingInputsOnlyWhileRunning(FlatRhs rhs, Shape shape, int normLength) {
        return new FlatStateOps(rhs, shape, normLength, shape.size(), true);
    }

    private FlatStateOps(FlatRhs rhs, Shape shape, int normLength, int activeLength, boolean scratchStageInputs) {
        this(rhs, shape, normLength, activeLength, scratchStageInputs, null, null);
    }

    private FlatStateOps(FlatRhs rhs, Shape shape, int normLength, int activeLength, boolean scratchStageInputs,
                         CompiledFunction cf, Tensor p) {
        this.cf = cf;
        this.p = p;
        this.rhs = rhs;
        this.shape = shape;
        this.normLength = normLength;
        this.activeLength = activeLength;
        this.scratchStageInputs = scratchStageInputs;
    }

    /**
     * The largest parameter vector passed to the compiled f by reference at each call rather than
     * bound once (see {@link #of}); also the lane system's limit ({@code JvpEvaluator}).
     */
    public static final int BY_REFERENCE_MAX = 256;

    /** The compiled f with parameters p, for a plain solve of states shaped like shape. */
    public static FlatStateOps of(CompiledFunction f, Tensor p, Shape shape) {
        // a runner of its own for the solve. A small p (a solve never changes it) is passed by
        // reference at each call: the direct entry then takes the argument array as it is, where
        // a bound argument costs a copy of every reference into a call array of the entry's own
        // per call (Program.Workspace#directArgs; 11 % of the LV solve's JFR samples). A large p
        // (a network's weights, run by the interpreter or with staged inputs, which copy unbound
        // arguments in at each run) is bound once instead.
        CompiledFunction.Runner runner;
        double[] time = new double[1];
        double[][] args = {null, null, time};
        if (p.size() <= BY_REFERENCE_MAX) {
            args[1] = p.unsafeData();
            runner = sharedRunner(f);
        } else {
            runner = f.runner();
            runner.bind(1, p.unsafeData());
        }
        // the program reads its arguments only while it runs, so stage inputs may share one array
        FlatStateOps ops = new FlatStateOps((x, t) -> {
            args[0] = x;
            time[0] = t;
            return runner.run(args);
        }, shape, shape.size(), shape.size(), true, f, p);
        ops.runner = runner;
        ops.runArgs = args;
        ops.runTime = time;
        ops.runSize = shape.size();
        return ops;
    }

    /** This thread's last compiled f and its runner (see {@link #sharedRunner}). */
    private static final ThreadLocal<Object[]> LAST_RUNNER = ThreadLocal.withInitial(() -> new Object[2]);

    /**
     * A runner of f for a solve that passes every argument at each call (nothing bound): the one the
     * previous such solve of f on this thread used, else a new one. A runner's workspace holds only
     * scratch between calls, and each call is complete in itself, so solves one after another (or
     * nested: a call never runs inside another's) can share it; building a workspace per solve was
     * a quarter of a small solve's fixed cost (JFR, 2026-12-02). One entry per thread, so a
     * thread keeps at most one program's workspace alive.
     */
    private static CompiledFunction.Runner sharedRunner(CompiledFunction f) {
        Object[] last = LAST_RUNNER.get();
        if (last[0] == f) return (CompiledFunction.Runner) last[1];
        CompiledFunction.Runner r = f.runner();
        last[0] = f;
        last[1] = r;
        return r;
    }

    /**
     * Where {@link #eval(double[], double)} and {@link #eval(double[], double, double[])} send a
     * plain solve's evaluations while set ({@link #routeEvaluations}): it writes f(u, t) into out.
     */
    public interface Evaluation {
        void evalInto(double[] u, double t, double[] out);
    }

    private Evaluation route;

    /**
     * Sends the stepper's evaluations of the compiled f to e (null: back to the runner), which must
     * give the runner's values bit for bit: a discrete adjoint's forward pass runs f by a program
     * that also keeps what the VJP will read ({@code RkDiscreteAdjoint}). Counted as evaluations
     * alike. Only for a plain solve of a compiled f (false, and nothing changed, otherwise).
     */
    public boolean routeEvaluations(Evaluation e) {
        if (runner == null) return false;
        route = e;
        return true;
    }

    @Override public double[] eval(double[] u, double t) {
        evaluations++;
        if (route != null) {
            double[] out = new double[runSize];
            route.evalInto(u, t, out);
            return out;
        }
        CompiledFunction.Runner r = runner;
        if (r != null) {
            // the generated code's direct entry: u and t by reference, f written straight into the
            // stage's own array (fresh: a step keeps its stages), no staging or copy in between.
            // out is never an argument (runInto's one aliasing rule): u is the state, a stage
            // scratch or an earlier stage, all other arrays.
            runArgs[0] = u;
            runTime[0] = t;
            double[] out = new double[runSize];
            r.runInto(runArgs, out, 0);
            return out;
        }
        return rhs.eval(u, t);
    }

    /**
     * {@link #eval} written into out (an array of the state's length that is not u: a stage array
     * the stepper reuses), by the same runner, so the same numbers; counted alike. Returns out.
     */
    public double[] eval(double[] u, double t, double[] out) {
        evaluations++;
        if (route != null) {
            route.evalInto(u, t, out);
            return out;
        }
        CompiledFunction.Runner r = runner;
        if (r != null) {
            runArgs[0] = u;
            runTime[0] = t;
            r.runInto(runArgs, out, 0);
            return out;
        }
        rhs.evalInto(u, t, out, 0);
        return out;
    }

    /** Whether {@link #eval(double[], double, double[])} writes into its out with no copy: a compiled f, or a right-hand side that {@link FlatRhs#writesInto}. */
    public boolean evaluatesInPlace() { return runner != null || rhs.writesInto(); }

    @Override public double[] combine(double[] c, double[][] xs) {
        double[] out = new double[xs[0].length];
        LinearCombination.run(c, xs, out);
        return out;
    }

    /**
     * The stage sum u + h Σ_m a_m k[deps_m], straight over the stage arrays, with no allocation but
     * the result (none for a stage input on a plain solve). Each component adds u first, then each
     * term whose coefficient h·a_m is nonzero, in order: {@link LinearCombination#sum}'s definition,
     * so the numbers are those of the tensor path bit for bit (Java evaluates a + b·c + d·e left to
     * right and never contracts into a fused multiply-add). The loops are the flat plan's own (see
     * {@link #sum}).
     */
    @Override public double[] rkSum(double[] u, double h, double[] a, int[] deps, double[][] k, boolean stageInput) {
        int n = u.length;
        double[] out;
        if (stageInput && scratchStageInputs) {
            if (stageScratch == null) stageScratch = new double[n];
            out = stageScratch;
        } else {
            out = new double[n];
        }
        sum(u, h, a, deps, k, out, stageInput ? Math.min(activeLength, n) : n);
        return out;
    }

    /**
     * out[j] = u[j] + Σ_m (h·a_m)·k[deps_m][j] for j < n, terms with a zero coefficient skipped, the
     * terms added in order. Two or three components (LV, Lorenz) sum in registers, one term at a
     * time; otherwise the terms go four, then two, then one at a time, one pass over the components
     * per block, which the JIT vectorises (out may be u's own copy or not: the first pass reads u).
     * Measured against LinearCombination.sum's register form with its inner loop over terms
     * (JFR: 40 % of the LV gradient by ForwardDuals, 14 components): 22 ns against 87 per
     * 14-component sum, 8–10 against 11 per 2-component one (a scratch microbenchmark, 2026-12-02).
     */
    static void sum(double[] u, double h, double[] a, int[] deps, double[][] k, double[] out, int n) {
        int terms = deps.length;
        if (n == 2) {   // the commonest small state (LV, oscillators): its own loop, no test of n per term
            double s0 = u[0], s1 = u[1];
            for (int m = 0; m < terms; m++) {
                double c = h * a[m];
                if (c == 0.0) continue;
                double[] x = k[deps[m]];
                s0 += c * x[0];
                s1 += c * x[1];
            }
            out[0] = s0;
            out[1] = s1;
            return;
        }
        if (n == 3) {
            double s0 = u[0], s1 = u[1], s2 = u[2];
            for (int m = 0; m < terms; m++) {
                double c = h * a[m];
                if (c == 0.0) continue;
                double[] x = k[deps[m]];
                s0 += c * x[0];
                s1 += c * x[1];
                s2 += c * x[2];
            }
            out[0] = s0;
            out[1] = s1;
            out[2] = s2;
            return;
        }
        double[] src = u;
        int m = 0;
        while (m < terms) {
            if (m + 4 <= terms) {
                double c0 = h * a[m], c1 = h * a[m + 1], c2 = h * a[m + 2], c3 = h * a[m + 3];
                if (c0 != 0.0 && c1 != 0.0 && c2 != 0.0 && c3 != 0.0) {
                    double[] x0 = k[deps[m]], x1 = k[deps[m + 1]], x2 = k[deps[m + 2]], x3 = k[deps[m + 3]];
                    for (int j = 0; j < n; j++) out[j] = src[j] + c0 * x0[j] + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];
                    src = out;
                    m += 4;
                    continue;
                }
            }
            if (m + 2 <= terms) {
                double c0 = h * a[m], c1 = h * a[m + 1];
                if (c0 != 0.0 && c1 != 0.0) {
                    double[] x0 = k[deps[m]], x1 = k[deps[m + 1]];
                    for (int j = 0; j < n; j++) out[j] = src[j] + c0 * x0[j] + c1 * x1[j];
                    src = out;
                    m += 2;
                    continue;
                }
            }
            double c = h * a[m];
            if (c != 0.0) {
                double[] x = k[deps[m]];
                for (int j = 0; j < n; j++) out[j] = src[j] + c * x[j];
                src = out;
            }
            m++;
        }
        if (src != out) System.arraycopy(u, 0, out, 0, n);
    }

    @Override public double[] multiply(double[] m, double[] x) {
        int n = x.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0.0;
            for (int j = 0; j < n; j++) acc += m[i * n + j] * x[j];
            out[i] = acc;
        }
        return out;
    }

    @Override public double[] values(double[] x) { return x; }

    @Override public int normLength() { return normLength; }

    @Override public Tensor tensor(double[] x) { return Tensor.unsafeWrap(shape, x); }

    @Override public double[] state(Tensor x) {
        if (!x.isPrimal()) {
            throw new IllegalArgumentException("a plain solve cannot take a state that carries derivatives (" + x.kind() + "); "
                    + "differentiate the whole solve instead");
        }
        return x.toDoubleArray();
    }

    @Override public double[] evalValues(double[] u, double t) { return eval(u, t); }

    @Override public int evaluations() { return evaluations; }

    @Override public Tensor p() { return p; }

    /**
     * The exact Jacobian and ∂/∂t of a flat system that has no compiled f of its own (an adjoint's
     * backward system, whose Jacobian has a block structure built from f's programs), for implicit
     * methods.
     */
    public interface JacobianSource {
        Jacobian<double[]> jacobian(double[] x, double t);

        double[] timeDerivative(double[] x, double t);
    }

    /** Gives this system its Jacobian (see {@link JacobianSource}); returns this. */
    public FlatStateOps withJacobianSource(JacobianSource source) {
        this.jacobianSource = source;
        return this;
    }

    /** Sets how J is taken: null automatic (sparse above a size when the pattern is sparse), true sparse, false dense lanes; returns this. */
    public FlatStateOps sparseJacobian(Boolean mode) {
        this.sparseMode = mode;
        this.sparseDecided = false;
        return this;
    }

    /** The sparse-Jacobian plan this solve uses (decided on first use), or null when J is taken by dense lanes. */
    public SparseJacobianPlan sparseJacobianPlan() {
        if (!sparseDecided) {
            sparsePlan = cf == null || userJacobian != null ? null : SparseJacobianPlan.choose(cf, shape.size(), sparseMode);
            sparseDecided = true;
        }
        return sparsePlan;
    }

    /**
     * J by n forward lanes seeded with the identity, through f's compiled JVP program (exact, one
     * pass); or, when the pattern is sparse ({@link SparseJacobianPlan}), by one lane per colour
     * of its columns, decompressed.
     */
    @Override public Jacobian<double[]> jacobian(double[] u, double t) {
        int n = shape.size();
        if (jacobianSource != null) {
            evaluations++;
            return jacobianSource.jacobian(u, t);
        }
        if (userJacobian == null && sparseJacobianPlan() != null) return sparseJacobian(u, t);
        if (userJacobian != null) {
            evaluations++;
            Tensor j = OdeJacobian.checked(userJacobian.apply(Tensor.unsafeWrap(shape, u), p, Tensor.scalar(t)), n, t);
            return new FlatLinearAlgebra.FlatJacobian(j.toDoubleArray(), n);
        }
        if (jvpU == null) {
            jvpU = jvpRunner(n, new boolean[] {true, false, false});
            double[] identity = new double[n * n];
            for (int i = 0; i < n; i++) identity[i * n + i] = 1.0;
            jvpUArgs = new double[][] {null, null, new double[1], identity};
        }
        evaluations++;
        jvpUArgs[0] = u;
        jvpUArgs[2][0] = t;
        jvpU.run(jvpUArgs);
        double[] lanes = jvpU.output(1);   // lane l holds J e_l, column l of J
        double[] j = new double[n * n];
        for (int l = 0; l < n; l++) {
            for (int i = 0; i < n; i++) j[i * n + l] = lanes[l * n + i];
        }
        return new FlatLinearAlgebra.FlatJacobian(j, n);
    }

    private Jacobian<double[]> sparseJacobian(double[] u, double t) {
        if (jvpSparse == null) {
            jvpSparse = jvpRunner(sparsePlan.colours(), new boolean[] {true, false, false});
            jvpSparse.bind(3, sparsePlan.seeds());
            jvpSparseArgs = new double[][] {null, null, new double[1], null};
        }
        evaluations++;
        jvpSparseArgs[0] = u;
        jvpSparseArgs[2][0] = t;
        jvpSparse.run(jvpSparseArgs);
        return sparsePlan.decompress(jvpSparse.output(1));
    }

    /** False when the compiled f never reads t (its trace has no use of it). */
    @Override public boolean readsTime() { return cf == null || cf.reads(2); }

    /** ∂f/∂t by one forward lane on t. */
    @Override public double[] timeDerivative(double[] u, double t) {
        if (jacobianSource != null) {
            evaluations++;
            return jacobianSource.timeDerivative(u, t);
        }
        if (jvpT == null) {
            jvpT = jvpRunner(1, new boolean[] {false, false, true});
            jvpTArgs = new double[][] {null, null, new double[1], {1.0}};
        }
        evaluations++;
        jvpTArgs[0] = u;
        jvpTArgs[2][0] = t;
        jvpT.run(jvpTArgs);
        return jvpT.output(1).clone();
    }

    private CompiledFunction.MultiRunner jvpRunner(int lanes, boolean[] mask) {
        if (cf == null) {
            throw new UnsupportedOperationException("this flat system (an augmented sensitivity or adjoint system) has no Jacobian "
                    + "program; implicit methods need the plain or tensor plan");
        }
        CompiledFunction.MultiRunner r = cf.jvpRunner(lanes, mask, Tensor.zeros(shape), p, Tensor.scalar(0.0));
        if (r == null) throw new UnsupportedOperationException("the right-hand side's JVP program could not be traced, so its Jacobian is not available");
        return r.bind(1, p.unsafeData());
    }

    /** A Jacobian on the flat plan from its dense values [n·n] row-major (an augmented system's block, built by its owner). */
    public static Jacobian<double[]> denseJacobian(double[] rowMajor, int n) {
        if (rowMajor.length != n * n) throw new IllegalArgumentException("a dense Jacobian of order " + n + " needs " + n * n + " values, got " + rowMajor.length);
        return new FlatLinearAlgebra.FlatJacobian(rowMajor, n);
    }

    @Override public double[][] newArray(int n) { return new double[n][]; }

    // ------------------------------------------------------------------ results into the caller's buffers
    // A stiff stepper's per-stage f values and per-step Jacobian live only inside its step, so they
    // are written into its own buffers: for a compiled f of a few components the generated code
    // then gets the stepper's arrays by reference (CompiledFunction.Runner#runInto), with no
    // argument copies, no result array and no transposition object per call (docs/BENCHMARKS.md,
    // "Stiff: Robertson").

    /** A runner of the compiled f for {@link #evalInto}, its arguments {u, p, {t}} (p passed by reference, never copied). */
    private CompiledFunction.Runner intoRunner;
    private double[][] intoArgs;
    /** The compiled JVP for {@link #jacobianInto}: arguments {u, p, {t}, identity seeds}, outputs {f, lanes}. */
    private CompiledFunction.MultiRunner jvpInto;
    private double[][] jvpIntoArgs, jvpIntoOuts;

    /**
     * f(u, t) written into out from offset (u's length values; out is not u), counted as one
     * evaluation: for a plain solve of a compiled f, the generated code writes into out directly
     * and nothing is allocated; other systems copy {@link FlatRhs#eval}'s result.
     */
    public void evalInto(double[] u, double t, double[] out, int offset) {
        evaluations++;
        if (cf == null) {
            rhs.evalInto(u, t, out, offset);
            return;
        }
        if (intoRunner == null) {
            intoRunner = cf.runner();
            intoArgs = new double[][] {null, p.unsafeData(), new double[1]};
        }
        double[][] a = intoArgs;
        a[0] = u;
        a[2][0] = t;
        intoRunner.runInto(a, out, offset);
    }

    /**
     * J = ∂f/∂u at (u, t) written row-major into j [n·n] when it is taken by dense forward lanes
     * over the compiled f (the values of {@link #jacobian}, bit for bit, counted alike); false,
     * with nothing written, when J comes another way (a user's Jacobian, a sparse plan, a
     * structured system's source), which {@link #jacobian} then gives.
     */
    public boolean jacobianInto(double[] u, double t, double[] j) {
        if (cf == null || jacobianSource != null || userJacobian != null || sparseJacobianPlan() != null) return false;
        int n = shape.size();
        if (jvpInto == null) {
            CompiledFunction.MultiRunner r = cf.jvpRunner(n, new boolean[] {true, false, false}, Tensor.zeros(shape), p, Tensor.scalar(0.0));
            if (r == null) return false;   // jacobian() names the failure
            double[] identity = new double[n * n];
            for (int i = 0; i < n; i++) identity[i * n + i] = 1.0;
            jvpInto = r;
            jvpIntoArgs = new double[][] {null, p.unsafeData(), new double[1], identity};
            jvpIntoOuts = new double[][] {new double[n], new double[n * n]};
        }
        evaluations++;
        double[][] a = jvpIntoArgs;
        a[0] = u;
        a[2][0] = t;
        jvpInto.runInto(a, jvpIntoOuts);
        double[] lanes = jvpIntoOuts[1];   // lane l holds J e_l, column l of J
        for (int l = 0; l < n; l++) {
            for (int i = 0; i < n; i++) j[i * n + l] = lanes[l * n + i];
        }
        return true;
    }
}
