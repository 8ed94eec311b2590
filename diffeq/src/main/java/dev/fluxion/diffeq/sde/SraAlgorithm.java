package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.Stepper;

/**
 * The SRA family (Rößler 2010; Rackauckas &amp; Nie 2017): adaptive methods of strong order 1.5 and
 * weak order 2 for <b>additive</b> noise (g independent of u; any noise form), one
 * {@link SraStepper} driven by each member's tableau. A member supplies its tableau and its name.
 */
public interface SraAlgorithm extends SdeAlgorithm {
    /** The tableau (data). */
    SraTableau tableau();

    @Override default double strongOrder() { return 1.5; }

    @Override default double weakOrder() { return 2.0; }

    @Override default boolean adaptive() { return true; }

    /** StochasticDiffEq.jl's alg_order for the SRA methods (2), from which its controller is tuned. */
    @Override default double controllerOrder() { return 2.0; }

    @Override default <S> Stepper<S, ?> stepper(SdeOps<S> ops) { return new SraStepper<>(ops, this, tableau()); }
}
