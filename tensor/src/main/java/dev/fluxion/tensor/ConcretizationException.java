package dev.fluxion.tensor;

/**
 * Thrown when code being traced for compilation reads a tensor's numbers (item(), toDoubleArray())
 * or does something else a compiled program cannot replay. Callers that compile (the solvers) catch
 * it and fall back to eager execution, as JAX's jit raises its ConcretizationTypeError.
 */
public final class ConcretizationException extends RuntimeException {
    public ConcretizationException(String message) {
        super(message);
    }
}
