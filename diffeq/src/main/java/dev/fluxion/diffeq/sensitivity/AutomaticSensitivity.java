package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;

/**
 * The method used when {@code SolveOptions.sensealg} names none: {@link ForwardDuals} for up to
 * {@value #FORWARD_LIMIT} inputs (u0 and p together), the checkpointed
 * {@link InterpolatingAdjoint} above.
 *
 * <p>Why: forward lanes cost one pass whose width grows with the inputs, so they win for few
 * inputs (SciMLSensitivity switches at the same 100). Above, SciMLSensitivity now defaults to
 * GaussAdjoint (the adjoint with the parameter integral by Gauss quadrature along the backward
 * solve); Fluxion has no GaussAdjoint yet, and of its adjoints the checkpointed
 * InterpolatingAdjoint is the one that is stable where backsolve is not (chaotic and stiff
 * problems) while keeping memory bounded by the saved points rather than the steps. Event
 * callbacks change nothing: every method differentiates through events (the adjoints jump there).
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
        // implicit methods and mass matrices: forward lanes on dual tensors, or the tape (the adjoints'
        // backward systems have no Jacobian program yet)
        if (spec.alg().implicit() || spec.term().mass() != null) return inputs <= FORWARD_LIMIT ? new ForwardDuals() : new ReverseTape();
        return defaultFor(inputs);
    }
}
