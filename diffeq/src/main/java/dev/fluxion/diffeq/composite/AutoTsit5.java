package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.ode.Tsit5;

/**
 * Tsit5 while the problem is not stiff, the given stiff method while it is, switching both ways
 * ({@link AutoSwitch}): {@code new AutoTsit5(new Rosenbrock23())}. Tsit5's stability region
 * reaches 3.5068 along the negative real axis (OrdinaryDiffEq.jl's alg_stability_size).
 */
public final class AutoTsit5 implements OdeAlgorithm {
    private final AutoSwitch auto;

    public AutoTsit5(OdeAlgorithm stiff) { this.auto = new AutoSwitch("AutoTsit5", new Tsit5(), 3.5068, stiff); }

    /** With OrdinaryDiffEq.jl's switching parameters given explicitly. */
    public AutoTsit5(OdeAlgorithm stiff, int maxStiffSteps, int maxNonStiffSteps, double nonStiffTol, double stiffTol) {
        this.auto = new AutoSwitch("AutoTsit5", new Tsit5(), 3.5068, stiff, maxStiffSteps, maxNonStiffSteps, nonStiffTol, stiffTol);
    }

    public AutoSwitch switching() { return auto; }

    @Override public String name() { return auto.name(); }
    @Override public int order() { return auto.order(); }
    @Override public boolean adaptive() { return true; }
    @Override public boolean implicit() { return true; }
    @Override public <S> Stepper<S, ?> stepper(StateOps<S> ops) { return auto.stepper(ops); }
    @Override public String toString() { return name(); }
}
