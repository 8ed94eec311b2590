package dev.fluxion.diffeq.jump;

import dev.fluxion.diffeq.events.EventFunction;

/**
 * A jump whose rate stays constant between jumps (it may depend on the state that jumps change,
 * as a reaction's propensity does; DifferentialEquations.jl's ConstantRateJump): its times are
 * drawn by Gillespie's direct method (Gillespie 1977, "Exact stochastic simulation of coupled
 * chemical reactions"), the next one at the last jump time plus an exponential draw with the total
 * rate. When an ODE also moves the state, a rate that depends on the moving part belongs in a
 * {@link VariableRateJump}.
 */
public record ConstantRateJump(JumpRate rate, EventFunction affect) implements Jump {
    public ConstantRateJump {
        if (rate == null || affect == null) throw new IllegalArgumentException("ConstantRateJump needs a rate and an affect");
    }
}
