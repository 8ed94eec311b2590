package dev.fluxion.diffeq.stiff;

/** Hairer & Wanner's stiffly accurate order-4 Rosenbrock method with an embedded order-3 estimate and order-3 dense output; handles index-1 DAEs. */
public final class Rodas4 implements RosenbrockAlgorithm {
    @Override public RosenbrockTableau tableau() { return RosenbrockTableaus.RODAS4; }

    @Override public String toString() { return "Rodas4"; }
}
