package dev.fluxion.diffeq;

import dev.fluxion.autodiff.AD;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one entry of every ODE solve: validates the input, resolves u0 and the span into a
 * {@link SolveSpec}, and either integrates it (no input recorded on a reverse tape) or hands it to
 * the sensitivity algorithm, which runs its own solves through the {@link Integrator}.
 *
 * <p>Derivatives with respect to the span come out for every sensitivity method through the
 * flow's own identities (∂u(τ)/∂t0 = −Φ(τ, t0) f(u0, t0) and ∂u(τ)/∂τ = f(u(τ), τ)): the solve
 * starts from u0 − f(u0, t0)·δt0 and each saved state adds f(u(τ), τ)·δτ, where δ is a tensor of
 * value zero carrying the span's derivatives. Values are unchanged; derivatives are exact.
 */
public final class Solve {
    private Solve() {}

    public static OdeSolution solve(OdeProblem prob, OdeAlgorithm alg, SolveOptions o) {
        if (prob == null || alg == null || o == null) throw new IllegalArgumentException("solve needs a problem, an algorithm and options");
        Tensor p = prob.p();
        Tensor[] span = prob.tspan();
        double t0 = scalarValue("t0", span[0]);
        double t1 = scalarValue("t1", span[1]);
        validate(o, t0, t1);
        Tensor u0 = prob.u0();
        if (u0 == null) throw new IllegalArgumentException("the problem has no initial state");
        boolean spanAd = !span[0].isPrimal() || !span[1].isPrimal();
        OdeTerm term = prob.term();
        if (term.mass() != null) {
            term.checkMass(u0.shape());
            if (!alg.acceptsMassMatrix()) throw OdeAlgorithm.noMassMatrix(alg);
            if (spanAd) throw new UnsupportedOperationException("derivatives with respect to t0 or t1 of a problem with a mass matrix are not supported");
        }
        Tensor d0 = null, d1 = null;
        if (spanAd) {
            d0 = span[0].minus(span[0].detach());
            d1 = span[1].minus(span[1].detach());
            u0 = u0.minus(term.evaluate(u0, p, Tensor.scalar(t0)).times(d0));
        }
        OdeSolution sol = differentiated(new SolveSpec(term, u0, p, t0, t1, alg, o));
        if (!spanAd) return sol;
        return withSpanDerivatives(sol, term, p, t0, t1, o, d0, d1);
    }

    /**
     * A solve whose inputs may be recorded on a reverse tape: plain and forward-mode solves
     * integrate directly (dual lanes flow through the solver's ops); a recorded one is solved by
     * its sensitivity algorithm.
     */
    public static OdeSolution differentiated(SolveSpec spec) {
        if (!AD.isRecorded(spec.u0()) && !AD.isRecorded(spec.p()) && !spec.readsRecordedParameters()) return spec.integrate();
        SensitivityAlgorithm s = spec.options().sensealg();
        if (s == null) s = automatic(spec);
        OdeSolution sol = s.solve(spec);
        return sol.sensealg() != null ? sol : sol.withSensealg(s);   // a method may hand the solve on (and say so)
    }

    /** The method chosen when none is given (see {@link SensitivityAlgorithm.Default}). */
    public static SensitivityAlgorithm automatic(SolveSpec spec) {
        return Defaults.CHOICE.choose(spec);
    }

