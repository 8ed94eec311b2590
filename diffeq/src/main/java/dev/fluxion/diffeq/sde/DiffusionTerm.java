package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The diffusion of an SDE as a stepper evaluates it (diffrax's {@code ControlTerm}): g with its noise
 * kind and number of Wiener processes, checked shapes, and compiled programs shared by every term of
 * the same function object (held weakly, as {@code OdeTerm} holds f).
 */
public final class DiffusionTerm {
    private static final Object EAGER = new Object();
    private static final Map<DiffusionFunction, ConcurrentHashMap<String, Object>> BY_FUNCTION =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final DiffusionFunction g;
    private final NoiseKind noise;
    /** Number of Wiener processes for general noise (0 until known: read from g's result). */
    private final int channels;

    DiffusionTerm(DiffusionFunction g, NoiseKind noise, int channels) {
        if (g == null) throw new IllegalArgumentException("the diffusion g is null: an SDE problem needs g(u, p, t)");
        if (noise == null) throw new IllegalArgumentException("the noise kind is null");
        if (noise == NoiseKind.GENERAL && channels < 1) {
            throw new IllegalArgumentException("general noise needs the number of Wiener processes m >= 1, got " + channels);
        }
        this.g = g;
        this.noise = noise;
        this.channels = channels;
    }

    public DiffusionFunction function() { return g; }

    public NoiseKind noise() { return noise; }

    /** Wiener processes driving a state of n components: n (diagonal), 1 (scalar) or m (general). */
    public int channels(int n) {
        return switch (noise) {
            case DIAGONAL -> n;
            case SCALAR -> 1;
            case GENERAL -> channels;
        };
    }

    /** The shape g must return for a state of shape u. */
    public Shape expectedShape(Shape u) {
        return noise == NoiseKind.GENERAL ? Shape.of(u.size(), channels) : u;
    }

    /** g(u, p, t), checked: a result of the wrong shape is an error naming g, the noise kind and the time. */
    public Tensor evaluate(Tensor u, Tensor p, Tensor t) {
        return checked(g.apply(u, p, t), u.shape(), t);
    }

    Tensor checked(Tensor r, Shape u, Tensor t) {
        Shape want = expectedShape(u);
        if (r == null || !r.shape().equals(want)) {
            throw wrongShape(r == null ? "null" : r.shape().toString(), u, want,
                    t.isConcrete() ? Double.toString(t.primal().valueAt(0)) : "(traced)");
        }
        return r;
    }

    private IllegalArgumentException wrongShape(String got, Shape u, Shape want, String t) {
        String rule = switch (noise) {
            case DIAGONAL -> "for diagonal noise (the default) g must return the shape of u";
            case SCALAR -> "for scalar noise g must return the shape of u";
            case GENERAL -> "for general noise with m = " + channels + " Wiener processes g must return [n, m]";
        };
        return new IllegalArgumentException("the diffusion g returned " + got + " at t = " + t + " for a state of shape " + u
                + "; " + rule + " = " + want + " (choose the noise with SdeProblem.withNoise)");
    }

    /** g compiled for arguments shaped like u and p, or null when it cannot be traced (it then runs eagerly). */
    public CompiledFunction compiled(Tensor u, Tensor p) {
        ConcurrentHashMap<String, Object> cache = BY_FUNCTION.computeIfAbsent(g, k -> new ConcurrentHashMap<>());
        Shape us = u.shape();
        String key = noise + "/" + channels + "|" + us + "|" + p.shape();
        WeakReference<DiffusionFunction> ref = new WeakReference<>(g);
        Object c = cache.computeIfAbsent(key, k -> {
            CompiledFunction cf = Jit.tryCompile(a -> {
                DiffusionFunction fn = ref.get();
                if (fn == null) throw new IllegalStateException("the diffusion was collected");
                return checked(fn.apply(a[0], a[1], a[2]), us, a[2]);
            }, u.primal(), p.primal(), Tensor.scalar(0.0));
            return cf == null ? EAGER : cf;
        });
        return c == EAGER ? null : (CompiledFunction) c;
    }
}
