package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.Stepper;

/**
 * Euler–Maruyama (Kloeden &amp; Platen 1992, §9.1): u' = u + f(u, t)·h + g(u, t)·ΔW. Itô; strong
 * order 1/2, weak order 1; any noise form; fixed steps (set {@code SolveOptions.dt}).
 */
public final class EM implements SdeAlgorithm {
    @Override public String name() { return "EM"; }

    @Override public double strongOrder() { return 0.5; }

    @Override public double weakOrder() { return 1.0; }

    @Override public boolean adaptive() { return false; }

    @Override public <S> Stepper<S, ?> stepper(SdeOps<S> ops) {
        return new SdeStepper<S>(ops, this) {
            @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
                increment(t, h);
                S noise = so.noise(so.g(u, t), dW);
                S[] xs = ops.newArray(3);
                xs[0] = u;
                xs[1] = fu;
                xs[2] = noise;
                return step(t, h, u, fu, ops.combine(new double[] {1.0, h, 1.0}, xs), 0.0);
            }
        };
    }

    @Override public String toString() { return name(); }
}
