package dev.fluxion.diffeq.jump;

import dev.fluxion.diffeq.events.EventFunction;

/**
 * A jump whose rate changes with the state and the time between jumps (DifferentialEquations.jl's
 * VariableRateJump): the total rate of the problem's variable-rate jumps is integrated alongside
 * the ODE as an extra state Λ, and a jump happens where Λ crosses an exponential draw, located as
 * an event on the step's interpolant (the time-change representation of a point process; Ogata
 * 1981, Anderson 2007). The state must be a vector.
 */
public record VariableRateJump(JumpRate rate, EventFunction affect) implements Jump {
    public VariableRateJump {
        if (rate == null || affect == null) throw new IllegalArgumentException("VariableRateJump needs a rate and an affect");
    }
}
