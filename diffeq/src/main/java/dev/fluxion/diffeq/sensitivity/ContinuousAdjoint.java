package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.events.EventRecord;

import java.util.List;

/**
 * The adjoint methods: a plain forward solve (keeping its dense output when the backward pass
 * reads u(t) from it), then an adjoint solve backwards ({@link Adjoint}). They differentiate the
 * continuous ODE with adaptive steps, which does not match a fixed-step forward solve's discrete
 * derivative, so fixed-step solves are refused with the methods that do match.
 */
public abstract class ContinuousAdjoint extends SolveAsOp implements Cloneable {
    private AdjointNorm norm = AdjointNorm.SEMINORM;

    ContinuousAdjoint() {}

    /** Which components steer the backward solves' steps ({@link AdjointNorm#SEMINORM} unless set). */
    public AdjointNorm norm() { return norm; }

    /** This method with the backward solves' steps controlled by the given norm (a copy; this one is unchanged). */
    public ContinuousAdjoint withNorm(AdjointNorm norm) {
        if (norm == null) throw new IllegalArgumentException(name() + ".withNorm: the norm is null");
        try {
            ContinuousAdjoint c = (ContinuousAdjoint) clone();
            c.norm = norm;
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** The suffix toString adds for a norm other than the default. */
    String normSuffix() { return norm == AdjointNorm.SEMINORM ? "" : "(norm=" + norm + ")"; }

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
    }

    @Override final Pass forward(SolveSpec plain) {
        boolean keep = keepsForwardDense();
        EventRecording rec = new EventRecording(plain.options());
        OdeSolution sol = plain.withOptions(rec.options().dense(keep)).integrate();
        double[] ts = sol.t();
        double[][] ys = new double[ts.length][];
        for (int i = 0; i < ts.length; i++) ys[i] = sol.u(i).unsafeData().clone();
        return new ForwardPass(plain, sol, ts, ys, keep ? sol.denseOutput() : null, this, rec.events());
    }

    /** The forward solve's saved states (and dense output when kept), read by the backward pass. */
    static final class ForwardPass extends Pass {
        final SolveSpec spec;
        final double[] u0;
        final DenseOutput<?, ?> dense;
        /** The forward solve's last step, the first backward step of a stiff adjoint. */
        final double lastStep;
        /** The forward controller's proposed step past t1: the backward solves of a non-stiff adjoint start with it. */
        final double nextStep;
        private final ContinuousAdjoint method;
        final List<EventRecord> events;

        ForwardPass(SolveSpec spec, OdeSolution sol, double[] ts, double[][] ys, DenseOutput<?, ?> dense, ContinuousAdjoint method,
                    List<EventRecord> events) {
            super(ts, ys, sol.retcode(), sol.stats());
            this.spec = spec;
            this.u0 = spec.u0().unsafeData().clone();
            this.dense = dense;
            this.lastStep = sol.lastStep();
            this.nextStep = sol.nextStep();
            this.method = method;
            this.events = events;
        }

        @Override DenseOutput<?, ?> dense() { return dense; }

        @Override long extraResidualSize() {
            long r = 0;
            if (dense != null) for (var s : dense.steps()) r += (long) s.storedStates() * u0.length;
            return r + 2L * events.size() * u0.length;   // each recorded event keeps u⁻ and u⁺
        }

        @Override double[][] vjp(double[][] rows) {
            Adjoint adjoint = new Adjoint(spec, events, method.norm());
            if (spec.alg().implicit()) adjoint.startingStep(lastStep);
            else adjoint.seedStep(nextStep);
            return method.backward(adjoint, this, rows);
        }
    }
}
