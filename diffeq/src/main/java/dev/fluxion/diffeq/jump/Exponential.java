package dev.fluxion.diffeq.jump;

import java.util.SplittableRandom;

/** Exponential(1) draws by inversion. */
final class Exponential {
    private Exponential() {}

    /** −log(U) with U uniform on (0, 1] (never log 0). */
    static double draw(SplittableRandom rng) {
        return -Math.log(1.0 - rng.nextDouble());
    }
}
