package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.Stepper;

/**
 * The SRI family (Rößler 2010; Rackauckas &amp; Nie 2017): adaptive Itô methods of strong order 1.5
 * and weak order 2 for diagonal or scalar noise, one {@link SriStepper} driven by each member's
 * tableau, as the explicit Runge–Kutta methods share one stepper. A member supplies its tableau
 * and its name.
 */
public interface SriAlgorithm extends SdeAlgorithm {
    /** The tableau (data). */
    SriTableau tableau();

    @Override default double strongOrder() { return 1.5; }

    @Override default double weakOrder() { return 2.0; }

    @Override default boolean adaptive() { return true; }

    @Override default void check(NoiseKind noise) {
        if (noise == NoiseKind.GENERAL) throw SdeAlgorithm.unsupported(this, noise, "use EM or EulerHeun (or SRA1/SOSRA for additive noise)");
    }

    @Override default <S> Stepper<S, ?> stepper(SdeOps<S> ops) { return new SriStepper<>(ops, this, tableau()); }
}
