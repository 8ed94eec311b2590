package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.examples.SpiralData;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Flat;
import dev.fluxion.nn.Layer;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * Time to first gradient (issue 15), in a fresh JVM: the JVM's start to main(), then from main()
 * the first Lotka–Volterra loss gradient (the seed's: Σ over 0:0.1:10 of Σ (u − 1)², Tsit5 at
 * 1e-6, d/dp by the default sensealg), then the first spiral gradient (the main job's model and
 * solver, InterpolatingAdjoint), each split into the first plain solve and the first gradient
 * after it, with the classes loaded so far; and the same gradients again, for the warm cost beside
 * them. Run it once per JVM (with and without the launcher's class-data-sharing archive):
 *
 * <pre>java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.FirstGradient [lv|spiral]</pre>
 */
public final class FirstGradient {
    private FirstGradient() {}

    public static void main(String[] args) {
        long mainNs = System.nanoTime();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long toMain = System.currentTimeMillis() - jvmStart;   // ms from the JVM's start to here
        String which = args.length > 0 ? args[0] : "lv";
        System.out.printf("JVM start to main: %d ms; classes loaded at main: %d%n", toMain, classes());

        if (which.equals("lv") || which.equals("both")) {
            Tensor p = Tensor.of(2.2, 1.0, 2.0, 0.4);
            SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6);
            OdeProblem prob = LotkaVolterra.problem();
            TensorFunction loss = q -> prob.remake(q).solve(new Tsit5(), o).u().minus(1.0).square().sum();
            stage("LV first solve", mainNs, () -> loss.apply(p));
            stage("LV first gradient", mainNs, () -> AD.gradient(loss, p));
            stage("LV second gradient", mainNs, () -> AD.gradient(loss, p));
        }
        if (which.equals("spiral") || which.equals("both")) {
            SplittableRandom rng = new SplittableRandom(0);
            Chain model = Chain.of(Layer.of(x -> x.pow(3.0)), new Dense(2, 50, Activation.TANH, rng), new Dense(50, 2, Activation.IDENTITY, rng));
            NeuralODE node = new NeuralODE(model, 0.0, 1.5, new Tsit5(),
                    SolveOptions.defaults().saveat(SpiralData.times()).rtol(1e-7).atol(1e-9).sensealg(new InterpolatingAdjoint()));
            Tensor u0 = Tensor.of(2.0, 0.0), data = SpiralData.data();
            stage("spiral first solve", mainNs, () -> node.apply(u0));
            Flat flat = new Flat(model);
            Tensor theta = flat.flatten();
            TensorFunction loss = q -> node.apply(u0, flat.unflatten(q)).minus(data).square().sum();
            stage("spiral first gradient", mainNs, () -> AD.gradient(loss, theta));
            stage("spiral second gradient", mainNs, () -> AD.gradient(loss, theta));
        }
    }

    private static void stage(String name, long mainNs, Runnable r) {
        long s = System.nanoTime();
        r.run();
        long e = System.nanoTime();
        System.out.printf("%-24s %8.1f ms  (main + %7.1f ms; classes loaded: %d)%n", name, (e - s) / 1e6, (e - mainNs) / 1e6, classes());
    }

    private static long classes() {
        return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }
}
