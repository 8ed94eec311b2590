package dev.fluxion.diffeq.events;

import dev.fluxion.diffeq.Callback;

/**
 * The callbacks of this package: they change the state (or end the solve) at events. ReverseTape
 * and ForwardDuals differentiate through them (event times included); the continuous adjoints do
 * not yet (the adjoint's jump at an event is not implemented) and refuse solves that have them.
 */
public interface EventCallback extends Callback {
    /** The name errors and toString use. */
    String name();
}
