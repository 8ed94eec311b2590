package dev.fluxion.diffeq.sde;

/**
 * SOSRI: an adaptive SRI method for Itô SDEs with diagonal or scalar noise, strong order 1.5, weak
 * order 2 ({@link SriTableaus#sosri()} has the coefficients and their source). Steps are controlled
 * by its embedded error estimate (Rackauckas &amp; Nie 2017); a rejected step is retried on the
 * same Brownian path (the tree's bridge).
 */
public final class SOSRI implements SriAlgorithm {
    private static final SriTableau TABLEAU = SriTableaus.sosri();

    @Override public String name() { return "SOSRI"; }

    @Override public SriTableau tableau() { return TABLEAU; }

    @Override public String toString() { return name(); }
}
