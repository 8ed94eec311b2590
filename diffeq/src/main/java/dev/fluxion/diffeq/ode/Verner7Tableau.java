package dev.fluxion.diffeq.ode;

/**
 * Verner's "most efficient" 7(6) pair ("Vern7"): ten stages (not FSAL), seventh-order propagated
 * solution, sixth-order embedded one, and Verner's seventh-order interpolant, which needs six
 * extra stages (16 in all) that are evaluated only when a step is interpolated.
 *
 * <p>Source: J. H. Verner, "Numerically optimal Runge–Kutta pairs with interpolants", Numerical
 * Algorithms 53 (2010) 383–396, doi:10.1007/s11075-009-9290-3, with the coefficients Verner
 * publishes on his web page (https://www.sfu.ca/~jverner/). The numbers were taken from their
 * transcription in SciML/OrdinaryDiffEq.jl, {@code lib/OrdinaryDiffEqVerner/src/verner_tableaus.jl}
 * ({@code Vern7Tableau}: exact rationals; {@code Vern7ExtraStages} and
 * {@code Vern7InterpolationCoefficients}: 40-digit decimals), each rounded to the nearest double.
 *
 * <p>Conversions.
 * <ul>
 *   <li>c_9 = c_10 = 1 are implicit there (both stages sit at t + h).</li>
 *   <li>Its btilde is already b − bhat (btilde_8 = b_8, btilde_10 = −bhat_10); used as is.</li>
 *   <li>Extra stages 11..16 are listed there with only their nonzero a_ij; here each is a full
 *       row over all earlier stages, zeros included. Stage 11 is the step's end point (c = 1,
 *       a = b), i.e. f(t + h, u_new). Stage 10 and stages 2, 3 have b_i(θ) = 0.</li>
 *   <li>The interpolant is stored there as b_i(θ) = θ·poly(r_i1..r_i7) for stage 1 and
 *       θ²·poly(r_i2..r_i7) for the others, r_ik being the coefficient of θ^k; that is the
 *       expanded form this project uses (a leading 0 stands for the missing θ^1 term).</li>
 * </ul>
 *
 * <p>A measured caveat. With these published coefficients the interpolant satisfies every
 * continuous order condition of order ≤ 6 exactly (residuals ~1e−38 in 50-digit arithmetic), but
 * 12 of the 48 order-7 conditions (all for trees [τ] with a single subtree τ of order 6) only to
 * 2.6e−7 at θ ∈ {0.3, 0.7}; the defect is proportional to b_12(θ). At θ = 1 (the step itself) all 85
 * conditions up to order 7 hold. Strictly, the local interpolation error is therefore O(h^7), not
 * O(h^8), but its coefficient is so small that on y' = y·cos t the measured local rate is 7.4–7.6
 * down to errors of 1e−18, far below double-precision roundoff. Verner and OrdinaryDiffEq.jl call
 * it a seventh-order interpolant; so does this class ({@code RkInterpolant} order 7).
 */
public final class Verner7Tableau {
    private Verner7Tableau() {}

    // Nodes c_i, stages 1..10.
    private static final double[] C = {
        0, 0.005, 0.10888888888888888, 0.16333333333333333,
        0.4555, 0.6095094489978381, 0.884, 0.925,
        1.0, 1.0
    };

    // a_ij, row i has the i−1 entries j = 1..i−1.
    private static final double[][] A = {
        // stage 1
        {},
        // stage 2
        {0.005},
        // stage 3
        {-1.07679012345679, 1.185679012345679},
        // stage 4
        {0.04083333333333333, 0, 0.1225},
        // stage 5
        {0.6389139236255726, 0, -2.455672638223657, 2.272258714598084},
        // stage 6
        {
            -2.6615773750187572, 0, 10.804513886456137, -8.3539146573962,
            0.820487594956657
        },
        // stage 7
        {
            6.067741434696771, 0, -24.711273635911084, 20.427517930788895,
            -1.9061579788166472, 1.006172249242068
        },
        // stage 8
        {
            12.054670076253203, 0, -49.75478495046899, 41.142888638604674,
            -4.461760149974004, 2.042334822239175, -0.09834843665406108
        },
        // stage 9
        {
            10.138146522881808, 0, -42.6411360317175, 35.76384003992257,
            -4.3480228403929075, 2.0098622683770357, 0.3487490460338272, -0.27143900510483127
        },
        // stage 10
        {
            -45.030072034298676, 0, 187.3272437654589, -154.02882369350186,
            18.56465306347536, -7.141809679295079, 1.3088085781613785, 0,
            0
        }
    };

    // Weights of the propagated solution.
    private static final double[] B = {
        0.04715561848627222, 0, 0, 0.25750564298434153,
        0.2621665397741262, 0.15216092656738558, 0.49399691700324844, -0.29430311714032503,
        0.0813174723249511, 0
    };

    // Error weights btilde = b − bhat.
    private static final double[] BTILDE = {
        0.0025470118799310456, 0, 0, -0.00965839487279575,
        0.0420647097563969, -0.0666822437469301, 0.26500974646212816, -0.29430311714032503,
        0.0813174723249511, -0.020295184663356284
    };

