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
    private final double[][] args;
    private final double[] time = new double[1];
    private int evaluations;

    VjpEvaluator(OdeFunction f, CompiledFunction cf, Tensor p, Shape uShape) {
        this.f = f;
        this.p = p;
        this.uShape = uShape;
        this.runner = cf == null ? null
                : cf.vjpRunner(new boolean[] {true, true, false}, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        this.args = new double[][] {null, p.unsafeData(), time, null};
    }

    int evaluations() { return evaluations; }

    /** Writes f(u) (if fOut is not null), λᵀ∂f/∂u into gu and λᵀ∂f/∂p into gp (if not null). */
    void eval(double[] u, double t, double[] lambda, double[] fOut, double[] gu, double[] gp) {
        evaluations++;
        if (runner != null) {
            args[0] = u;
            time[0] = t;
            args[3] = lambda;
            runner.run(args);
            if (fOut != null) runner.copyOutput(0, fOut, 0);
            runner.copyOutput(1, gu, 0);
            if (gp != null) runner.copyOutput(2, gp, 0);
            return;
        }
        Tape tape = new Tape();
        try {
            Tensor ut = tape.track(Tensor.unsafeWrap(uShape, u));
            Tensor pt = tape.track(p);
            Tensor y = f.apply(ut, pt, Tensor.scalar(t));
            if (fOut != null) System.arraycopy(tape.valueOf(y).unsafeData(), 0, fOut, 0, fOut.length);
            Tensor[] g = tape.backward(y, Tensor.unsafeWrap(uShape, lambda), ut, pt);
            System.arraycopy(g[0].unsafeData(), 0, gu, 0, gu.length);
            if (gp != null) System.arraycopy(g[1].unsafeData(), 0, gp, 0, gp.length);
        } finally {
            tape.close();
        }
    }
}
