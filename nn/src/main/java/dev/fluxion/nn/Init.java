package dev.fluxion.nn;

import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Parameter initialisation. Layers built without an explicit generator draw from a shared one,
 * seeded with 0 at start-up and reseedable with {@link #seed(long)} (Flux's global RNG and
 * Random.seed!), so a script is reproducible by default.
 */
public final class Init {
    private Init() {}

    private static RandomGenerator shared = new SplittableRandom(0);

    /** Reseeds the shared generator. */
    public static synchronized void seed(long seed) { shared = new SplittableRandom(seed); }

    /** The shared generator. */
    public static synchronized RandomGenerator shared() { return shared; }

    /**
     * Glorot (Xavier) uniform for a weight [out, in]: U(−a, a) with a = sqrt(6 / (in + out))
     * (Glorot & Bengio 2010; Flux's glorot_uniform).
     */
    public static Tensor glorotUniform(RandomGenerator rng, int out, int in) {
        double a = Math.sqrt(6.0 / (in + out));
        double[] d = new double[out * in];
        for (int i = 0; i < d.length; i++) d[i] = (2 * rng.nextDouble() - 1) * a;
        return Tensor.of(Shape.of(out, in), d);
    }
}
