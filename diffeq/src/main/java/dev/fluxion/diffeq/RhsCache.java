package dev.fluxion.diffeq;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.tensor.Tensor;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled versions of one right-hand side, per argument shapes, shared by every problem built
 * on the same function object (as JAX caches jit by function and shapes): a loss that builds a new
 * OdeProblem on each call still traces f once. A function that cannot be traced is remembered as
 * such and runs eagerly. Entries live as long as their function does (weak keys).
 */
final class RhsCache {
    private static final Object EAGER = new Object();
    private static final Map<OdeFunction, RhsCache> BY_FUNCTION = Collections.synchronizedMap(new WeakHashMap<>());

    private final OdeFunction f;
    private final ConcurrentHashMap<String, Object> compiled = new ConcurrentHashMap<>();

    private RhsCache(OdeFunction f) { this.f = f; }

    /** The cache of f, shared by every problem built on it. */
    static RhsCache of(OdeFunction f) {
        return BY_FUNCTION.computeIfAbsent(f, RhsCache::new);
    }

    OdeFunction function() { return f; }

    /** The last lookup, for the common case of the same shapes solve after solve. */
    private volatile Object[] last;

    /** f compiled for arguments shaped like u and p, or null when f cannot be traced (it then runs eagerly). */
    CompiledFunction compiled(Tensor u, Tensor p) {
        Object[] l = last;
        if (l != null && l[0].equals(u.shape()) && l[1].equals(p.shape())) return l[2] == EAGER ? null : (CompiledFunction) l[2];
        String key = u.shape() + "|" + p.shape();
        Object c = compiled.computeIfAbsent(key, k -> {
            CompiledFunction cf = Jit.tryCompile(a -> f.apply(a[0], a[1], a[2]), u.primal(), p.primal(), Tensor.scalar(0.0));
            return cf == null ? EAGER : cf;
        });
        last = new Object[] {u.shape(), p.shape(), c};
        return c == EAGER ? null : (CompiledFunction) c;
    }

    /** Whether f has been traced successfully for these shapes (for tests and diagnostics). */
    boolean isCompiled(Tensor u, Tensor p) {
        return compiled.get(u.shape() + "|" + p.shape()) instanceof CompiledFunction;
    }
}
