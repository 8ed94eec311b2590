package dev.fluxion.diffeq.ode;

/**
 * The Dormand–Prince 5(4) pair ("DP5", DOPRI5, MATLAB's {@code ode45}): seven stages, first same
 * as last, fifth-order propagated solution, fourth-order embedded one, and a free fourth-order
 * continuous extension.
 *
 * <p>Sources.
 * <ul>
 *   <li>Tableau: J. R. Dormand and P. J. Prince, "A family of embedded Runge–Kutta formulae",
 *       J. Comput. Appl. Math. 6 (1980) 19–26, doi:10.1016/0771-050X(80)90013-3; as tabulated in
 *       Hairer, Nørsett &amp; Wanner, <i>Solving Ordinary Differential Equations I</i>, 2nd ed.,
 *       Springer 1993, §II.5 (Table 5.2). Checked against SciML/OrdinaryDiffEq.jl,
 *       {@code lib/OrdinaryDiffEqLowOrderRK/src/low_order_rk_tableaus.jl}
 *       ({@code DP5ConstantCacheActual}, rational version), which stores bhat − b as its
 *       "btilde"; the sign is flipped here to btilde = b − bhat, with
 *       bhat = (5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40).</li>
 *   <li>Dense output: the order-4 continuous extension of HNW I §II.6 (the {@code CONTD5} routine
 *       of Hairer's {@code dopri5.f}), built on L. F. Shampine, "Some practical Runge–Kutta
 *       formulas", Math. Comp. 46 (1986) 135–150, with his coefficients
 *       <pre>
 *   d1 = −12715105075/11282082432   d3 = 87487479700/32700410799   d4 = −10690763975/1880347072
 *   d5 = 701980252875/199316789632  d6 = −1453857185/822651844     d7 = 69997945/29380423
 *       </pre>
 *       (same values in {@code DP5_dense_ds} of the OrdinaryDiffEq.jl file above).</li>
 * </ul>
 *
 * <p>Conversion of the dense output. HNW write it as
 * <pre>
 *   u(t + θh) = u + θ(Δ + (1−θ)(h k_1 − Δ + θ(Δ − h k_7 − (h k_1 − Δ) + (1−θ) h Σ d_i k_i))),
 *   Δ = h Σ b_i k_i,
 * </pre>
 * which, expanded, is u + h Σ b_i(θ) k_i with
 * <pre>
 *   b_i(θ) = θ b_i + θ(1−θ)(δ_i1 − b_i) + θ²(1−θ)(2 b_i − δ_i1 − δ_i7) + θ²(1−θ)² d_i.
 * </pre>
 * The rows of {@code B_THETA} are these polynomials' coefficients of θ, θ², θ³, θ⁴, computed in
 * exact rational arithmetic; every numerator and denominator below is exactly representable, so
 * each entry is the correctly rounded value of the exact fraction. At θ = 1 they reduce to b.
 */
public final class DormandPrinceTableau {
    private DormandPrinceTableau() {}

    private static final double[][] B_THETA = {
        // b_1(θ)
        {1, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0, -12715105075.0 / 11282082432.0},
        // b_2(θ) = 0
        {},
        // b_3(θ)
        {0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0, 87487479700.0 / 32700410799.0},
        // b_4(θ)
        {0, -1754552775.0 / 470086768.0, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0},
        // b_5(θ)
        {0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0, 701980252875.0 / 199316789632.0},
        // b_6(θ)
        {0, -282668133.0 / 205662961.0, 2019193451.0 / 616988883.0, -1453857185.0 / 822651844.0},
        // b_7(θ)
        {0, 40617522.0 / 29380423.0, -110615467.0 / 29380423.0, 69997945.0 / 29380423.0},
    };

    public static final ExplicitRkTableau DP5 = new ExplicitRkTableau(
            "DP5", 5, 4,
            new double[] {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
            new double[][] {
                {},
                {1.0 / 5},
                {3.0 / 40, 9.0 / 40},
                {44.0 / 45, -56.0 / 15, 32.0 / 9},
                {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
            },
            new double[] {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
            new double[] {
                71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40,
            },
            true,
            new RkInterpolant(4, new double[0], new double[0][], B_THETA));
}
