package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.Stepper;

/**
 * SRA1: an adaptive SRA method for SDEs with <b>additive</b> noise (g independent of u; any noise
 * form), strong order 1.5, weak order 2 ({@link SraTableaus#sra1()} has the coefficients and their
 * source). On multiplicative noise it is not convergent beyond order 1/2: use SOSRI or EM there.
 */
public final class SRA1 implements SdeAlgorithm {
    private static final SraTableau TABLEAU = SraTableaus.sra1();

    @Override public String name() { return "SRA1"; }

    @Override public double strongOrder() { return 1.5; }

    @Override public double weakOrder() { return 2.0; }

    @Override public boolean adaptive() { return true; }

    /** StochasticDiffEq.jl's alg_order for the SRA methods (2), from which its controller is tuned. */
    @Override public double controllerOrder() { return 2.0; }

    /** The tableau (data). */
    public SraTableau tableau() { return TABLEAU; }

    @Override public <S> Stepper<S, ?> stepper(SdeOps<S> ops) { return new SraStepper<>(ops, this, TABLEAU); }

    @Override public String toString() { return name(); }
}
