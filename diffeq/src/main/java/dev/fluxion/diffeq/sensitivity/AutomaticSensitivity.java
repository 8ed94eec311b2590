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
 * solve). Fluxion has {@link GaussAdjoint} too, but it is not the default: measured on issue 15's
 * batched neural ODE (docs/BENCHMARKS.md, "Adjoint evaluation counts") it took 0.93×, 0.98× and
 * 1.13× the checkpointed InterpolatingAdjoint's time at B = 16, 256 and 1024 (one interleaved run)
 * and was slower than BacksolveAdjoint and the dense InterpolatingAdjoint at every B, and it keeps
 * the forward dense output, so its memory grows with the steps. The checkpointed
 * InterpolatingAdjoint is stable where backsolve is not (chaotic and stiff problems) while keeping
 * memory bounded by the saved points rather than the steps. Event
 * callbacks change nothing: every method differentiates through events (the adjoints jump there).
 *
 * <p>Implicit methods (Rosenbrock, ESDIRK, any method with {@code implicit()}) and problems with a
 * nonsingular mass matrix: the same rule. Up to the limit {@link ForwardDuals} (its lanes ride on
 * dual tensors through J and the LU solves); above it the checkpointed {@link InterpolatingAdjoint},
 * whose backward system is integrated by the same implicit method with its exact block Jacobian
 * ({@code AdjointJacobians}) — memory bounded by the saved points, where a tape through a stiff
 * solve keeps every step's stages and LU factors. A singular mass matrix (a differential-algebraic
 * system) has no adjoint here: {@link ReverseTape} above the limit.
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
        // a DAE (singular mass matrix) has no continuous adjoint here: the tape above the forward limit
        if (inputs > FORWARD_LIMIT && spec.term().mass() != null && singular(spec)) return new ReverseTape();
        return defaultFor(inputs);
    }

    private static boolean singular(SolveSpec spec) {
        try {
            Adjoint.massLu(spec);
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }
}
