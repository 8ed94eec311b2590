package dev.fluxion.diffeq.ode;


/** Bogacki–Shampine 3(2), FSAL, cubic Hermite dense output: for loose tolerances. */
public final class BS3 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return BogackiShampineTableau.BS3; }


    @Override public String toString() { return "BS3"; }
}
