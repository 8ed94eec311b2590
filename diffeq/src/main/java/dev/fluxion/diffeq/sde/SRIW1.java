package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.Stepper;

/**
 * SRIW1: an adaptive SRI method for Itô SDEs with diagonal or scalar noise, strong order 1.5, weak
 * order 2 ({@link SriTableaus#sriw1()} has the coefficients and their source). Steps are controlled
 * by its embedded error estimate (Rackauckas &amp; Nie 2017); a rejected step is retried on the
 * same Brownian path (the tree's bridge).
 */
public final class SRIW1 implements SdeAlgorithm {
    private static final SriTableau TABLEAU = SriTableaus.sriw1();

    @Override public String name() { return "SRIW1"; }

    @Override public double strongOrder() { return 1.5; }

    @Override public double weakOrder() { return 2.0; }

    @Override public boolean adaptive() { return true; }

    @Override public void check(NoiseKind noise) {
        if (noise == NoiseKind.GENERAL) throw SdeAlgorithm.unsupported(this, noise, "use EM or EulerHeun (or SRA1/SOSRA for additive noise)");
    }

    /** The tableau (data). */
    public SriTableau tableau() { return TABLEAU; }

    @Override public <S> Stepper<S, ?> stepper(SdeOps<S> ops) { return new SriStepper<>(ops, this, TABLEAU); }

    @Override public String toString() { return name(); }
}
