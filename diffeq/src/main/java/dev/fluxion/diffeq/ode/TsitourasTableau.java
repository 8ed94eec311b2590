package dev.fluxion.diffeq.ode;

/**
 * Tsitouras' 5(4) pair ("Tsit5"): seven stages, first same as last, fifth-order propagated
 * solution, fourth-order embedded one, and a free fourth-order continuous extension.
 *
 * <p>Source: Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only the first column
 * simplifying assumption", Computers &amp; Mathematics with Applications 62 (2011) 770–775,
 * doi:10.1016/j.camwa.2011.06.002. The numbers were taken from the high-precision (BigFloat)
 * transcription in SciML/OrdinaryDiffEq.jl, {@code lib/OrdinaryDiffEqTsit5/src/tsit_tableaus.jl}
 * ({@code Tsit5ConstantCacheActual} and {@code Tsit5Interp}, generic-type versions), each rounded
 * to the nearest double.
 *
 * <p>Conversions.
 * <ul>
 *   <li>b is the last row of a (FSAL): b_j = a_7j, b_7 = 0.</li>
 *   <li>The Julia file's "btilde" is bhat − b (the weights it lists, commented out, as "b" are
 *       in fact the fourth-order bhat, with bhat_7 = 1/66); the sign is flipped here to this
 *       project's btilde = b − bhat.</li>
 *   <li>The interpolant is stored there in expanded form, r_ij being the coefficient of θ^j in
 *       b_i(θ); that is exactly this project's bTheta layout, so it is used as is. (r_11 is
 *       0.99999999999999997… in the high-precision data, which rounds to 1.)</li>
 * </ul>
 */
public final class TsitourasTableau {
    private TsitourasTableau() {}

    // Nodes c_i, stages 1..7.
    private static final double[] C = {
        0, 0.161, 0.327, 0.9,
        0.9800255409045097, 1.0, 1.0
    };

    // a_ij, row i has the i−1 entries j = 1..i−1.
    private static final double[][] A = {
        // stage 1
        {},
        // stage 2
        {0.161},
        // stage 3
        {-0.008480655492356989, 0.335480655492357},
        // stage 4
        {2.8971530571054935, -6.359448489975075, 4.3622954328695815},
        // stage 5
        {5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525},
        // stage 6
        {
            5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
            -0.028269050394068383
        },
        // stage 7
        {
            0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
            -3.290069515436081, 2.324710524099774
        }
    };

    // Weights of the propagated solution.
    private static final double[] B = {
        0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
        -3.290069515436081, 2.324710524099774, 0
    };

    // Error weights btilde = b − bhat.
    private static final double[] BTILDE = {
        0.0017800110522257714, 0.0008164344596567469, -0.007880878010261995, 0.1447110071732629,
        -0.5823571654525552, 0.45808210592918697, -0.015151515151515152
    };

    // b_i(θ) = Σ_m B_THETA[i][m] θ^(m+1): coefficients of θ^1 .. θ^4, one row per stage 1..7.
    private static final double[][] B_THETA = {
        // stage 1
        {1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216},
        // stage 2
        {0, 0.13169999999999998, -0.2234, 0.1017},
        // stage 3
        {0, 3.9302962368947516, -5.941033872131505, 2.490627285651253},
        // stage 4
        {0, -12.411077166933676, 30.33818863028232, -16.548102889244902},
        // stage 5
        {0, 37.50931341651104, -88.1789048947664, 47.37952196281928},
        // stage 6
        {0, -27.896526289197286, 65.09189467479366, -34.87065786149661},
        // stage 7
        {0, 1.5, -4.0, 2.5}
    };

    public static final ExplicitRkTableau TSIT5 = new ExplicitRkTableau(
            "Tsit5", 5, 4, C, A, B, BTILDE, true,
            new RkInterpolant(4, new double[0], new double[0][], B_THETA));
}
