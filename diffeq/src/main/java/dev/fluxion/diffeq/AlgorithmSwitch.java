package dev.fluxion.diffeq;

/**
 * A composite method's choice: from time t on (until the next switch) its steps were taken by the
 * named algorithm. The first entry of a solve is at t0 (OrdinaryDiffEq.jl's alg_choice, compressed).
 */
public record AlgorithmSwitch(double t, String algorithm) {
    @Override public String toString() { return algorithm + " from t = " + t; }
}
