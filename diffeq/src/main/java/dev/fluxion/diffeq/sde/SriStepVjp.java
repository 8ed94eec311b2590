package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.tensor.Tensor;

/**
 * The vector–Jacobian product of one whole SRI step (Rößler 2010; diagonal or scalar noise) as a
 * single compiled program: the VJP of {@link SriStepProgram}'s u'(u, p), with the step's t, h, √h
 * and per-component increments as constants of the derivative. The program recomputes the stage
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
    private final CompiledFunction.MultiRunner r;
    private final double[] time = new double[1], step = new double[1], root = new double[1];
    /** The program's arguments (p by reference: the program is generated whole) and outputs: u's cotangent, then p's when it has one. */
    private final double[][] args = new double[10][], outs;

    private SriStepVjp(CompiledFunction.MultiRunner r, boolean withP, double[] p) {
        this.r = r;
        outs = new double[withP ? 2 : 1][];
        args[1] = p;
        args[2] = time;
        args[3] = step;
        args[4] = root;
    }

    /**
     * The step's VJP runner for spec's f and g and this tableau, or null where it does not apply:
     * general noise, f or g untraceable, or a program too large to be generated whole (the
     * per-stage adjoint is then as fast).
     */
    static SriStepVjp of(SdeSpec spec, SriTableau tab) {
        CompiledFunction cf = SriStepProgram.of(spec, tab);
        if (cf == null) return null;
        Tensor u0 = spec.u0.primal(), p = spec.p.primal();
        boolean withP = p.size() > 0 && cf.reads(1);
        Tensor s = Tensor.scalar(0.01), z = Tensor.zeros(u0.shape());
        CompiledFunction.MultiRunner r = cf.vjpOnlyRunner(new boolean[] {true, withP, false, false, false, false, false, false, false},
                z, p, s, s, s, z, z, z, z);
        if (r == null || !r.direct()) return null;
        return new SriStepVjp(r, withP, p.unsafeData());
    }

    /**
     * gu = λᵀ∂u'/∂u for λ = bar (the cotangent of the step's end) at the step from x over
     * [t, t + h] with these increments; λᵀ∂u'/∂p added to pbar (gp is scratch). Nothing allocated.
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
        SrkDiscreteAdjoint.runVjp(r, args, outs, gu, gp, pbar);
    }
}
