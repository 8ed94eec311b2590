package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;

/** The Stratonovich adjoint for SDEs (placeholder until implemented: refuses by name). */
final class SdeAdjoint {
    private SdeAdjoint() {}

    static OdeSolution solve(SdeSpec spec, SensitivityAlgorithm s) {
        throw new UnsupportedOperationException("BacksolveAdjoint for SDEs is not implemented yet; use ReverseTape or ForwardDuals");
    }
}
