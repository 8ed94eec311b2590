package dev.fluxion.diffeq.sde;

/**
 * The shape of an SDE's noise (DifferentialEquations.jl's noise forms): what the diffusion g(u, p, t)
 * returns and how many Wiener processes drive the system.
 */
public enum NoiseKind {
    /** g returns the shape of u; component i is driven by its own Wiener process W_i (n processes). The default. */
    DIAGONAL,
    /** g returns the shape of u; every component is driven by one Wiener process W (du = f dt + g dW). */
    SCALAR,
    /** g returns a matrix [n, m]; m Wiener processes: du = f dt + g · dW with dW of length m. */
    GENERAL
}
