package dev.fluxion.diffeq.sensitivity;

/**
 * Gauss–Legendre rules on [−1, 1] with 1 to 5 nodes (Abramowitz &amp; Stegun, Table 25.4; the nodes
 * are the roots of P_ν, exact for polynomials of degree 2ν − 1). The adjoints integrate the
 * parameter gradient μ = ∫ λᵀ ∂f/∂p dt over each accepted backward step with one rule whose
 * degree matches the method's order (SciMLSensitivity's GaussAdjoint integrates on each step in
 * the same way): ν evaluations of λᵀ∂f/∂p per step, none for error control, since the step is
 * already controlled for λ to the solve's tolerance.
 */
final class GaussLegendre {
    private static final double[][] NODES = {
        {0.0},
        {-0.577350269189625764509148780502, 0.577350269189625764509148780502},
        {-0.774596669241483377035853079956, 0.0, 0.774596669241483377035853079956},
        {-0.861136311594052575223946488893, -0.339981043584856264802665759103,
          0.339981043584856264802665759103, 0.861136311594052575223946488893},
        {-0.906179845938663992797626878299, -0.538469310105683091036314420700, 0.0,
          0.538469310105683091036314420700, 0.906179845938663992797626878299},
    };
    private static final double[][] WEIGHTS = {
        {2.0},
        {1.0, 1.0},
        {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0},
        {0.347854845137453857373063949222, 0.652145154862546142626936050778,
          0.652145154862546142626936050778, 0.347854845137453857373063949222},
        {0.236926885056189087514264040720, 0.478628670499366468041291514836, 128.0 / 225.0,
          0.478628670499366468041291514836, 0.236926885056189087514264040720},
    };

    private final double[] x, w;

    private GaussLegendre(int nodes) {
        this.x = NODES[nodes - 1];
        this.w = WEIGHTS[nodes - 1];
    }

    /** The rule of fewest nodes whose degree of exactness 2ν − 1 reaches a method's order q (at most 5 nodes). */
    static GaussLegendre forOrder(int order) {
        int nodes = Math.max(1, Math.min(5, (order + 2) / 2));
        return new GaussLegendre(nodes);
    }

    int nodes() { return x.length; }

    /** Node i mapped to [a, b]. */
    double node(int i, double a, double b) { return 0.5 * (a + b) + 0.5 * (b - a) * x[i]; }

    /** Weight i scaled to [a, b] (signed: negative when b &lt; a). */
    double weight(int i, double a, double b) { return 0.5 * (b - a) * w[i]; }
}
