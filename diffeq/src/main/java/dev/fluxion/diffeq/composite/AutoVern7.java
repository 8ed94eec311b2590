package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.ode.Vern7;

/**
 * Vern7 (order 7) while the problem is not stiff, the given stiff method while it is, switching both ways
 * ({@link AutoSwitch}): {@code new AutoVern7(new Rosenbrock23())}. Vern7's stability region
 * reaches 4.6400 along the negative real axis (OrdinaryDiffEq.jl's alg_stability_size).
 */
public final class AutoVern7 implements OdeAlgorithm {
    private final AutoSwitch auto;

    public AutoVern7(OdeAlgorithm stiff) { this.auto = new AutoSwitch("AutoVern7", new Vern7(), 4.6400, stiff); }

    /** With OrdinaryDiffEq.jl's switching parameters given explicitly. */
    public AutoVern7(OdeAlgorithm stiff, int maxStiffSteps, int maxNonStiffSteps, double nonStiffTol, double stiffTol) {
        this.auto = new AutoSwitch("AutoVern7", new Vern7(), 4.6400, stiff, maxStiffSteps, maxNonStiffSteps, nonStiffTol, stiffTol);
    }

    public AutoSwitch switching() { return auto; }

    @Override public String name() { return auto.name(); }
    @Override public int order() { return auto.order(); }
    @Override public boolean adaptive() { return true; }
    @Override public boolean implicit() { return true; }
    @Override public <S> Stepper<S, ?> stepper(StateOps<S> ops) { return auto.stepper(ops); }
    @Override public String toString() { return name(); }
}
