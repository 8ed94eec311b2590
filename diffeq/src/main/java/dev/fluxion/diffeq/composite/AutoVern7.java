package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.ode.Vern7;

/**
 * Vern7 (order 7) while the problem is not stiff, the given stiff method while it is, switching both ways
 * ({@link AutoSwitch}): {@code new AutoVern7(new Rosenbrock23())}. Vern7's stability region
 * reaches 4.6400 along the negative real axis (OrdinaryDiffEq.jl's alg_stability_size).
 */
public final class AutoVern7 extends AutoSwitch {
    public AutoVern7(OdeAlgorithm stiff) { super("AutoVern7", new Vern7(), 4.6400, stiff); }

    /** With OrdinaryDiffEq.jl's switching parameters given explicitly. */
    public AutoVern7(OdeAlgorithm stiff, int maxStiffSteps, int maxNonStiffSteps, double nonStiffTol, double stiffTol) {
        super("AutoVern7", new Vern7(), 4.6400, stiff, maxStiffSteps, maxNonStiffSteps, nonStiffTol, stiffTol);
    }
}
