package dev.fluxion.diffeq.stiff;

/** The ESDIRK tableaus, as data with their published sources. */
public final class EsdirkTableaus {
    private EsdirkTableaus() {}

    /**
     * Kennedy &amp; Carpenter, "Additive Runge–Kutta schemes for convection–diffusion–reaction
     * equations", Appl. Numer. Math. 44 (2003) 139–181: the implicit (ESDIRK) part of
     * ARK4(3)6L[2]SA, used on the whole f as DifferentialEquations.jl's {@code KenCarp4} does
     * without a splitting. L-stable, stiffly accurate, stage order 2, γ = 1/4; A, c and the
     * embedded b̂ from the paper's tables (as rationals); the third-order dense output
     * b_j(θ) = Σ_{k=1..3} b*_jk θ^k from its dense-output table (the same rationals are in
     * PETSc's TSARKIMEX4 and OrdinaryDiffEq.jl's KenCarp4 tableau).
     */
    public static final EsdirkTableau KENCARP4;

    static {
        double g = 0.25;
        double[] c = {0, 0.5, 83.0 / 250, 31.0 / 50, 17.0 / 20, 1};
        double[][] a = {
                {},
                {g, g},
                {8611.0 / 62500, -1743.0 / 31250, g},
                {5012029.0 / 34652500, -654441.0 / 2922500, 174375.0 / 388108, g},
                {15267082809.0 / 155376265600.0, -71443401.0 / 120774400, 730878875.0 / 902184768, 2285395.0 / 8070912, g},
                {82889.0 / 524892, 0, 15625.0 / 83664, 69875.0 / 102672, -2260.0 / 8211, g}};
        double[] bhat = {4586570599.0 / 29645900160.0, 0, 178811875.0 / 945068544, 814220225.0 / 1159782912,
                -3700637.0 / 11593932, 61727.0 / 225920};
        double[] btilde = new double[6];
        for (int j = 0; j < 6; j++) btilde[j] = a[5][j] - bhat[j];
        double[][] bstar = {
                {6943876665148.0 / 7220017795957.0, -54480133.0 / 30881146, 6818779379841.0 / 7100303317025.0},
                {0, 0, 0},
                {7640104374378.0 / 9702883013639.0, -11436875.0 / 14766696, 2173542590792.0 / 12501825683035.0},
                {-20649996744609.0 / 7521556579894.0, 174696575.0 / 18121608, -31592104683404.0 / 5083833661969.0},
                {8854892464581.0 / 2390941311638.0, -12120380.0 / 966161, 61146701046299.0 / 7138195549469.0},
                {-11397109935349.0 / 6675773540249.0, 3843.0 / 706, -17219254887155.0 / 4939391667607.0}};
        // Newton's starting guesses z_i ≈ Σ α_ij z_j, extrapolations of the earlier stage derivatives
        // (linear through z1, z2 for stages 3 and 4; Hermite-type for 5 and 6), as in OrdinaryDiffEq.jl's KenCarp4 tableau
        double[][] alpha = {
                {},
                {1},
                {42.0 / 125, 83.0 / 125},
                {-6.0 / 25, 31.0 / 25},
                {914470432.0 / 2064665255, 798813.0 / 724780, -824765625.0 / 372971788, 49640.0 / 29791},
                {288521442795.0 / 954204491116.0, 2224881.0 / 2566456, -1074821875.0 / 905317354, -3360875.0 / 8098936, 7040.0 / 4913}};
        EsdirkTableau.Dense dense = (theta, out) -> {
            for (int j = 0; j < 6; j++) out[j] = theta * (bstar[j][0] + theta * (bstar[j][1] + theta * bstar[j][2]));
        };
        KENCARP4 = new EsdirkTableau("KenCarp4", 4, 3, c, a, btilde, alpha, dense,
                "Kennedy & Carpenter, Appl. Numer. Math. 44 (2003) 139-181, ARK4(3)6L[2]SA (implicit part), with its dense output");
    }

    /**
     * Hosea &amp; Shampine, "Analysis and implementation of TR-BDF2", Appl. Numer. Math. 20 (1996)
     * 21–37 (MATLAB's ode23tb): a trapezoidal stage to t + γ_TR h, γ_TR = 2 − √2, then BDF2, written
     * as a 3-stage ESDIRK with d = γ_TR/2 = 1 − √2/2, w = √2/4: A = [[0], [d, d], [w, w, d]],
     * c = [0, 2d, 1], and the paper's order-3 companion b̂ = [(1 − w)/3, (3w + 1)/3, d/3] for the
     * error estimate. L-stable, order 2. The dense output is the cubic Hermite interpolant on each
     * of the two sub-steps [t, t + 2dh] and [t + 2dh, t + h] through the stage values and their
     * derivatives (C¹, order 3 locally, free: every value it needs is a stage).
     */
    public static final EsdirkTableau TRBDF2;

    static {
        double sq2 = Math.sqrt(2.0);
        double d = 1 - sq2 / 2, w = sq2 / 4, gtr = 2 * d;
        double[] c = {0, gtr, 1};
        double[][] a = {{}, {d, d}, {w, w, d}};
        double[] bhat = {(1 - w) / 3, (3 * w + 1) / 3, d / 3};
        double[] btilde = {w - bhat[0], w - bhat[1], d - bhat[2]};
        // Newton's starting guesses: z1 for the trapezoidal stage, then z extrapolated linearly through (0, z1), (2d, z2) to θ = 1
        double[][] alpha = {{}, {1}, {1 - 1 / gtr, 1 / gtr}};
        EsdirkTableau.Dense dense = (theta, out) -> {
            // Z(θ) = U(t + θh) − u as weights on z1, z2, z3; Z2 = d z1 + d z2, Z3 = w z1 + w z2 + d z3
            java.util.Arrays.fill(out, 0.0);
            if (theta <= gtr) {
                double s = theta / gtr;
                double h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
                out[0] = h10 * gtr + h01 * d;
                out[1] = h01 * d + h11 * gtr;
            } else {
                double len = 1 - gtr, s = (theta - gtr) / len;
                double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
                out[0] = h00 * d + h01 * w;
                out[1] = h00 * d + h10 * len + h01 * w;
                out[2] = h01 * d + h11 * len;
            }
        };
        TRBDF2 = new EsdirkTableau("TRBDF2", 2, 3, c, a, btilde, alpha, dense,
                "Hosea & Shampine, Appl. Numer. Math. 20 (1996) 21-37, TR-BDF2 as an ESDIRK with its order-3 error companion");
    }
}
