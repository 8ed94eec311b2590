package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vector–Jacobian product of one whole SRI step (Rößler 2010; diagonal or scalar noise) as a
 * single compiled program: u' as a function of the start state u and p, with the step's t, h, √h
 * and per-component increments (ΔW, I₍₁,₁₎/√h, I₍₁,₀₎/h, I₍₁,₁,₁₎/h) as constants of the
 * derivative, traced once from the problem's f and g and the tableau (its structural zeros
 * skipped, each stage input summed in the stepper's order). The program recomputes the stage
 * values from u and runs the transposed recursion in straight-line generated code.
 *
 * <p>Why: for a small state (the stochastic Lotka–Volterra SDE has two components) the discrete
 * adjoint's per-stage way — f's and g's VJP programs run once per stage each (eight calls for
 * SOSRI) with the stage sums between them in Java — costs far more in calls and passes over
 * two-element arrays than in arithmetic. One call per step leaves only the arithmetic. Used by
 * {@link SrkDiscreteAdjoint} only where the program is generated whole ({@code direct}); a large
 * f or g (a network) keeps the per-stage way, whose kept stage inputs spare the sums' recomputation.
 */
final class SriStepVjp {
    private static final Object NONE = new Object();
    /** Per f, then per g (both held weakly, as the terms' own program caches hold them): the step programs by tableau and shapes. */
    private static final Map<OdeFunction, Map<DiffusionFunction, ConcurrentHashMap<String, Object>>> CACHE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final CompiledFunction.MultiRunner r;
    private final boolean withP;
    private final double[] time = new double[1], step = new double[1], root = new double[1];
    private final double[][] args = new double[10][], outs = new double[2][], outs1 = new double[1][];

    private SriStepVjp(CompiledFunction.MultiRunner r, boolean withP, double[] p) {
        this.r = r;
        this.withP = withP;
        args[2] = time;
        args[3] = step;
        args[4] = root;
        if (r.direct()) args[1] = p;
    }

    /**
     * The step's VJP runner for spec's f and g and this tableau, or null where it does not apply:
     * general noise, f or g untraceable, or a program too large to be generated whole (the
     * per-stage adjoint is then as fast).
     */
    static SriStepVjp of(SdeSpec spec, SriTableau tab) {
        if (spec.diffusion.noise() == NoiseKind.GENERAL) return null;
        Tensor u0 = spec.u0.primal(), p = spec.p.primal();
        Map<DiffusionFunction, ConcurrentHashMap<String, Object>> byG =
                CACHE.computeIfAbsent(spec.drift.function(), k -> Collections.synchronizedMap(new WeakHashMap<>()));
        ConcurrentHashMap<String, Object> programs = byG.computeIfAbsent(spec.diffusion.function(), k -> new ConcurrentHashMap<>());
        String key = tab.name + "|" + spec.diffusion.noise() + "|" + u0.shape() + "|" + p.shape();
        Object c = programs.computeIfAbsent(key, k -> {
            CompiledFunction cf = compile(spec.drift.function(), spec.diffusion.function(), spec.diffusion.noise(), tab, u0, p);
            return cf == null ? NONE : cf;
        });
        if (c == NONE) return null;
        CompiledFunction cf = (CompiledFunction) c;
        boolean withP = p.size() > 0 && cf.reads(1);
        Tensor s = Tensor.scalar(0.01), z = Tensor.zeros(u0.shape());
        CompiledFunction.MultiRunner r = cf.vjpOnlyRunner(new boolean[] {true, withP, false, false, false, false, false, false, false},
                z, p, s, s, s, z, z, z, z);
        if (r == null || !r.direct()) return null;
        return new SriStepVjp(r, withP, p.unsafeData());
    }

