package dev.fluxion.diffeq.ensemble;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Trajectories one after another on the caller's thread (DifferentialEquations.jl's
 * {@code EnsembleSerial()}): the reference semantics. Every AD mode records through it directly (a
 * reverse tape sees each trajectory's solve as it would a single solve).
 */
public final class EnsembleSerial implements EnsembleAlgorithm {
    public static final EnsembleSerial INSTANCE = new EnsembleSerial();

    @Override public <T> List<T> map(int n, IntFunction<T> body) {
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(body.apply(i));
        return out;
    }

    @Override public boolean onCallerThread() { return true; }

    @Override public String toString() { return "EnsembleSerial"; }
}
