package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.IntegratorState;

/**
 * Several event conditions in one callback (DifferentialEquations.jl's VectorContinuousCallback):
 * the condition returns a vector, an event is a zero crossing of any component, the first
 * crossing inside a step wins (the next is found by the next step), and the affect learns which
 * component crossed. Location, saving and derivatives as for {@link ContinuousCallback}.
 */
public final class VectorContinuousCallback implements EventCallback {
    private final EventFunction condition;
    private final VectorAffect affect;
    private final Direction direction;
    private final boolean terminates;
    private final String name;
    private final EventLog log;

    public VectorContinuousCallback(EventFunction condition, VectorAffect affect) {
        this(condition, affect, Direction.BOTH);
    }

    public VectorContinuousCallback(EventFunction condition, VectorAffect affect, Direction direction) {
        this(condition, affect, direction, false, "VectorContinuousCallback", null);
    }

    private VectorContinuousCallback(EventFunction condition, VectorAffect affect, Direction direction, boolean terminates, String name,
                                     EventLog log) {
        if (condition == null || affect == null || direction == null) {
            throw new IllegalArgumentException("VectorContinuousCallback needs a condition, an affect and a direction");
        }
        this.condition = condition;
        this.affect = affect;
        this.direction = direction;
        this.terminates = terminates;
        this.name = name;
        this.log = log;
    }

    /** The same callback, also ending the solve after its affect. */
    public VectorContinuousCallback thenTerminate() { return new VectorContinuousCallback(condition, affect, direction, true, name, log); }

    public VectorContinuousCallback named(String name) { return new VectorContinuousCallback(condition, affect, direction, terminates, name, log); }

    @Override public VectorContinuousCallback recordingInto(EventLog log) {
        return new VectorContinuousCallback(condition, affect, direction, terminates, name, log);
    }

    @Override public String name() { return name; }

    @Override public String toString() { return name; }

    @Override public void afterStep(IntegratorState integrator) {}

    @Override public Callback forSolve() {
        return new EventLocator(name, condition, direction, false, i -> (u, p, t) -> affect.apply(u, p, t, i), terminates, log);
    }
}
