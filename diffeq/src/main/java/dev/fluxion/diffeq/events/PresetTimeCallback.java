package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.IntegratorState;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * An affect at given times (DifferentialEquations.jl's PresetTimeCallback), such as doses: the
 * times become stop times, so the integrator steps to each exactly, and the affect (u, p, t) → new
 * state is applied there; both states are saved when saving every step. Times outside the span
 * (and t0 itself: set u0 instead) are ignored.
 */
public final class PresetTimeCallback implements EventCallback {
    private final double[] times;
    private final EventFunction affect;
    private final String name;
    private final EventLog log;

    public PresetTimeCallback(double[] times, EventFunction affect) {
        this(times, affect, "PresetTimeCallback", null);
    }

    private PresetTimeCallback(double[] times, EventFunction affect, String name, EventLog log) {
        if (times == null || affect == null) throw new IllegalArgumentException("PresetTimeCallback needs times and an affect");
        for (double x : times) if (!Double.isFinite(x)) throw new IllegalArgumentException("PresetTimeCallback: time " + x + " is not finite");
        this.times = times.clone();
        Arrays.sort(this.times);
        this.affect = affect;
        this.name = name;
        this.log = log;
    }

    public PresetTimeCallback named(String name) { return new PresetTimeCallback(times, affect, name, log); }

    @Override public PresetTimeCallback recordingInto(EventLog log) { return new PresetTimeCallback(times, affect, name, log); }

    public double[] times() { return times.clone(); }

    @Override public String name() { return name; }

    @Override public String toString() { return name; }

    @Override public double[] tstops(double t0, double t1) { return times.clone(); }

    @Override public void afterStep(IntegratorState s) {
        if (Arrays.binarySearch(times, s.t()) < 0) return;
        double[] before = log == null ? null : s.u().primal().toDoubleArray();
        Tensor next = affect.apply(s.u(), s.p(), Tensor.scalar(s.t()));
        if (next == null) throw new IllegalArgumentException("the affect returned null");
        s.setU(next);
        if (log != null) log.add(new EventRecord(name, s.t(), before, s.u().primal().toDoubleArray(), null, 0, affect, false));
    }
}
