package dev.fluxion.diffeq.jump;

import dev.fluxion.diffeq.events.EventFunction;

/**
 * A jump of a {@link JumpProblem} (DiffEqJump's jump types): at random times with the given
 * rate, the state changes by the affect (u, p, t) → new state.
 */
public sealed interface Jump permits ConstantRateJump, VariableRateJump {
    JumpRate rate();

    EventFunction affect();
}