    /**
     * u'(u, p, t, h, √h, w, χ₁, χ₂, χ₃) traced: the stages and the update of SriStepper's step
     * (attemptDense4 for SOSRI, the generic attempt otherwise), the same sums term by term.
     */
    private static CompiledFunction compile(OdeFunction f, DiffusionFunction g, NoiseKind noise, SriTableau tab, Tensor u0, Tensor p) {
        WeakReference<OdeFunction> fr = new WeakReference<>(f);
        WeakReference<DiffusionFunction> gr = new WeakReference<>(g);
        int s = tab.stages();
        Tensor scalar = Tensor.scalar(0.01), z = Tensor.zeros(u0.shape());
        return Jit.tryCompile(a -> {
            OdeFunction fn = fr.get();
            DiffusionFunction gn = gr.get();
            if (fn == null || gn == null) throw new IllegalStateException("the drift or diffusion was collected");
            OdeTerm ft = OdeTerm.of(fn);
            DiffusionTerm gt = new DiffusionTerm(gn, noise, 0);
            Tensor u = a[0], q = a[1], t = a[2], h = a[3], sq = a[4], w = a[5], y1 = a[6], y2 = a[7], y3 = a[8];
            Tensor[] fs = new Tensor[s], gs = new Tensor[s];
            for (int i = 0; i < s; i++) {
                Tensor h0 = u, h1 = u;
                for (int j = 0; j < i; j++) if (tab.a0[i][j] != 0.0) h0 = h0.plus(fs[j].times(h.times(tab.a0[i][j])));
                Tensor b = null;
                for (int j = 0; j < i; j++) {
                    if (tab.b0[i][j] == 0.0) continue;
                    Tensor term = gs[j].times(tab.b0[i][j]);
                    b = b == null ? term : b.plus(term);
                }
                if (b != null) h0 = h0.plus(b.times(y2));
                for (int j = 0; j < i; j++) if (tab.a1[i][j] != 0.0) h1 = h1.plus(fs[j].times(h.times(tab.a1[i][j])));
                for (int j = 0; j < i; j++) if (tab.b1[i][j] != 0.0) h1 = h1.plus(gs[j].times(sq.times(tab.b1[i][j])));
                fs[i] = ft.evaluate(h0, q, t.plus(h.times(tab.c0[i])));
                gs[i] = gt.evaluate(h1, q, t.plus(h.times(tab.c1[i])));
            }
            Tensor unew = u;
            for (int i = 0; i < s; i++) if (tab.alpha[i] != 0.0) unew = unew.plus(fs[i].times(h.times(tab.alpha[i])));
            for (int i = 0; i < s; i++) {
                Tensor k = null;
                double[] cs = {tab.beta1[i], tab.beta2[i], tab.beta3[i], tab.beta4[i]};
                Tensor[] xs = {w, y1, y2, y3};
                for (int m = 0; m < 4; m++) {
                    if (cs[m] == 0.0) continue;
                    Tensor term = xs[m].times(cs[m]);
                    k = k == null ? term : k.plus(term);
                }
                if (k != null) unew = unew.plus(gs[i].times(k));
            }
            return unew;
        }, z, p, scalar, scalar, scalar, z, z, z, z);
    }

    /**
     * bar ← λᵀ∂u'/∂u at the step from x over [t, t + h] with these increments; λᵀ∂u'/∂p added to
     * pbar (gp is scratch). Nothing allocated.
     */
    void run(double[] x, double t, double h, double sq, double[] w, double[] y1, double[] y2, double[] y3,
             double[] bar, double[] gu, double[] gp, double[] pbar) {
        args[0] = x;
        time[0] = t;
        step[0] = h;
        root[0] = sq;
        args[5] = w;
        args[6] = y1;
        args[7] = y2;
        args[8] = y3;
        args[9] = bar;
        outs[0] = gu;
        outs[1] = gp;
        outs1[0] = gu;
        r.runInto(args, withP ? outs : outs1);
        if (withP) for (int j = 0; j < gp.length; j++) pbar[j] += gp[j];
    }
}
