package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.ode.ExplicitRkAlgorithm;
import dev.fluxion.diffeq.ode.ExplicitRkTableau;

/**
 * Automatic stiffness switching between an explicit Runge–Kutta method and a stiff method, as
 * OrdinaryDiffEq.jl's {@code AutoSwitch}: after each accepted step the stiffness ratio
 * |λ|·h / (the explicit method's stability-region size) is compared with a tolerance (0.9); after
 * more than {@code maxStiffSteps} (10) successive stiff verdicts the solve moves to the stiff
 * method, and after more than {@code maxNonStiffSteps} (3) successive non-stiff verdicts back. |λ|
 * is estimated, in the explicit method, from its last two stages, which both sit at t + h
 * (Hairer–Wanner I §II.10: ‖k_s − k_{s−1}‖ / ‖U_s − U_{s−1}‖, as DOPRI5 and OrdinaryDiffEq.jl's
 * Tsit5 do); in the stiff method, as ‖J‖∞ of its Jacobian. Every decision reads primal values.
 *
 * <p>Immutable; {@link AutoTsit5} and {@link AutoVern7} are the named pairs (subclasses that fix the
 * explicit method and its stability size).
 */
public class AutoSwitch implements OdeAlgorithm {
    private final ExplicitRkAlgorithm nonstiff;
    private final double stabilitySize;
    private final OdeAlgorithm stiff;
    private final int maxStiffSteps, maxNonStiffSteps;
    private final double nonStiffTol, stiffTol;
    private final String name;

    /**
     * @param nonstiff      the explicit method; its last two stages must both sit at t + h (Tsit5, Vern7, DP5)
     * @param stabilitySize the size of its stability region along the negative real axis
     * @param stiff         any stiff method (Rosenbrock23, Rodas5P, KenCarp4, ...)
     */
    public AutoSwitch(String name, ExplicitRkAlgorithm nonstiff, double stabilitySize, OdeAlgorithm stiff,
                      int maxStiffSteps, int maxNonStiffSteps, double nonStiffTol, double stiffTol) {
        if (stiff == null) throw new IllegalArgumentException(name + ": needs a stiff method, e.g. new " + name + "(new Rosenbrock23())");
        if (!stiff.adaptive()) throw new IllegalArgumentException(name + ": the stiff method " + stiff.name() + " must be adaptive");
        ExplicitRkTableau t = nonstiff.tableau();
        int s = t.stages();
        if (s < 2 || t.c(s - 1) != 1.0 || t.c(s - 2) != 1.0) {
            throw new IllegalArgumentException(name + ": the stiffness estimate needs an explicit method whose last two stages sit at t + h; "
                    + nonstiff.name() + " has none");
        }
        if (!(stabilitySize > 0) || maxStiffSteps < 0 || maxNonStiffSteps < 0 || !(nonStiffTol > 0) || !(stiffTol > 0)) {
            throw new IllegalArgumentException(name + ": need a positive stability size and tolerances and non-negative step counts");
        }
        this.name = name;
        this.nonstiff = nonstiff;
        this.stabilitySize = stabilitySize;
        this.stiff = stiff;
        this.maxStiffSteps = maxStiffSteps;
        this.maxNonStiffSteps = maxNonStiffSteps;
        this.nonStiffTol = nonStiffTol;
        this.stiffTol = stiffTol;
    }

    /** OrdinaryDiffEq.jl's defaults: maxstiffstep 10, maxnonstiffstep 3, nonstifftol = stifftol = 9/10. */
    public AutoSwitch(String name, ExplicitRkAlgorithm nonstiff, double stabilitySize, OdeAlgorithm stiff) {
        this(name, nonstiff, stabilitySize, stiff, 10, 3, 0.9, 0.9);
    }

    public ExplicitRkAlgorithm nonstiff() { return nonstiff; }
    public OdeAlgorithm stiff() { return stiff; }
    public double stabilitySize() { return stabilitySize; }
    public int maxStiffSteps() { return maxStiffSteps; }
    public int maxNonStiffSteps() { return maxNonStiffSteps; }
    public double nonStiffTol() { return nonStiffTol; }
    public double stiffTol() { return stiffTol; }

    @Override public String name() { return name + "(" + stiff.name() + ")"; }

    @Override public int order() { return Math.min(nonstiff.order(), stiff.order()); }

    @Override public boolean adaptive() { return true; }

    /** Its stiff half takes Jacobians, so sensitivities route it as an implicit method. */
    @Override public boolean implicit() { return true; }

    @Override public <S> Stepper<S, ?> stepper(StateOps<S> ops) { return new AutoSwitchStepper<>(this, ops); }

    @Override public String toString() { return name(); }
}
