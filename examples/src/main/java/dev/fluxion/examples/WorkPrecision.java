package dev.fluxion.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.BS3;
import dev.fluxion.diffeq.ode.DP5;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.ode.Vern7;
import dev.fluxion.diffeq.ode.Vern9;
import dev.fluxion.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Work-precision table of the adaptive methods against the SciPy references in the repository's
 * testdata/reference ({@link ReferenceData}): for each tolerance, the largest relative error over the saved points, the
 * f evaluations and the median time per solve (after warm-up). Written as Markdown.
 */
public final class WorkPrecision {
    private WorkPrecision() {}

    static JsonNode reference(String name) { return ReferenceData.load(name); }

    static double[] doubles(JsonNode n) { return ReferenceData.doubles(n); }

    /** Largest ||u_i − ref_i|| / ||ref_i|| over the saved points. */
    static double error(OdeSolution sol, JsonNode ref) {
        double worst = 0;
        for (int i = 0; i < ref.size(); i++) {
            double[] r = doubles(ref.get(i)), a = sol.u(i).toDoubleArray();
            double num = 0, den = 0;
            for (int j = 0; j < r.length; j++) {
                num += (a[j] - r[j]) * (a[j] - r[j]);
                den += r[j] * r[j];
            }
            worst = Math.max(worst, Math.sqrt(num / den));
        }
        return worst;
    }

    static double medianMicros(Runnable solve, int repeats) {
        for (int i = 0; i < repeats; i++) solve.run();
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            solve.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    public static String table(boolean timed) {
        JsonNode lv = reference("lotka_volterra.json"), lz = reference("lorenz.json");
        OdeProblem lvp = new OdeProblem(LotkaVolterra.F, Tensor.of(doubles(lv.get("u0"))), 0.0, 10.0, Tensor.of(doubles(lv.get("p"))));
        OdeProblem lzp = new OdeProblem(LorenzBacksolve.F, Tensor.of(doubles(lz.get("u0"))), 0.0, 5.0, Tensor.of(doubles(lz.get("p"))));
        double[] lvt = doubles(lv.get("t")), lzt = doubles(lz.get("t"));
        OdeAlgorithm[] algs = {new BS3(), new DP5(), new Tsit5(), new Vern7(), new Vern9()};
        double[] tols = {1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
        StringBuilder sb = new StringBuilder();
        sb.append("| method | rtol = atol | LV max rel. error | LV f evals").append(timed ? " | LV µs/solve" : "")
          .append(" | Lorenz (t ≤ 5) max rel. error | Lorenz f evals").append(timed ? " | Lorenz µs/solve" : "").append(" |\n");
        sb.append("| --- | --- | --- | --- |").append(timed ? " --- |" : "").append(" --- | --- |").append(timed ? " --- |" : "").append('\n');
        for (OdeAlgorithm alg : algs) {
            for (double tol : tols) {
                if (alg instanceof BS3 && tol < 1e-10) continue;   // a third-order method at 1e-12 takes ~10⁶ steps
                SolveOptions a = SolveOptions.defaults().saveat(lvt).rtol(tol).atol(tol);
                SolveOptions b = SolveOptions.defaults().saveat(lzt).rtol(tol).atol(tol);
                OdeSolution s1 = lvp.solve(alg, a), s2 = lzp.solve(alg, b);
                sb.append(String.format("| %s | %.0e | %.2e | %d", alg.name(), tol, error(s1, lv.get("u")), s1.stats().functionEvaluations()));
                if (timed) sb.append(String.format(" | %.1f", medianMicros(() -> lvp.solve(alg, a), 200)));
                sb.append(String.format(" | %.2e | %d", error(s2, lz.get("u")), s2.stats().functionEvaluations()));
                if (timed) sb.append(String.format(" | %.1f", medianMicros(() -> lzp.solve(alg, b), 100)));
                sb.append(" |\n");
            }
        }
        return sb.toString();
    }

    /** The page around the table when it is written to a file (docs/WORK_PRECISION.md). */
    static final String HEADER = """
            # Work-precision of the adaptive methods

            Each adaptive method solves Lotka–Volterra (p = [1.5, 1, 3, 1], u0 = [1, 1], saved at the 101
            points of 0:0.1:10) and Lorenz (σ = 10, ρ = 28, β = 8/3, u0 = [1, 0, 0], saved at the
            reference's points on [0, 5]) at rtol = atol from 1e-4 to 1e-12. The error is the largest
            relative error ‖u − ref‖ / ‖ref‖ over the saved points against SciPy's solutions at 1e-13 in
            `testdata/reference/lotka_volterra.json` and `lorenz.json`; f evals count every evaluation
            of the right-hand side, the initial-step probe included. µs/solve is the median of 200 (LV)
            or 100 (Lorenz) solves after as many warm-up solves in one JVM: a quick harness on a shared
            2-core machine, good to about ±20 %; the JMH figures, side by side with Hipparchus, are in
            [BENCHMARKS.md](BENCHMARKS.md). BS3 stops at 1e-10 (a third-order method needs ~10⁶ steps at 1e-12).

            Every method's error falls as its tolerance falls (the examples module's `ExamplesSpec`
            checks this on every run). At tight tolerances (from 1e-10 on Lotka–Volterra, from 1e-8 on
            Lorenz) the higher-order methods Vern7 and Vern9 are both more accurate and cheaper than the
            fifth-order ones.

            Regenerate (from the repository root):

            ```sh
            mvn -q -pl examples -am package -DskipTests
            java -cp examples/target/benchmarks.jar dev.fluxion.examples.WorkPrecision --output docs/WORK_PRECISION.md
            ```

            """;

    public static void main(String[] argv) {
        Args a = new Args(argv);
        String t = table(!a.has("untimed"));
        System.out.print(t);
        if (a.has("output")) {
            try {
                Files.writeString(Path.of(a.get("output", "")), HEADER + t);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
