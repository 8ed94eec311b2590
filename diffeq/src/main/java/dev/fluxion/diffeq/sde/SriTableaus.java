package dev.fluxion.diffeq.sde;

/** The SRI tableaus, with their sources. */
public final class SriTableaus {
    private SriTableaus() {}

    /**
     * SRIW1: Rößler (2010)'s scheme SRI1W1 (strong order 1.5, weak order 2), as tabulated
     * in StochasticDiffEq.jl (src/tableaus.jl, constructSRIW1) and used with its error estimate
     * (two drift terms in E₁, δ = 1/6: StochasticDiffEq.jl's delta_default(SRIW1)).
     */
    public static SriTableau sriw1() {
        return new SriTableau("SRIW1",
                new double[] {0, 3.0 / 4, 0, 0},
                new double[] {0, 1.0 / 4, 1, 1.0 / 4},
                new double[][] {{0, 0, 0, 0}, {3.0 / 4, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}},
                new double[][] {{0, 0, 0, 0}, {1.0 / 4, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 1.0 / 4, 0}},
                new double[][] {{0, 0, 0, 0}, {3.0 / 2, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}},
                new double[][] {{0, 0, 0, 0}, {1.0 / 2, 0, 0, 0}, {-1, 0, 0, 0}, {-5, 3, 1.0 / 2, 0}},
                new double[] {1.0 / 3, 2.0 / 3, 0, 0},
                new double[] {-1, 4.0 / 3, 2.0 / 3, 0},
                new double[] {-1, 4.0 / 3, -1.0 / 3, 0},
                new double[] {2, -4.0 / 3, -2.0 / 3, 0},
                new double[] {-2, 5.0 / 3, -2.0 / 3, 1},
                2, 1.0 / 6);
    }

    /**
     * SOSRI: the stability-optimized SRI method of Rackauckas &amp; Nie (2018), "Stability-optimized
     * high order methods and stiffness detection for pathwise stiff stochastic differential
     * equations" (arXiv:1804.04344), coefficients as published in StochasticDiffEq.jl
     * (src/caches/rossler_caches.jl, SOSRIConstantCache: a0ij → A⁰, a1ij → A¹, b0ij → B⁰,
     * b1ij → B¹, c0i → c⁰, c1i → c¹, betaki → βᵏ), with all four drift terms in E₁ and δ = 1.
     */
    public static SriTableau sosri() {
        return new SriTableau("SOSRI",
                new double[] {0, -0.04199224421316468, 0.7898405466170333, 3.7504010171562823},
                new double[] {0.0, 0.26204282091330466, 0.05879875232001766, 0.758661169101175},
                new double[][] {
                        {0, 0, 0, 0},
                        {-0.04199224421316468, 0, 0, 0},
                        {2.842612915017106, -2.0527723684000727, 0, 0},
                        {4.338237071435815, -2.8895936137439793, 2.3017575594644466, 0}},
                new double[][] {
                        {0, 0, 0, 0},
                        {0.26204282091330466, 0, 0, 0},
                        {0.20903646383505375, -0.1502377115150361, 0, 0},
                        {0.05836595312746999, 0.6149440396332373, 0.08535117634046772, 0}},
                new double[][] {
                        {0, 0, 0, 0},
                        {-0.21641093549612528, 0, 0, 0},
                        {1.5336352863679572, 0.26066223492647056, 0, 0},
                        {-1.0536037558179159, 1.7015284721089472, -0.20725685784180017, 0}},
                new double[][] {
                        {0, 0, 0, 0},
                        {-0.5119011827621657, 0, 0, 0},
                        {2.67767339866713, -4.9395031322250995, 0, 0},
                        {0.15580956238299215, 3.2361551006624674, -1.4223118283355949, 0}},
                new double[] {1.140099274172029, -0.6401334255743456, 0.4736296532772559, 0.026404498125060714},
                new double[] {-1.8453464565104432, 2.688764531100726, -0.2523866501071323, 0.40896857551684956},
                new double[] {0.4969658141589478, -0.5771202869753592, -0.12919702470322217, 0.2093514975196336},
                new double[] {2.8453464565104425, -2.688764531100725, 0.2523866501071322, -0.40896857551684945},
                new double[] {0.11522663875443433, -0.57877086147738, 0.2857851028163886, 0.17775911990655704},
                4, 1.0);
    }
}