    /** The default chooser, found once: the sensitivity package provides it, so this package does not depend on it. */
    private static final class Defaults {
        static final SensitivityAlgorithm.Default CHOICE = ServiceLoader.load(SensitivityAlgorithm.Default.class,
                        SensitivityAlgorithm.Default.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no default sensitivity algorithm is registered "
                        + "(META-INF/services/" + SensitivityAlgorithm.Default.class.getName() + "); set SolveOptions.sensealg(...)"));
    }

    /** Runs the integrator with a stepper of alg over any state arithmetic (augmented systems use this). */
    public static <S> OdeSolution run(Stepper<S, ?> stepper, S u0, S fu0, OdeAlgorithm alg, double t0, double t1,
                                      SolveOptions o, ErrorNorm norm) {
        boolean adaptive = o.adaptive() != null ? o.adaptive() : alg.adaptive();
        if (adaptive && !stepper.adaptive()) {
            throw new IllegalArgumentException(alg.name() + " has no error estimate, so it cannot adapt its step: set SolveOptions.dt(...) "
                    + "(and adaptive(false)), or choose an adaptive method such as Tsit5");
        }
        if (!adaptive && Double.isNaN(o.dt())) {
            throw new IllegalArgumentException(alg.name() + " is a fixed-step method here: set SolveOptions.dt(...)");
        }
        StepController ctl = !adaptive ? ConstantStepSize.INSTANCE
                : o.controller() != null ? o.controller() : stepper.defaultController();
        return Integrator.run(stepper, u0, fu0, t0, t1, o, norm, ctl);
    }

    private static double scalarValue(String what, Tensor t) {
        if (t.size() != 1) throw new IllegalArgumentException(what + " must be a scalar, got shape " + t.shape());
        return t.valueAt(0);
    }

    static void validate(SolveOptions o, double t0, double t1) {
        if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException("the time span [" + t0 + ", " + t1 + "] must be finite");
        }
        if (t0 == t1) throw new IllegalArgumentException("the time span is empty: t0 = t1 = " + t0);
        if (!(o.rtol() > 0) || !Double.isFinite(o.rtol())) {
            throw new IllegalArgumentException("rtol must be finite and positive, got " + o.rtol());
        }
        if (o.atolVector() == null && (!(o.atol() > 0) || !Double.isFinite(o.atol()))) {
            throw new IllegalArgumentException("atol must be finite and positive, got " + o.atol());
        }
        if (!Double.isNaN(o.dt()) && (!(o.dt() != 0) || !Double.isFinite(o.dt()))) {
            throw new IllegalArgumentException("dt must be finite and non-zero, got " + o.dt());
        }
        if (o.dtmin() < 0 || Double.isNaN(o.dtmin())) throw new IllegalArgumentException("dtmin must be non-negative, got " + o.dtmin());
        if (!(o.dtmax() > 0)) throw new IllegalArgumentException("dtmax must be positive, got " + o.dtmax());
        if (o.maxiters() < 1) throw new IllegalArgumentException("maxiters must be at least 1, got " + o.maxiters());
        for (double ts : o.tstops()) {
            if (!Double.isFinite(ts)) throw new IllegalArgumentException("tstops must be finite, got " + ts);
        }
    }

    /** Adds f(u(τ), τ)·δτ to each saved state, δτ written in terms of δt0 and δt1 as the save grid moves with the span. */
    private static OdeSolution withSpanDerivatives(OdeSolution sol, OdeTerm f, Tensor p, double t0, double t1,
                                                   SolveOptions o, Tensor d0, Tensor d1) {
        double[] ts = sol.t();
        List<Tensor> out = new ArrayList<>(ts.length);
        // Saved times move with the span as DifferentialEquations.jl's grid t0:Δ:t1 does: the start
        // and interior points with t0, the end point with t1; explicit saveat times stay put.
        boolean grid = !Double.isNaN(o.saveatStep());
        for (int k = 0; k < ts.length; k++) {
            double tau = ts[k];
            double w0, w1;
            if (tau == t1) {
                w0 = 0.0;
                w1 = 1.0;
            } else if (tau == t0 || grid) {
                w0 = 1.0;
                w1 = 0.0;
            } else {
                w0 = 0.0;
                w1 = 0.0;
            }
            Tensor uk = sol.u(k);
            if (w0 == 0.0 && w1 == 0.0) {
                out.add(uk);
                continue;
            }
            Tensor dtau = d0.times(w0).plus(d1.times(w1));
            out.add(uk.plus(f.evaluate(uk, p, Tensor.scalar(tau)).times(dtau)));
        }
        return sol.withStates(out);
    }
}
