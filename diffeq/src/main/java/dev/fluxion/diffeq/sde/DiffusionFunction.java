package dev.fluxion.diffeq.sde;

import dev.fluxion.tensor.Tensor;

/**
 * The diffusion g(u, p, t) of an SDE: shaped like u for diagonal and scalar noise, a matrix [n, m]
 * for general noise with m Wiener processes. Written in Tensor ops, so one g serves plain solves,
 * forward duals and reverse tape, and can be compiled.
 */
@FunctionalInterface
public interface DiffusionFunction {
    Tensor apply(Tensor u, Tensor p, Tensor t);
}
