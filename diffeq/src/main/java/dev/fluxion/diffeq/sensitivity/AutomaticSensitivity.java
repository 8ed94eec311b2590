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
 * problems) while keeping memory bounded by the saved points rather than the steps.
 *
 * <p>Implicit methods (Rosenbrock) and problems with a mass matrix go through {@link ReverseTape}
 * for now: the flat plans of the other strategies have no Jacobian program for their augmented systems.
 */
public final class AutomaticSensitivity implements SensitivityAlgorithm.Default {
    /** Inputs (u0 and p elements) up to which forward duals are the default. */
    public static final int FORWARD_LIMIT = 100;

    /** The default method for a problem with this many inputs. */
    public static SensitivityAlgorithm defaultFor(int inputs) {
        return inputs <= FORWARD_LIMIT ? new ForwardDuals() : new InterpolatingAdjoint();
    }

    @Override public SensitivityAlgorithm choose(SolveSpec spec) {
        // implicit methods and mass matrices run on the tensor plan (J by AD, differentiable LU solves)
        if (spec.alg().implicit() || spec.term().mass() != null) return new ReverseTape();
        return defaultFor(spec.u0().size() + spec.p().size());
    }
}
