package dev.fluxion.diffeq;

/**
 * One family of methods (explicit Runge–Kutta, Rosenbrock, ...), bound to a right-hand side
 * through {@link StateOps}: attempts steps and interpolates inside them. The {@link Integrator}
 * owns the loop — step-size control, callbacks, saving, tstops, return codes — and is shared by
 * every family.
 *
 * @param <S> the state type of the execution plan
 * @param <C> the family's per-step cache
 */
public interface Stepper<S, C extends StepCache> {
    /** Order of the propagated solution (for the initial step). */
    int order();

    /**
     * The order in h of the local error estimate, min(order, embedded order) + 1, as
     * {@link StepController#start} reads it.
     */
    int errorOrder();

    /** Whether steps carry a usable error estimate. */
    boolean adaptive();

    /** The controller this method is tuned for. */
    StepController defaultController();

    /** The arithmetic this stepper runs on. */
    StateOps<S> ops();

    /** Attempts a step of size h (signed) from (t, u) where f(u, t) = fu. */
    Step<S, C> attempt(double t, S u, S fu, double h, ErrorNorm norm);

    /** u(t + θh) inside an accepted step, θ in [0, 1]; may need step.fnew (the integrator supplies it). */
    S interpolate(Step<S, C> step, double theta);

    /** Whether {@link #interpolate} needs f at the step's end (Hermite interpolation). */
    boolean interpolationNeedsFnew();

    /** Jacobians taken so far (implicit methods; reported in {@link SolverStats#jacobianEvaluations}). */
    default int jacobians() { return 0; }

    /** Linear solves with a factored W so far (implicit methods; reported in {@link SolverStats#linearSolves}). */
    default int linearSolves() { return 0; }

    /** For a method that switches algorithms during a solve (AutoTsit5): its switches so far; empty for the others. */
    default java.util.List<AlgorithmSwitch> switches() { return java.util.List.of(); }

    /**
     * Whether the step after one that was shortened to land on a stop is proposed from the step the
     * controller had wanted before shortening rather than from the shortened one (diffrax's
     * PIDController does this after a clipped step: "use the size the step would have been, had
     * there been no jump"). False by default; SDE steppers say yes, since they stop at every saved
     * time and their controller grows a step by at most 9/8, so restarting from each remainder would
     * keep the steps small long after the stop.
     */
    default boolean resumesStepAfterStop() { return false; }

    /**
     * The step the adaptive integrator attempts from t when its controller proposes h (before it
     * is shortened to land on a stop): h itself by default. SDE steppers move t + h by at most
     * |h|/8 onto their Brownian path's dyadic grid, where the path is resolved at a coarser depth
     * of its tree for the same values ({@code BrownianTree.alignedStep}).
     */
    default double alignStep(double t, double h) { return h; }

    /**
     * Told by the {@link Integrator} before the first attempt of each solve: true when no step
     * outlives the attempt after it (no dense output, no callbacks that could read, truncate or keep
     * one once the integrator has saved it and moved on), so a step's own scratch (stage values that
     * are not u, fu, unew or fnew) may be reused by the next attempt; false otherwise. The new state
     * and f at it are never reused: the next step starts from them and saving may keep the state.
     * Ignored by default (a stepper that does not reuse keeps every step intact, as dense output and
     * adjoint sweeps need).
     */
    default void reuseStepScratch(boolean allowed) {}
}
