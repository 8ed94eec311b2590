package dev.fluxion.diffeq;

/** A method for ODE problems ({@code Tsit5}, {@code Vern9}, {@code RK4}, ...). */
public interface OdeAlgorithm {
    /** The name users know it by. */
    String name();

    /** Order of accuracy of the propagated solution. */
    int order();

    /** Whether it controls its step size from an error estimate. */
    boolean adaptive();

    /** A stepper of this method running on the given state arithmetic, for one solve. */
    <S> Stepper<S, ?> stepper(StateOps<S> ops);

    /** Whether its steps solve linear systems with the Jacobian of f (Rosenbrock, ESDIRK, BDF). */
    default boolean implicit() { return false; }

    /** Whether it solves problems with a mass matrix M u' = f(u, p, t). */
    default boolean acceptsMassMatrix() { return false; }

    /**
     * A stepper for a problem with the constant mass matrix mass [n·n] row-major (null: the
     * identity). Methods that cannot take one say so by name.
     */
    default <S> Stepper<S, ?> stepper(StateOps<S> ops, double[] mass) {
        if (mass == null) return stepper(ops);
        throw noMassMatrix(this);
    }

    /** The error of a method given a mass matrix it cannot take. */
    static UnsupportedOperationException noMassMatrix(OdeAlgorithm alg) {
        return new UnsupportedOperationException(alg.name() + " cannot solve a problem with a mass matrix (M u' = f); "
                + "use a Rosenbrock method (Rodas5P, Rodas4, Rosenbrock23) or an ESDIRK (KenCarp4, TRBDF2)");
    }
}
