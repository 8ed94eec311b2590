package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;

/**
 * The accuracy beside {@link GradientBench}'s timings: for each sensitivity method, the Lotka–Volterra
 * gradient at rtol = atol = 1e-6 against the reference of docs/PEERS.md (forward sensitivities at
 * 1e-12; every printed digit agrees with testdata/reference/lotka_volterra_gradient.json), as the peers'
 * table reports it (largest relative error over d/dp), and the same for the JVM peer, Hipparchus's
 * VariationalEquation through DormandPrince54 at 1e-6.
 */
public final class GradientReport {
    private GradientReport() {}

    /** d/dp of the loss at p = [2.2, 1, 2, 0.4], forward sensitivities at 1e-12. */
    static final double[] REFERENCE = {601.34536375, -3491.26113668, 4808.88725654, -30427.98634055};

    public static void main(String[] args) {
        System.out.println("| sensealg | loss | dL/dp | max rel. error |");
        System.out.println("| --- | ---: | --- | ---: |");
        for (String m : new String[] {"ForwardDuals", "ForwardSensitivity", "ReverseTape", "BacksolveAdjoint",
                "InterpolatingAdjoint", "InterpolatingAdjoint.dense", "QuadratureAdjoint"}) {
            GradientBench.LotkaVolterraLoss s = new GradientBench.LotkaVolterraLoss();
            s.method = m;
            s.setUp();
            row(m, s.loss.apply(s.p).item(), AD.gradient(s.loss, s.p).toDoubleArray());
        }
        double[] h = GradientBench.HipparchusLotkaVolterra.gradient(1e-6);
        row("Hipparchus VariationalEquation, DP54", h[0], java.util.Arrays.copyOfRange(h, 1, h.length));
        System.out.printf("| reference (forward sensitivities, 1e-12) | | [%.4f, %.4f, %.4f, %.4f] | |%n",
                REFERENCE[0], REFERENCE[1], REFERENCE[2], REFERENCE[3]);
    }

    private static void row(String m, double loss, double[] g) {
        double worst = 0;
        StringBuilder gs = new StringBuilder();
        for (int i = 0; i < g.length; i++) {
            worst = Math.max(worst, Math.abs(g[i] - REFERENCE[i]) / Math.abs(REFERENCE[i]));
            gs.append(i == 0 ? "" : ", ").append(String.format("%.4f", g[i]));
        }
        System.out.printf("| %s | %.6f | [%s] | %.1e |%n", m, loss, gs, worst);
    }
}
