package dev.fluxion.diffeq.stiff;

/**
 * The Rosenbrock tableaus, as data with their published sources. The transformed coefficients
 * (a, C, c, d, H) of the Rodas methods are those tabulated in OrdinaryDiffEq.jl's
 * {@code lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl} (SciML, MIT licence), which
 * takes them from the cited papers; Rosenbrock23 is derived here from its paper's formulas.
 */
public final class RosenbrockTableaus {
    private RosenbrockTableaus() {}

    /**
     * Shampine &amp; Reichelt, "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18 (1997) 1–22, §3
     * (MATLAB's ode23s): the L-stable order-2 W-method with its order-3 error estimate and its
     * free order-2 interpolant. With d = 1/(2 + √2) and e32 = 6 + √2 the paper's stages are
     * W k₁ = F₀ + hdT, W(k₂ − k₁) = F₁ − Mk₁, W k₃ = F₂ − e32(Mk₂ − F₁) − 2(Mk₁ − F₀) + hdT with
     * W = M − hdJ, u_new = u + hk₂, err = h/6 (k₁ − 2k₂ + k₃), u(θ) = u + h(θ(1−θ)k₁ + θ(θ−2d)k₂)/(1−2d).
     * In this class's variables (stages scaled to increments, K₁ = hd k₁, K₂ = hd(k₂ − k₁),
     * K₃ = hd k₃, W = M/(dh) − J) they become the coefficients below; F₂ is f(u_new), so the step is FSAL.
     */
    public static final RosenbrockTableau ROSENBROCK23;

    static {
        double d = 1.0 / (2.0 + Math.sqrt(2.0));
        double e32 = 6.0 + Math.sqrt(2.0);
        double[][] a = {{0, 0, 0}, {1 / (2 * d), 0, 0}, {1 / d, 1 / d, 0}};
        double[][] cm = {{0, 0, 0}, {-1 / d, 0, 0}, {-(e32 + 2) / d, -e32 / d, 0}};
        double[][] phi = {{1, 0, 0}, {0, 1, 0}, {2, e32, 1}};
        double[] c = {0, 0.5, 1};
        double[] dv = {d, 0, d};
        double[] m = {1 / d, 1 / d, 0};
        double[] e = {-1 / (6 * d), -2 / (6 * d), 1 / (6 * d)};
        RosenbrockTableau.Dense dense = (theta, out) -> {
            java.util.Arrays.fill(out, 0.0);
            out[0] = 1.0;
            out[2] = theta / d;
            out[3] = theta * (theta - 2 * d) / (d * (1 - 2 * d));
        };
        ROSENBROCK23 = new RosenbrockTableau("Rosenbrock23", 2, 3, d, a, cm, phi, c, dv, m, e, true, dense,
                "Shampine & Reichelt, The MATLAB ODE Suite, SIAM J. Sci. Comput. 18 (1997), ode23s");
    }

    /**
     * Hairer &amp; Wanner, Solving Ordinary Differential Equations II (2nd ed. 1996), §VI.4 and
     * their RODAS code (coefficient set 1): stiffly accurate, order 4 with an embedded order-3
     * estimate, γ = 1/4, and a dense output of order 3.
     */
    public static final RosenbrockTableau RODAS4 = RosenbrockTableau.rodas("Rodas4", 4, 3, 0.25,
            new double[][] {
                    {},
                    {1.544},
                    {0.9466785280815826, 0.2557011698983284},
                    {3.314825187068521, 2.896124015972201, 0.9986419139977817},
                    {1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950},
                    {1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950, 1}},
            new double[][] {
                    {},
                    {-5.6688},
                    {-2.430093356833875, -0.2063599157091915},
                    {-0.1073529058151375, -9.594562251023355, -20.47028614809616},
                    {7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160},
                    {8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054}},
            new double[] {0, 0.386, 0.21, 0.63, 1, 1},
            new double[] {0.25, -0.1043, 0.1035, -0.0362, 0, 0},
            new double[][] {
                    {10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662, 0},
                    {-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872, 0}},
            "Hairer & Wanner, Solving ODEs II (1996), RODAS; coefficients as tabulated in OrdinaryDiffEq.jl");

    /**
     * Steinebach, "Construction of Rosenbrock–Wanner method Rodas5P and numerical benchmarks
     * within the Julia Differential Equations package", BIT Numer. Math. 63, 27 (2023): stiffly
     * accurate, order 5 with an embedded order-4 estimate, 8 stages, γ ≈ 0.2119, and a dense
     * output of order 4 (three H rows); improved over Rodas5 on Prothero–Robinson and DAE tests.
     */
    public static final RosenbrockTableau RODAS5P = RosenbrockTableau.rodas("Rodas5P", 5, 4, 0.21193756319429014,
            new double[][] {
                    {},
                    {3.0},
                    {2.849394379747939, 0.45842242204463923},
                    {-6.954028509809101, 2.489845061869568, -10.358996098473584},
                    {2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641},
                    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946},
                    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1},
                    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1, 1}},
            new double[][] {
                    {},
                    {-14.155112264123755},
                    {-17.97296035885952, -2.859693295451294},
                    {147.12150275711716, -1.41221402718213, 71.68940251302358},
                    {165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306},
                    {24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471},
                    {30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662},
                    {37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627}},
            new double[] {0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1},
            new double[] {0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0, 0, 0},
            new double[][] {
                    {25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
                            1.1241088310450404, 0.4272876194431874, -0.17202221070155493},
                    {-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
                            15.98066361424651, -6.789040303419874, -6.710236069923372},
                    {11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
                            -59.78993625266729, -0.15582684282751913, 4.883087185713722}},
            "Steinebach, BIT Numer. Math. 63, 27 (2023); coefficients as tabulated in OrdinaryDiffEq.jl");
}
