package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.ReturnCode;

/**
 * An event where a scalar condition g(u, p, t) crosses zero (DifferentialEquations.jl's
 * ContinuousCallback): located on each accepted step's interpolant by a bracketing root finder
 * (not by shrinking steps), the step ends at the event time t*, the affect (u, p, t) → new state
 * is applied there, and the solve continues from t*. With saving every step both the state before
 * and the state after the jump are saved at t*; saveat grids stay as asked.
 *
 * <p>ReverseTape and ForwardDuals differentiate through the event: t* depends on u0 and p by the
 * implicit function theorem, and the state and time the affect sees carry that dependence (see
 * {@link EventLocator}). The continuous adjoints jump at t* (the affect's VJP and the saltation
 * term; see {@code sensitivity.EventJump}).
 */
public final class ContinuousCallback implements EventCallback {
    private final EventFunction condition, affect;
    private final Direction direction;
    private final boolean terminates;
    private final String name;
    private final EventLog log;

    /** An event at every crossing of condition (both directions), changing the state by affect. */
    public ContinuousCallback(EventFunction condition, EventFunction affect) {
        this(condition, affect, Direction.BOTH);
    }

    /** An event at the crossings of condition in direction, changing the state by affect. */
    public ContinuousCallback(EventFunction condition, EventFunction affect, Direction direction) {
        this(condition, affect, direction, false, "ContinuousCallback", null);
        if (affect == null) throw new IllegalArgumentException("ContinuousCallback: the affect is null (use ContinuousCallback.terminating for an event that ends the solve)");
    }

    private ContinuousCallback(EventFunction condition, EventFunction affect, Direction direction, boolean terminates, String name,
                               EventLog log) {
        if (condition == null) throw new IllegalArgumentException("ContinuousCallback: the condition is null");
        if (direction == null) throw new IllegalArgumentException("ContinuousCallback: the direction is null");
        this.condition = condition;
        this.affect = affect;
        this.direction = direction;
        this.terminates = terminates;
        this.name = name;
        this.log = log;
    }

    /** An event that ends the solve at the first crossing with {@link ReturnCode#TERMINATED}; the state there is saved last. */
    public static ContinuousCallback terminating(EventFunction condition) {
        return terminating(condition, Direction.BOTH);
    }

    /** A terminating event at the first crossing in direction. */
    public static ContinuousCallback terminating(EventFunction condition, Direction direction) {
        return new ContinuousCallback(condition, null, direction, true, "ContinuousCallback", null);
    }

    /** The same callback, also ending the solve after its affect. */
    public ContinuousCallback thenTerminate() { return new ContinuousCallback(condition, affect, direction, true, name, log); }

    /** The same callback under a name (errors name it). */
    public ContinuousCallback named(String name) { return new ContinuousCallback(condition, affect, direction, terminates, name, log); }

    @Override public ContinuousCallback recordingInto(EventLog log) {
        return new ContinuousCallback(condition, affect, direction, terminates, name, log);
    }

    public Direction direction() { return direction; }

    public boolean terminates() { return terminates; }

    @Override public String name() { return name; }

    @Override public String toString() { return name; }

    /** Never called: each solve runs its own instance ({@link #forSolve}). */
    @Override public void afterStep(dev.fluxion.diffeq.IntegratorState integrator) {}

    @Override public Callback forSolve() {
        return new EventLocator(name, condition, direction, true, i -> affect, terminates, log);
    }
}
