package dev.fluxion.diffeq.stiff;

/**
 * Kennedy &amp; Carpenter's L-stable, stiffly accurate ESDIRK4(3)6L[2]SA (the implicit half of
 * ARK4(3)6L[2]SA) with its embedded order-3 estimate and third-order dense output: six stages,
 * five Newton solves sharing one W = M/(γh) − J, reused across steps. Good at moderate tolerances
 * on large or expensive stiff systems; handles index-1 DAEs through a singular mass matrix.
 */
public final class KenCarp4 implements EsdirkAlgorithm {
    @Override public EsdirkTableau tableau() { return EsdirkTableaus.KENCARP4; }

    @Override public String toString() { return "KenCarp4"; }
}
