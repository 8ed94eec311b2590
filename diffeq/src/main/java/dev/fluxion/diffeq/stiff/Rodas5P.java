package dev.fluxion.diffeq.stiff;

/** Steinebach's stiffly accurate order-5 Rosenbrock method (2023) with an embedded order-4 estimate and order-4 dense output: DifferentialEquations.jl's recommended stiff method at moderate to tight tolerances; handles index-1 DAEs. */
public final class Rodas5P implements RosenbrockAlgorithm {
    @Override public RosenbrockTableau tableau() { return RosenbrockTableaus.RODAS5P; }

    @Override public String toString() { return "Rodas5P"; }
}
