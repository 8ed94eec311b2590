package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.events.EventCallback;

/**
 * The method used when {@code SolveOptions.sensealg} names none: {@link ForwardDuals} for up to
 * {@value #FORWARD_LIMIT} inputs (u0 and p together), the checkpointed
 * {@link InterpolatingAdjoint} above.
 *
 * <p>Why: forward lanes cost one pass whose width grows with the inputs, so they win for few
 * inputs (SciMLSensitivity switches at the same 100). Above, SciMLSensitivity now defaults to
 * GaussAdjoint (the adjoint with the parameter integral by Gauss quadrature along the backward
 * solve). Fluxion has {@link GaussAdjoint} too, but it is not the default: measured on issue 15's
 * batched neural ODE (docs/BENCHMARKS.md, "Adjoint evaluation counts") it took 0.93×, 0.98× and
 * 1.13× the checkpointed InterpolatingAdjoint's time at B = 16, 256 and 1024 (one interleaved run)
 * and was slower than BacksolveAdjoint and the dense InterpolatingAdjoint at every B, and it keeps
 * the forward dense output, so its memory grows with the steps. The checkpointed
 * InterpolatingAdjoint is stable where backsolve is not (chaotic and stiff problems) while keeping
 * memory bounded by the saved points rather than the steps. With event
 * callbacks ({@code events.EventCallback}) above the limit it is ReverseTape: the adjoints do not
 * differentiate through events yet.
 *
 * <p>Implicit methods (Rosenbrock) and problems with a mass matrix: {@link ForwardDuals} (its lanes
 * ride on dual tensors through J and the LU solves) up to the same limit, {@link ReverseTape}
 * above; the adjoints' backward systems have no Jacobian program yet.
 */
public final class AutomaticSensitivity implements SensitivityAlgorithm.Default {
    /** Inputs (u0 and p elements) up to which forward duals are the default. */
    public static final int FORWARD_LIMIT = 100;

    /** The default method for a problem with this many inputs. */
    public static SensitivityAlgorithm defaultFor(int inputs) {
        return inputs <= FORWARD_LIMIT ? new ForwardDuals() : new InterpolatingAdjoint();
    }

    @Override public SensitivityAlgorithm choose(SolveSpec spec) {
        int inputs = spec.u0().size() + spec.p().size();
        // the adjoints do not differentiate through events yet: the tape does, above the forward limit
        boolean events = java.util.Arrays.stream(spec.options().callbacks()).anyMatch(c -> c instanceof EventCallback);
        if (events && inputs > FORWARD_LIMIT) return new ReverseTape();
        // implicit methods and mass matrices: forward lanes on dual tensors, or the tape (the adjoints'
        // backward systems have no Jacobian program yet)
        if (spec.alg().implicit() || spec.term().mass() != null) return inputs <= FORWARD_LIMIT ? new ForwardDuals() : new ReverseTape();
        return defaultFor(inputs);
    }
}
