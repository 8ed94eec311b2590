package dev.fluxion.diffeq.sde;

/**
 * SOSRA: an adaptive SRA method for SDEs with <b>additive</b> noise (g independent of u; any noise
 * form), strong order 1.5, weak order 2 ({@link SraTableaus#sosra()} has the coefficients and their
 * source). On multiplicative noise it is not convergent beyond order 1/2: use SOSRI or EM there.
 */
public final class SOSRA implements SraAlgorithm {
    private static final SraTableau TABLEAU = SraTableaus.sosra();

    @Override public String name() { return "SOSRA"; }

    @Override public SraTableau tableau() { return TABLEAU; }

    @Override public String toString() { return name(); }
}
