package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.Stepper;

/**
 * The derivative-free Milstein method (Kloeden &amp; Platen 1992, §11.1, (1.5)), in
 * StochasticDiffEq.jl's RKMil form: K = u + f h, L = g(u, t), ũ = K + L√h (Itô) or u + L√h
 * (Stratonovich), u' = K + L ΔW + (g(ũ, t) − L)/√h · (ΔW² − h)/2 (Itô; ΔW²/2 for Stratonovich).
 * Strong order 1 for diagonal and scalar noise; Itô by default ({@link #stratonovich()} for the
 * other reading); fixed steps.
 */
public final class RKMil implements SdeAlgorithm {
    private final boolean stratonovich;

    /** The Itô method. */
    public RKMil() { this(false); }

    private RKMil(boolean stratonovich) { this.stratonovich = stratonovich; }

    /** RKMil for the Stratonovich reading of the SDE. */
    public static RKMil stratonovichMethod() { return new RKMil(true); }

    @Override public String name() { return stratonovich ? "RKMil(Stratonovich)" : "RKMil"; }

    @Override public double strongOrder() { return 1.0; }

    @Override public double weakOrder() { return 1.0; }

    @Override public boolean adaptive() { return false; }

    @Override public boolean stratonovich() { return stratonovich; }

    @Override public void check(NoiseKind noise) {
        if (noise == NoiseKind.GENERAL) throw SdeAlgorithm.unsupported(this, noise, "use EM or EulerHeun for general noise");
    }

    @Override public <S> Stepper<S, ?> stepper(SdeOps<S> ops) {
        return new SdeStepper<S>(ops, this) {
            @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
                increment(t, h);
                double sq = Math.sqrt(Math.abs(h));
                double[] w = so.perComponent(dW);
                int n = w.length;
                double[] cs = new double[n], rest = new double[n];
                for (int i = 0; i < n; i++) {
                    double c = (stratonovich ? w[i] * w[i] : w[i] * w[i] - h) / 2;
                    cs[i] = c / sq;
                    rest[i] = w[i] - cs[i];
                }
                S lg = so.g(u, t);
                S[] xs = ops.newArray(3);
                xs[0] = u;
                xs[1] = stratonovich ? lg : fu;
                xs[2] = lg;
                S probe = stratonovich ? ops.combine(new double[] {1.0, sq}, java.util.Arrays.copyOf(xs, 2))
                        : ops.combine(new double[] {1.0, h, sq}, xs);
                S gt = so.g(probe, t);
                S[] ys = ops.newArray(4);
                ys[0] = u;
                ys[1] = fu;
                ys[2] = so.scale(lg, rest);
                ys[3] = so.scale(gt, cs);
                return step(t, h, u, fu, ops.combine(new double[] {1.0, h, 1.0, 1.0}, ys), 0.0);
            }
        };
    }

    @Override public String toString() { return name(); }
}
