package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.Stepper;

/**
 * A method for SDE problems, with DifferentialEquations.jl's names: {@code EM}, {@code EulerHeun},
 * {@code RKMil}, {@code SRIW1}, {@code SOSRI}, {@code SRA1}, {@code SOSRA}. A method solves the
 * Itô SDE unless it is a Stratonovich method ({@link #stratonovich()}: {@code EulerHeun}), which
 * solves the same f and g read in the Stratonovich sense.
 */
public interface SdeAlgorithm {
    /** The name users know it by. */
    String name();

    /** Strong order of convergence (pathwise), for the noise it is meant for. */
    double strongOrder();

    /** Weak order of convergence (of moments). */
    double weakOrder();

    /** Whether it adapts its step from an embedded error estimate. */
    boolean adaptive();

    /** Whether it solves the Stratonovich reading of the SDE (false: Itô). */
    default boolean stratonovich() { return false; }

    /** Refuses, by name, a noise form the method cannot solve. */
    default void check(NoiseKind noise) {}

    /** The order DifferentialEquations.jl's controller defaults are derived from (β₁ = 7/(10p), β₂ = 2/(5p)). */
    default double controllerOrder() { return strongOrder(); }

    /** A stepper of this method on the given plan, for one solve. */
    <S> Stepper<S, ?> stepper(SdeOps<S> ops);

    /** The error of a method given a noise form it cannot take. */
    static IllegalArgumentException unsupported(SdeAlgorithm alg, NoiseKind noise, String use) {
        return new IllegalArgumentException(alg.name() + " cannot solve an SDE with " + noise.name().toLowerCase()
                + " noise; " + use);
    }
}
