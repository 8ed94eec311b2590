package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.ode.Tsit5;

/**
 * Tsit5 while the problem is not stiff, the given stiff method while it is, switching both ways
 * ({@link AutoSwitch}): {@code new AutoTsit5(new Rosenbrock23())}. Tsit5's stability region
 * reaches 3.5068 along the negative real axis (OrdinaryDiffEq.jl's alg_stability_size).
 */
public final class AutoTsit5 extends AutoSwitch {
    public AutoTsit5(OdeAlgorithm stiff) { super("AutoTsit5", new Tsit5(), 3.5068, stiff); }

    /** With OrdinaryDiffEq.jl's switching parameters given explicitly. */
    public AutoTsit5(OdeAlgorithm stiff, int maxStiffSteps, int maxNonStiffSteps, double nonStiffTol, double stiffTol) {
        super("AutoTsit5", new Tsit5(), 3.5068, stiff, maxStiffSteps, maxNonStiffSteps, nonStiffTol, stiffTol);
    }
}
