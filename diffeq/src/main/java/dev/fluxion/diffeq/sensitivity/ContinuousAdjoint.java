package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.events.EventCallback;

/**
 * The adjoint methods: a plain forward solve (keeping its dense output when the backward pass
 * reads u(t) from it), then an adjoint solve backwards ({@link Adjoint}). They differentiate the
 * continuous ODE with adaptive steps, which does not match a fixed-step forward solve's discrete
 * derivative, so fixed-step solves are refused with the methods that do match.
 */
public abstract class ContinuousAdjoint extends SolveAsOp {
    ContinuousAdjoint() {}

    /** Whether the backward pass reads u(t) from the forward solve's dense output. */
    abstract boolean keepsForwardDense();

    /** The backward pass: {dL/du0, dL/dp} for the cotangent rows of the saved series. */
    abstract double[][] backward(Adjoint adjoint, ForwardPass forward, double[][] rows);

    @Override void check(SolveSpec spec) {
        var o = spec.options();
        if (!Double.isNaN(o.dt()) && Boolean.FALSE.equals(o.adaptive())) {
            throw new IllegalArgumentException(name() + " integrates a continuous adjoint with adaptive steps, which does not "
                    + "match a fixed-step forward solve's discrete derivative; use ReverseTape or ForwardDuals for fixed-step solves");
        }
        for (var c : o.callbacks()) {
            if (c instanceof EventCallback e) {
                throw new IllegalArgumentException(name() + " cannot differentiate through the event callback " + e.name()
                        + " yet (the adjoint's jump at an event is not implemented); use ReverseTape or ForwardDuals");
            }
        }
    }

    @Override final Pass forward(SolveSpec plain) {
        boolean keep = keepsForwardDense();
        OdeSolution sol = plain.withOptions(plain.options().dense(keep)).integrate();
        double[] ts = sol.t();
        double[][] ys = new double[ts.length][];
        for (int i = 0; i < ts.length; i++) ys[i] = sol.u(i).unsafeData().clone();
        return new ForwardPass(plain, sol, ts, ys, keep ? sol.denseOutput() : null, this);
    }

    /** The forward solve's saved states (and dense output when kept), read by the backward pass. */
    static final class ForwardPass extends Pass {
        final SolveSpec spec;
        final double[] u0;
        final DenseOutput<?, ?> dense;
        /** The forward solve's last step, the first backward step of a stiff adjoint. */
        final double lastStep;
        private final ContinuousAdjoint method;

        ForwardPass(SolveSpec spec, OdeSolution sol, double[] ts, double[][] ys, DenseOutput<?, ?> dense, ContinuousAdjoint method) {
            super(ts, ys, sol.retcode(), sol.stats());
            this.spec = spec;
            this.u0 = spec.u0().unsafeData().clone();
            this.dense = dense;
            this.lastStep = sol.lastStep();
            this.method = method;
        }

        @Override DenseOutput<?, ?> dense() { return dense; }

        @Override long extraResidualSize() {
            long r = 0;
            if (dense != null) for (var s : dense.steps()) r += (long) s.storedStates() * u0.length;
            return r;
        }

        @Override double[][] vjp(double[][] rows) {
            Adjoint adjoint = new Adjoint(spec);
            if (spec.alg().implicit()) adjoint.startingStep(lastStep);
            return method.backward(adjoint, this, rows);
        }
    }
}
