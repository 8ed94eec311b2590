package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.Stepper;

/**
 * The stochastic Heun method (Kloeden &amp; Platen 1992; StochasticDiffEq.jl's EulerHeun): a predictor
 * ũ = u + f h + g ΔW, then u' = u + (f(u) + f(ũ))/2·h + (g(u) + g(ũ))/2·ΔW. It solves the
 * <b>Stratonovich</b> SDE: strong order 1 for commutative (diagonal, scalar) noise, 1/2 in general;
 * any noise form; fixed steps.
 */
public final class EulerHeun implements SdeAlgorithm {
    @Override public String name() { return "EulerHeun"; }

    @Override public double strongOrder() { return 0.5; }

    @Override public double weakOrder() { return 1.0; }

    @Override public boolean adaptive() { return false; }

    @Override public boolean stratonovich() { return true; }

    @Override public <S> Stepper<S, ?> stepper(SdeOps<S> ops) {
        return new SdeStepper<S>(ops, this) {
            @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
                increment(t, h);
                S n1 = so.noise(so.g(u, t), dW);
                S[] xs = ops.newArray(3);
                xs[0] = u;
                xs[1] = fu;
                xs[2] = n1;
                S pred = ops.combine(new double[] {1.0, h, 1.0}, xs);
                S f2 = ops.eval(pred, t + h);
                S n2 = so.noise(so.g(pred, t + h), dW);
                S[] ys = ops.newArray(5);
                ys[0] = u;
                ys[1] = fu;
                ys[2] = f2;
                ys[3] = n1;
                ys[4] = n2;
                return step(t, h, u, fu, ops.combine(new double[] {1.0, h / 2, h / 2, 0.5, 0.5}, ys), 0.0);
            }
        };
    }

    @Override public String toString() { return name(); }
}