    // Nodes of the extra (interpolation-only) stages 11..16.
    private static final double[] C_EXTRA = {
        1.0, 0.29, 0.125, 0.25,
        0.53, 0.79
    };

    // a_ij of the extra stages, row i has the i−1 entries j = 1..i−1 (main and earlier extra stages).
    private static final double[][] A_EXTRA = {
        // stage 11
        {
            0.04715561848627222, 0, 0, 0.25750564298434153,
            0.2621665397741262, 0.15216092656738558, 0.49399691700324844, -0.29430311714032503,
            0.0813174723249511, 0
        },
        // stage 12
        {
            0.0523222769159969, 0, 0, 0.22495861826705715,
            0.017443709248776376, -0.007669379876829393, 0.03435896044073285, -0.0410209723009395,
            0.025651133005205617, 0, -0.0160443457
        },
        // stage 13
        {
            0.053053341257859085, 0, 0, 0.12195301011401886,
            0.017746840737602496, -0.0005928372667681495, 0.008381833970853752, -0.01293369259698612,
            0.009412056815253861, 0, -0.005353253107275676, -0.06666729992455811
        },
        // stage 14
        {
            0.03887903257436304, 0, 0, -0.0024403203308301317,
            -0.0013928917214672623, -0.00047446291558680135, 0.00039207932413159514, -0.00040554733285128004,
            0.00019897093147716726, 0, -0.00010278198793179169, 0.03385661513870267,
            0.1814893063199928
        },
        // stage 15
        {
            0.05723681204690013, 0, 0, 0.22265948066761182,
            0.12344864200186899, 0.04006332526666491, -0.05269894848581452, 0.04765971214244523,
            -0.02138895885042213, 0, 0.015193891064036402, 0.12060546716289655,
            -0.022779423016187374, 0
        },
        // stage 16
        {
            0.051372038802756814, 0, 0, 0.5414214473439406,
            0.350399806692184, 0.14193112269692182, 0.10527377478429423, -0.031081847805874016,
            -0.007401883149519145, 0, -0.006377932504865363, -0.17325495908361865,
            -0.18228156777622026, 0, 0
        }
    };

    // b_i(θ) = Σ_m B_THETA[i][m] θ^(m+1): coefficients of θ^1 .. θ^7, one row per stage 1..16.
    private static final double[][] B_THETA = {
        // stage 1
        {
            1.0, -8.413387198332767, 33.675508884490895, -70.80159089484886,
            80.64695108301298, -47.19413969837522, 11.133813442539243
        },
        // stage 2: b_2(θ) = 0
        {},
        // stage 3: b_3(θ) = 0
        {},
        // stage 4
        {
            0, 8.754921980674396, -88.4596828699771, 346.9017638429916,
            -629.2580030059837, 529.6773755604193, -167.35886986514018
        },
        // stage 5
        {
            0, 8.913387586637922, -90.06081846893218, 353.1807459217058,
            -640.6476819744374, 539.2646279047156, -170.38809442991547
        },
        // stage 6
        {
            0, 5.1733120298478, -52.271115900055385, 204.9853867374073,
            -371.8306118563603, 312.9880934374529, -98.89290352172495
        },
        // stage 7
        {
            0, 16.79537744079696, -169.70040000059728, 665.4937727009246,
            -1207.1638892336007, 1016.1291515818546, -321.06001557237494
        },
        // stage 8
        {
            0, -10.005997536098665, 101.1005433052275, -396.47391512378437,
            719.1787707014183, -605.3681033918824, 191.27439892797935
        },
        // stage 9
        {
            0, 2.764708833638599, -27.934602637390462, 109.54779186137893,
            -198.7128113064482, 167.26633571640318, -52.85010499525706
        },
        // stage 10: b_10(θ) = 0
        {},
        // stage 11
        {
            0, -2.1696320280163506, 22.016696037569876, -86.90152427798948,
            159.22388973861476, -135.9618306534588, 43.792401183280006
        },
        // stage 12
        {
            0, -4.890070188793804, 22.75407737425176, -30.78034218537731,
            -2.797194317207249, 31.369456637508403, -15.655927320381801
        },
        // stage 13
        {
            0, 10.862170929551967, -50.542971417827104, 68.37148040407511,
            6.213326521632409, -69.68006323194157, 34.776056794509195
        },
        // stage 14
        {
            0, -11.37286691922923, 130.79058078246717, -488.65113677785604,
            832.2148793276441, -664.7743368554426, 201.79288044241662
        },
        // stage 15
        {
            0, -5.919778732715007, 63.27679965889219, -265.432682088738,
            520.1009254140611, -467.412109533902, 155.3868452824017
        },
        // stage 16
        {
            0, -10.492146197961823, 105.35538525188011, -409.43975011988937,
            732.831448907654, -606.3044574733512, 188.0495196316683
        }
    };

    public static final ExplicitRkTableau VERN7 = new ExplicitRkTableau(
            "Vern7", 7, 6, C, A, B, BTILDE, false,
            new RkInterpolant(7, C_EXTRA, A_EXTRA, B_THETA));
}
