package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.Callback;

/**
 * The callbacks of this package: they change the state (or end the solve) at events. Every
 * sensitivity method differentiates through them, event times included: ReverseTape and
 * ForwardDuals through the solver's ops, the continuous adjoints by a jump of the adjoint state at
 * each event the forward solve {@linkplain #recordingInto recorded}.
 */
public interface EventCallback extends Callback {
    /** The name errors and toString use. */
    String name();

    /**
     * The same callback, also recording each event it handles into log (time, the states on both
     * sides, the condition and the affect): what a continuous adjoint's forward pass runs with.
     */
    EventCallback recordingInto(EventLog log);
}
