package dev.fluxion.diffeq.ode;


/** Tsitouras 5(4), FSAL, with its free fourth-order interpolant: DifferentialEquations.jl's recommended default for non-stiff problems. */
public final class Tsit5 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return TsitourasTableau.TSIT5; }


    @Override public String toString() { return "Tsit5"; }
}
