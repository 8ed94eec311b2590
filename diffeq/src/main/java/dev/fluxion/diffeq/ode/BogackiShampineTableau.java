package dev.fluxion.diffeq.ode;

/**
 * The Bogacki–Shampine 3(2) pair ("BS3", MATLAB's {@code ode23}): four stages, first same as last,
 * third-order propagated solution with a second-order embedded one.
 *
 * <p>Source: P. Bogacki and L. F. Shampine, "A 3(2) pair of Runge–Kutta formulas", Applied
 * Mathematics Letters 2 (1989) 321–325, doi:10.1016/0893-9659(89)90079-7. The numbers were checked
 * against SciML/OrdinaryDiffEq.jl, {@code lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl}
 * ({@code BS3ConstantCache}, rational version). That file stores bhat − b as its "btilde"; here the
 * sign is flipped to this project's convention btilde = b − bhat, with
 * bhat = (7/24, 1/4, 1/3, 1/8).
 *
 * <p>No interpolant of its own: the cubic Hermite interpolant through (u, f(u)) and
 * (u_new, f(u_new)) is third-order accurate and free thanks to FSAL, so the stepper's Hermite
 * fallback is BS3's natural dense output.
 */
public final class BogackiShampineTableau {
    private BogackiShampineTableau() {}

    public static final ExplicitRkTableau BS3 = new ExplicitRkTableau(
            "BS3", 3, 2,
            new double[] {0, 1.0 / 2, 3.0 / 4, 1},
            new double[][] {
                {},
                {1.0 / 2},
                {0, 3.0 / 4},
                {2.0 / 9, 1.0 / 3, 4.0 / 9},
            },
            new double[] {2.0 / 9, 1.0 / 3, 4.0 / 9, 0},
            // b − bhat = (2/9 − 7/24, 1/3 − 1/4, 4/9 − 1/3, 0 − 1/8)
            new double[] {-5.0 / 72, 1.0 / 12, 1.0 / 9, -1.0 / 8},
            true, null);
}
