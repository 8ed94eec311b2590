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
}
