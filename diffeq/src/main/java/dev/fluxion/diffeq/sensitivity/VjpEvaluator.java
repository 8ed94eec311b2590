package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Tape;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * f(u, p, t) with its vector-Jacobian products λᵀ∂f/∂u and λᵀ∂f/∂p on flat arrays: the adjoint
 * equations' right-hand side. Runs f's compiled value-and-VJP program when f compiles (ReverseDiff's
 * compiled-tape VJP, the fast choice of SciMLSensitivity), else records f on a fresh tape per call.
 * One per thread.
 */
final class VjpEvaluator {
    private final OdeFunction f;
    private final Tensor p;
    private final Shape uShape;
    private final CompiledFunction.MultiRunner runner;
    private final boolean needU, needP;
    private final double[][] args;
    private final double[] time = new double[1];
    private int evaluations;

    /** Computes λᵀ∂f/∂u when needU and λᵀ∂f/∂p when needP (a program computes only what it is asked). */
    VjpEvaluator(OdeFunction f, CompiledFunction cf, Tensor p, Shape uShape, boolean needU, boolean needP) {
        this.f = f;
        this.p = p;
        this.uShape = uShape;
        this.needU = needU;
        this.needP = needP;
        // p is fixed for the evaluator's life: bound once, not copied in at every evaluation
        CompiledFunction.MultiRunner r = cf == null ? null
                : cf.vjpRunner(new boolean[] {needU, needP, false}, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        this.runner = r == null ? null : r.bind(1, p.unsafeData());
        this.args = new double[][] {null, null, time, null};
    }

    int evaluations() { return evaluations; }

    /** Writes f(u) (if fOut is not null), λᵀ∂f/∂u into gu (if needU) and λᵀ∂f/∂p into gp (if needP). */
    void eval(double[] u, double t, double[] lambda, double[] fOut, double[] gu, double[] gp) {
        eval(u, t, lambda, fOut, 0, gu, 0, gp, 0);
    }

    /** As eval, each result written at an offset of its destination (an augmented state's parts). */
    void eval(double[] u, double t, double[] lambda, double[] fOut, int fOff, double[] gu, int guOff, double[] gp, int gpOff) {
        evaluations++;
        if (runner != null) {
            args[0] = u;
            time[0] = t;
            args[3] = lambda;
            runner.run(args);
            if (fOut != null) runner.copyOutput(0, fOut, fOff);
            if (needU) runner.copyOutput(1, gu, guOff);
            if (needP) runner.copyOutput(needU ? 2 : 1, gp, gpOff);
            return;
        }
        if (fOff != 0 || guOff != 0 || gpOff != 0) {
            double[] f = fOut == null ? null : new double[uShape.size()];
            double[] a = needU ? new double[uShape.size()] : null;
            double[] b = needP ? new double[p.size()] : null;
            eval(u, t, lambda, f, 0, a, 0, b, 0);
            if (f != null) System.arraycopy(f, 0, fOut, fOff, f.length);
            if (a != null) System.arraycopy(a, 0, gu, guOff, a.length);
            if (b != null) System.arraycopy(b, 0, gp, gpOff, b.length);
            return;
        }
        Tape tape = new Tape();
        try {
            Tensor ut = tape.track(Tensor.unsafeWrap(uShape, u));
            Tensor pt = tape.track(p);
            Tensor y = f.apply(ut, pt, Tensor.scalar(t));
            if (fOut != null) System.arraycopy(tape.valueOf(y).unsafeData(), 0, fOut, 0, fOut.length);
            Tensor[] g = tape.backward(y, Tensor.unsafeWrap(uShape, lambda), ut, pt);
            if (needU) System.arraycopy(g[0].unsafeData(), 0, gu, 0, gu.length);
            if (needP) System.arraycopy(g[1].unsafeData(), 0, gp, 0, gp.length);
        } finally {
            tape.close();
        }
    }
}
