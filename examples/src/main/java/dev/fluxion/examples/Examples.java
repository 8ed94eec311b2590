package dev.fluxion.examples;

import java.util.Arrays;

/** Runs an example by name: ./fluxion example NAME [options]. */
public final class Examples {
    private Examples() {}

    public static void main(String[] argv) {
        if (argv.length == 0) {
            System.out.println("examples: spiral, lotka-volterra, lv-fit, ude, lorenz, rober, bouncing-ball, dosing, birth-death, sde-lv, neural-sde, java-demo");
            return;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        switch (argv[0]) {
            case "spiral" -> Spiral.main(rest);
            case "lotka-volterra", "lv" -> LotkaVolterra.main(rest);
            case "lv-fit", "lotka-volterra-fit" -> LotkaVolterraFit.main(rest);
            case "ude" -> UniversalOde.main(rest);
            case "lorenz" -> LorenzBacksolve.main(rest);
            case "rober", "robertson" -> Robertson.main(rest);
            case "bouncing-ball", "ball" -> BouncingBall.main(rest);
            case "dosing" -> Dosing.main(rest);
            case "birth-death" -> BirthDeath.main(rest);
            case "sde-lv", "stochastic-lotka-volterra" -> StochasticLotkaVolterra.main(rest);
            case "neural-sde" -> NeuralSdeSpiral.main(rest);
            case "java-demo", "java" -> JavaDemo.main(rest);
            // a measurement rather than a demo (docs/BENCHMARKS.md, "Time to first gradient"): through the launcher, as users start jobs
            case "first-gradient" -> dev.fluxion.examples.bench.FirstGradient.main(rest);
            default -> {
                System.err.println("unknown example '" + argv[0] + "'; examples: spiral, lotka-volterra, lv-fit, ude, lorenz, rober, bouncing-ball, dosing, birth-death, sde-lv, neural-sde, java-demo");
                System.exit(2);
            }
        }
    }
}
