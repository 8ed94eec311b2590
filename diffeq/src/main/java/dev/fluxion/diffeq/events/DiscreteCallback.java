package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.IntegratorState;
import dev.fluxion.tensor.Tensor;

/**
 * A condition checked after each accepted step (DifferentialEquations.jl's DiscreteCallback):
 * when it holds, the affect (u, p, t) → new state is applied at the step's end (both states are
 * saved when saving every step), or the solve ends.
 */
public final class DiscreteCallback implements EventCallback {
    /** The condition on the state at the end of an accepted step (primal or not; read its values). */
    @FunctionalInterface
    public interface Condition {
        boolean test(Tensor u, Tensor p, double t);
    }

    private final Condition condition;
    private final EventFunction affect;
    private final boolean terminates;
    private final String name;
    private final EventLog log;

    public DiscreteCallback(Condition condition, EventFunction affect) {
        this(condition, affect, false, "DiscreteCallback", null);
        if (affect == null) throw new IllegalArgumentException("DiscreteCallback: the affect is null (use DiscreteCallback.terminating)");
    }

    private DiscreteCallback(Condition condition, EventFunction affect, boolean terminates, String name, EventLog log) {
        if (condition == null) throw new IllegalArgumentException("DiscreteCallback: the condition is null");
        this.condition = condition;
        this.affect = affect;
        this.terminates = terminates;
        this.name = name;
        this.log = log;
    }

    /** Ends the solve ({@code TERMINATED}) after the first step whose end satisfies condition. */
    public static DiscreteCallback terminating(Condition condition) {
        return new DiscreteCallback(condition, null, true, "DiscreteCallback", null);
    }

    public DiscreteCallback named(String name) { return new DiscreteCallback(condition, affect, terminates, name, log); }

    @Override public DiscreteCallback recordingInto(EventLog log) { return new DiscreteCallback(condition, affect, terminates, name, log); }

    @Override public String name() { return name; }

    @Override public String toString() { return name; }

    @Override public void afterStep(IntegratorState s) {
        if (!condition.test(s.u(), s.p(), s.t())) return;
        double[] before = log == null ? null : s.u().primal().toDoubleArray();
        if (affect != null) {
            Tensor next = affect.apply(s.u(), s.p(), Tensor.scalar(s.t()));
            if (next == null) throw new IllegalArgumentException("the affect returned null");
            s.setU(next);
        }
        if (terminates) s.terminate();
        if (log != null) log.add(new EventRecord(name, s.t(), before, s.u().primal().toDoubleArray(), null, 0, affect, terminates));
    }
}
