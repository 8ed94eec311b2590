package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.ode.ExplicitRkAlgorithm;
import dev.fluxion.diffeq.ode.ExplicitRkStepper;
import dev.fluxion.diffeq.ode.ExplicitRkTableau;
import dev.fluxion.diffeq.ode.RkInterpolant;
import dev.fluxion.diffeq.ode.RkStages;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ReverseTape}'s gradient without the tape, for an explicit Runge–Kutta solve of a compiled
 * f on flat arrays: the discrete adjoint of the RK scheme (Hager 2000, "Runge–Kutta methods in
 * optimal control and the transformed adjoint system", Numer. Math. 87; Sandu 2006, "On the
 * properties of Runge–Kutta discrete adjoints", ICCS). The forward pass is the plain solve, keeping
 * its accepted steps and stages; the backward pass walks the steps in reverse and, per stage,
 * runs f's compiled value-and-VJP program once at the stage's input (recomputed from the kept
 * stages), propagating cotangents through the stage sums, the step's update and the interpolant
 * that produced each saved state. This is the same chain rule the tape applies node by node
 * (step control reads primal values only, so step sizes are constants of the derivative), in
 * one VJP per stage with no tensor per op: the issue 15 spiral's gradient in a fraction of the
 * tape's time and memory.
 *
 * <p>Used by {@link ReverseTape#solve} only where it gives the tape's answer: no callbacks, no
 * mass matrix, a compiled f whose recorded parameters arrive through p, an explicit RK method,
 * and a solution without dense output (with one, {@code sol.at(t)} on the tape is differentiable,
 * which this op's primal dense output would not be). A saved state it cannot trace back to a step
 * (none today) falls back to differentiating the solver's own ops, so the answer never depends
 * on the fast path.
 */
final class RkDiscreteAdjoint extends SolveAsOp {
    static final RkDiscreteAdjoint INSTANCE = new RkDiscreteAdjoint();

    /** Backward passes that fell back to the solver's ops (a stepper or a saved state this op could not trace): tests keep it at 0. */
    static final java.util.concurrent.atomic.AtomicInteger FALLBACKS = new java.util.concurrent.atomic.AtomicInteger();

    private RkDiscreteAdjoint() {}

    @Override public String name() { return "ReverseTape"; }

    /** Whether this op computes spec's tape gradient (see the class comment). */
    static boolean applies(SolveSpec spec) {
        if (!(spec.alg() instanceof ExplicitRkAlgorithm) || spec.alg().implicit()) return false;
        if (spec.term().mass() != null) return false;
        SolveOptions o = spec.options();
        if (o.callbacks().length > 0) return false;
        boolean dense = o.dense() != null ? o.dense()
                : !o.hasSaveat() && (o.saveEverystep() == null || o.saveEverystep());
        if (dense) return false;
        if (!spec.u0().isConcrete() || !spec.p().isConcrete()) return false;
        if (spec.readsRecordedParameters()) return false;
        // what the flat plan needs (SolveSpec.flatOps, without building one): a compiled f whose implicit inputs are plain
        CompiledFunction cf = spec.compiled();
        return cf != null && cf.implicitInputsArePlain();
    }

    @Override Pass forward(SolveSpec plain) {
        FlatStateOps ops = plain.flatOps();
        ExplicitRkTableau tab = ((ExplicitRkAlgorithm) plain.alg()).tableau();
        Stepper<double[], ?> inner = ops == null ? null : plain.alg().stepper(ops);
        double[] x0 = plain.u0().unsafeData();
        double t0 = plain.t0();
        if (!(inner instanceof ExplicitRkStepper<?> any)) {
            // no flat plan after all, or an ExplicitRkAlgorithm with a stepper of its own: the tape through its ops is the answer
            OdeSolution sol = plain.integrate();
            return new Fallback(plain, sol);
        }
        @SuppressWarnings("unchecked")
        ExplicitRkStepper<double[]> rk = (ExplicitRkStepper<double[]>) any;
        Recording rec = new Recording(rk);
        SolveOptions o = plain.options().dense(true);
        // f's activations kept per evaluation for the backward's VJPs (StageResiduals), same values
        StageResiduals kept = StageResiduals.of(plain.compiled(), plain.u0(), plain.p(), plain.p().size() > 0);
        if (kept != null && !ops.routeEvaluations(kept)) kept = null;
        OdeSolution sol;
        try {
            sol = plain.withOptions(o).run(rec, x0, ops.eval(x0, t0), ErrorNorm.of(o, plain.u0()));
        } finally {
            if (kept != null) ops.routeEvaluations(null);
        }
        rec.done = true;
        return new Tape(plain, sol, ops, tab, rec, x0, kept);
    }

    /** The stepper of the solve, noting which step and θ produced each interpolated state. */
    private static final class Recording implements Stepper<double[], RkStages<double[]>> {
        private final ExplicitRkStepper<double[]> rk;
        final Map<double[], Interpolated> interpolated = new IdentityHashMap<>();
        boolean done;

        Recording(ExplicitRkStepper<double[]> rk) { this.rk = rk; }

        @Override public int order() { return rk.order(); }
        @Override public int errorOrder() { return rk.errorOrder(); }
        @Override public boolean adaptive() { return rk.adaptive(); }
        @Override public StepController defaultController() { return rk.defaultController(); }
        @Override public StateOps<double[]> ops() { return rk.ops(); }
        @Override public boolean interpolationNeedsFnew() { return rk.interpolationNeedsFnew(); }

        @Override public Step<double[], RkStages<double[]>> attempt(double t, double[] u, double[] fu, double h, ErrorNorm norm) {
            return rk.attempt(t, u, fu, h, norm);
        }

        @Override public double[] interpolate(Step<double[], RkStages<double[]>> step, double theta) {
            double[] x = rk.interpolate(step, theta);
            if (!done) interpolated.put(x, new Interpolated(step, theta));
            return x;
        }
    }

    private record Interpolated(Step<double[], RkStages<double[]>> step, double theta) {}

    /** A forward pass the fast path does not cover: the VJP differentiates the solver's ops. */
    private static final class Fallback extends Pass {
        private final SolveSpec spec;

        Fallback(SolveSpec spec, OdeSolution sol) {
            super(sol.t(), values(sol), sol.retcode(), sol.stats());
            this.spec = spec;
        }

        @Override double[][] vjp(double[][] rows) { return throughSolverOps(spec, rows); }
    }

    static double[][] values(OdeSolution sol) {
        double[][] ys = new double[sol.size()][];
        for (int i = 0; i < ys.length; i++) ys[i] = sol.states().get(i).unsafeData();
        return ys;
    }

    /** {dL/du0, dL/dp} by the tape through the solver's own ops (what ReverseTape does without this op). */
    static double[][] throughSolverOps(SolveSpec spec, double[][] rows) {
        FALLBACKS.incrementAndGet();
        int n = spec.u0().size();
        double[] c = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, c, i * n, n);
        Tensor[] in = {spec.u0(), spec.p()};
        Tensor ct = Tensor.unsafeWrap(spec.u0().shape().prepend(rows.length), c);
        Tensor[] g = AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
        return new double[][] {g[0].toDoubleArray(), g[1].toDoubleArray()};
    }

    /** The kept forward pass: accepted steps with their stages, and where each saved state came from. */
    private static final class Tape extends Pass {
        private final SolveSpec spec;
        private final FlatStateOps ops;
        private final ExplicitRkTableau tab;
        private final List<Step<double[], RkStages<double[]>>> steps;
        private final double[] x0;
        /** Per saved state: -1 for u0, 2m for the end of step m, 2m + 1 for an interpolation in step m (θ in thetas). */
        private final int[] source;
        private final double[] thetas;
        private final boolean traced;
        private final StageResiduals kept;

        @SuppressWarnings("unchecked")
        Tape(SolveSpec spec, OdeSolution sol, FlatStateOps ops, ExplicitRkTableau tab, Recording rec, double[] x0, StageResiduals kept) {
            super(sol.t(), values(sol), sol.retcode(), sol.stats());
            this.spec = spec;
            this.ops = ops;
            this.tab = tab;
            this.x0 = x0;
            DenseOutput<?, ?> d = sol.denseOutput();
            this.steps = d == null ? List.of() : (List<Step<double[], RkStages<double[]>>>) (List<?>) d.steps();
            Map<Object, Integer> index = new IdentityHashMap<>();
            for (int m = 0; m < steps.size(); m++) {
                index.put(steps.get(m), m);
                index.putIfAbsent(steps.get(m).uEnd(), m);
            }
            source = new int[ys.length];
            thetas = new double[ys.length];
            boolean ok = true;
            for (int i = 0; i < ys.length; i++) {
                double[] y = ys[i];
                Interpolated in = rec.interpolated.get(y);
                Integer end;
                if (y == x0) {
                    source[i] = -1;
                } else if (in != null && index.containsKey(in.step())) {
                    source[i] = 2 * index.get(in.step()) + 1;
                    thetas[i] = in.theta();
                } else if ((end = index.get(y)) != null && steps.get(end).uEnd() == y) {
                    source[i] = 2 * end;
                } else {
                    ok = false;   // a NaN row of a failed solve, or a state this pass cannot trace
                }
            }
            this.traced = ok;
            if (kept != null) {
                // only the kept steps' stages are read backward; rejected attempts' evaluations go
                java.util.Set<double[]> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (var st : steps) {
                    for (int j = 0; j < tab.stages(); j++) live.add(st.cache.stage(j));
                    if (st.fnew != null) live.add(st.fnew);
                }
                kept.forwardDone(live);
            }
            this.kept = kept;
        }

        @Override long extraResidualSize() {
            long r = 0;
            for (var s : steps) r += (long) s.storedStates() * x0.length;
            return r + (kept == null ? 0 : kept.keptElements());
        }

        @Override double[][] vjp(double[][] rows) {
            if (!traced) return throughSolverOps(spec, rows);
            try {
                return new Backward(spec, ops, tab, kept).run(steps, x0, rows, source, thetas);
            } finally {
                if (kept != null) kept.release();
            }
        }
    }

    /**
     * Per thread, one idle VJP runner per compiled f (weakly keyed: the runner does not reach f), taken
     * by a backward sweep and put back when it ends, so repeated gradients reuse its workspace instead
     * of allocating every buffer of the VJP program again; a sweep nested in another finds none and
     * makes its own. The runner is bound to each sweep's p.
     */
    private static final ThreadLocal<Map<CompiledFunction, CompiledFunction.MultiRunner>> RUNNERS =
            ThreadLocal.withInitial(java.util.WeakHashMap::new);

    /** One backward sweep: cotangents of the stages, states and parameters, step by step in reverse. */
    private static final class Backward {
        private final SolveSpec spec;
        private final FlatStateOps ops;
        private final ExplicitRkTableau tab;
        private final RkInterpolant interp;
        private final CompiledFunction.MultiRunner runner;
        private final CompiledFunction cf;
        private final double[] time = new double[1];
        private final double[][] args = {null, null, time, null};
        private final VjpEvaluator vjp;
        private final int n, np, s, e;
        private final boolean fsal, extraIsFnew;
        private final int[][] deps;
        private final double[][] coef;
        private final int[] bDeps;
        private final double[] bVals;
        private final int[][] extraDeps;
        private final double[][] extraCoef;
        // scratch
        private final double[][] kbar;
        private final double[] stageIn, gu, gp, weights, coefs;
        private final double[] pbar;
        private final double[][] stageScratch;
        /** The forward pass's kept activations (null: every VJP recomputes them). */
        private final StageResiduals kept;

        Backward(SolveSpec spec, FlatStateOps ops, ExplicitRkTableau tab, StageResiduals kept) {
            this.kept = kept;
            this.spec = spec;
            this.ops = ops;
            this.tab = tab;
            this.interp = tab.interpolant();
            this.n = spec.u0().size();
            this.np = spec.p().size();
            this.s = tab.stages();
            this.e = interp == null ? 0 : interp.extraStages();
            this.fsal = tab.fsal();
            // f's VJP without its value (the forward pass has every stage's value): the program
            // drops what only the value needs; the evaluator (value and VJP, or a tape per call)
            // when that program cannot be traced
            CompiledFunction cf = spec.compiled();
            this.cf = cf;
            CompiledFunction.MultiRunner vr = cf == null ? null : RUNNERS.get().remove(cf);
            if (vr == null && cf != null) {
                vr = cf.vjpOnlyRunner(new boolean[] {true, np > 0, false}, Tensor.zeros(spec.u0().shape()), spec.p(), Tensor.scalar(0.0));
            }
            this.runner = vr == null ? null : vr.bind(1, spec.p().unsafeData());
            this.vjp = runner != null ? null : new VjpEvaluator(spec.term()::evaluate, cf, spec.p(), spec.u0().shape(), true, np > 0);
            this.deps = new int[s][];
            this.coef = new double[s][];
            for (int i = 0; i < s; i++) {
                double[] row = new double[i];
                for (int j = 0; j < i; j++) row[j] = tab.a(i, j);
                deps[i] = LinearCombination.liveTerms(row);
                coef[i] = LinearCombination.liveValues(row);
            }
            double[] b = new double[s];
            for (int j = 0; j < s; j++) b[j] = tab.b(j);
            bDeps = LinearCombination.liveTerms(b);
            bVals = LinearCombination.liveValues(b);
            extraDeps = new int[e][];
            extraCoef = new double[e][];
            boolean fnewFirst = false;
            for (int r = 0; r < e; r++) {
                double[] row = interp.aExtraRow(r);
                extraDeps[r] = LinearCombination.liveTerms(row);
                extraCoef[r] = LinearCombination.liveValues(row);
                if (r == 0 && interp.cExtra(0) == 1.0) {
                    fnewFirst = true;
                    for (int j = 0; j < s; j++) if (row[j] != b[j]) { fnewFirst = false; break; }
                }
            }
            this.extraIsFnew = fnewFirst;
            this.kbar = new double[s + e][n];
            this.stageIn = new double[n];
            this.gu = new double[n];
            this.gp = new double[np];
            this.pbar = new double[np];
            this.weights = new double[s + e];
            this.coefs = new double[s + e];
            this.stageScratch = new double[s][];
        }

        double[][] run(List<Step<double[], RkStages<double[]>>> steps, double[] x0, double[][] rows, int[] source, double[] thetas) {
            int m = steps.size();
            // cotangents of each step's end state, and the interpolations inside each step
            double[][] endBar = new double[m][];
            List<List<Integer>> inside = new ArrayList<>(m);
            for (int i = 0; i < m; i++) inside.add(null);
            double[] ubar = new double[n];      // cotangent of the current state (the end of the step being undone)
            double[] u0bar = new double[n];
            for (int i = 0; i < rows.length; i++) {
                if (allZero(rows[i])) continue;
                int src = source[i];
                if (src == -1) {
                    addTo(u0bar, rows[i]);
                } else if ((src & 1) == 0) {
                    int k = src >> 1;
                    if (endBar[k] == null) endBar[k] = new double[n];
                    addTo(endBar[k], rows[i]);
                } else {
                    int k = src >> 1;
                    if (inside.get(k) == null) inside.set(k, new ArrayList<>());
                    inside.get(k).add(i);
                }
            }
            double[] fbar = new double[n];      // cotangent of f at the current state
            double[] uprev = new double[n];
            for (int k = m - 1; k >= 0; k--) {
                Step<double[], RkStages<double[]>> st = steps.get(k);
                if (endBar[k] != null) addTo(ubar, endBar[k]);
                double h = st.h, t = st.t;
                for (double[] kb : kbar) Arrays.fill(kb, 0.0);
                Arrays.fill(uprev, 0.0);
                List<Integer> saves = inside.get(k);
                if (saves != null) {
                    for (int i : saves) interpolationBar(h, thetas[i], rows[i], uprev, ubar, fbar);
                }
                if (e > 0 && saves != null) extrasBar(st, uprev, fbar);
                if (fsal) {
                    addTo(kbar[s - 1], fbar);
                } else if (!allZero(fbar)) {
                    // f at unew is the next step's k_0 (or the step's fnew)
                    vjpAt(k + 1 < m ? steps.get(k + 1).cache.stage(0) : st.fnew, st.unew, st.tEnd(), fbar);
                    addTo(ubar, gu);
                }
                // unew = u + h Σ b_j k_j
                addTo(uprev, ubar);
                addScaled(ubar, h, bDeps, bVals);
                double[][] ks = stages(st);
                for (int i = s - 1; i >= 1; i--) {
                    double[] kb = kbar[i];
                    if (allZero(kb)) continue;
                    if (fsal && i == s - 1) {
                        vjpAt(ks[s - 1], st.unew, t + h, kb);
                        addTo(uprev, gu);
                        addScaled(gu, h, bDeps, bVals);
                    } else {
                        double[] in = stageInput(st.u, h, ks, i);
                        vjpAt(ks[i], in, t + tab.c(i) * h, kb);
                        addTo(uprev, gu);
                        addScaled(gu, h, deps[i], coef[i]);
                    }
                }
                System.arraycopy(kbar[0], 0, fbar, 0, n);   // k_0 = f(u, t): the previous step's f at its end
                double[] tmp = ubar;
                ubar = uprev;
                uprev = tmp;
            }
            addTo(ubar, u0bar);
            if (!allZero(fbar)) {
                vjpAt(m > 0 ? steps.get(0).cache.stage(0) : null, x0, spec.t0(), fbar);
                addTo(ubar, gu);
            }
            // the runner's buffers (a batch's activations: megabytes at B = 1024) serve this thread's next gradient
            if (runner != null) RUNNERS.get().put(cf, runner);
            return new double[][] {ubar, pbar.clone()};
        }

        /** A saved state u + h Σ b_i(θ) k_i (or the Hermite cubic without an interpolant) with cotangent c. */
        private void interpolationBar(double h, double theta, double[] c, double[] uprev, double[] ubar, double[] fbar) {
            if (interp == null) {
                double th = theta, th2 = th * th, th3 = th2 * th;
                double h00 = 2 * th3 - 3 * th2 + 1, h10 = th3 - 2 * th2 + th, h01 = -2 * th3 + 3 * th2, h11 = th3 - th2;
                for (int j = 0; j < n; j++) {
                    uprev[j] += h00 * c[j];
                    kbar[0][j] += h10 * h * c[j];
                    ubar[j] += h01 * c[j];
                    fbar[j] += h11 * h * c[j];
                }
                return;
            }
            interp.weights(theta, weights);
            addTo(uprev, c);
            for (int i = 0; i < s + e; i++) {
                double w = h * weights[i];
                if (w == 0.0) continue;
                double[] kb = kbar[i];
                for (int j = 0; j < n; j++) kb[j] += w * c[j];
            }
        }

        /** The interpolant's extra stages (Verner's), recomputed as the forward pass computed them, then undone. */
        private void extrasBar(Step<double[], RkStages<double[]>> st, double[] uprev, double[] fbar) {
            double[][] all = new double[s + e][];
            for (int i = 0; i < s; i++) all[i] = st.cache.stage(i);
            double[][] inputs = new double[e][];
            for (int r = 0; r < e; r++) {
                int i = s + r;
                if (r == 0 && extraIsFnew) {
                    all[i] = st.fnew != null ? st.fnew : ops.eval(st.unew, st.t + st.h);
                    continue;
                }
                double[] in = new double[n];
                LinearCombination.sum(st.u, st.h, extraCoef[r], extraDeps[r], all, extraDeps[r].length, in, n, coefs);
                inputs[r] = in;
                all[i] = ops.eval(in, st.t + interp.cExtra(r) * st.h);
            }
            for (int r = e - 1; r >= 0; r--) {
                double[] kb = kbar[s + r];
                if (allZero(kb)) continue;
                if (r == 0 && extraIsFnew) {
                    addTo(fbar, kb);
                    continue;
                }
                vjpAt(null, inputs[r], st.t + interp.cExtra(r) * st.h, kb);
                addTo(uprev, gu);
                addScaled(gu, st.h, extraDeps[r], extraCoef[r]);
            }
        }

        /** Stage i's input u + h Σ a_ij k_j, summed as the stepper summed it. */
        private double[] stageInput(double[] u, double h, double[][] k, int i) {
            if (deps[i].length == 0) return u;
            LinearCombination.sum(u, h, coef[i], deps[i], k, deps[i].length, stageIn, n, coefs);
            return stageIn;
        }

        /** The step's stages k_0 .. k_{s-1}. */
        private double[][] stages(Step<double[], RkStages<double[]>> st) {
            for (int j = 0; j < s; j++) stageScratch[j] = st.cache.stage(j);
            return stageScratch;
        }

        /**
         * gu = λᵀ∂f/∂u at (u, t); λᵀ∂f/∂p added to pbar. out: the array the forward pass's
         * evaluation of f at (u, t) wrote (null if none), whose kept activations serve when they
         * are still there and were computed at this very (u, t).
         */
        private void vjpAt(double[] out, double[] u, double t, double[] lambda) {
            if (kept != null && kept.vjp(out, u, t, lambda, gu, np > 0 ? gp : null)) {
                // from the kept activations
            } else if (runner != null) {
                args[0] = u;
                time[0] = t;
                args[3] = lambda;
                runner.run(args);
                runner.copyOutput(0, gu, 0);
                if (np > 0) runner.copyOutput(1, gp, 0);
            } else {
                vjp.eval(u, t, lambda, null, gu, np > 0 ? gp : null);
            }
            for (int j = 0; j < np; j++) pbar[j] += gp[j];
        }

        /** kbar[deps[m]] += h·coef[m]·g. */
        private void addScaled(double[] g, double h, int[] dps, double[] cs) {
            for (int m = 0; m < dps.length; m++) {
                double c = h * cs[m];
                double[] kb = kbar[dps[m]];
                for (int j = 0; j < n; j++) kb[j] += c * g[j];
            }
        }

        private static void addTo(double[] acc, double[] x) {
            for (int j = 0; j < acc.length; j++) acc[j] += x[j];
        }

        private static boolean allZero(double[] x) {
            for (double v : x) if (v != 0.0) return false;
            return true;
        }
    }
}
