package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The increment the stochastic adjoint integrates, b̃(z) dt + σ(z)∘dW (the Stratonovich drift,
 * Itô-corrected where the method is Itô, and the noise in the problem's form), as one function of
 * (z, p, t, dt, dW), and its compiled value-and-VJP program: one run gives the increment and
 * aᵀ∂/∂z, aᵀ∂/∂p of it, the Itô correction's second derivatives included (the correction's
 * forward-mode Jacobian of σ is traced into the program like any other op). This puts the adjoint's
 * backward solve on flat arrays, as the ODE adjoints run f's compiled VJP, instead of recording a
 * tape (with a nested forward pass for the correction) at every backward evaluation.
 *
 * <p>Programs are shared by every solve of the same drift and diffusion function objects and
 * shapes, held weakly (as {@code OdeTerm} and {@link DiffusionTerm} hold theirs).
 */
final class SdeAdjointIncrement {
    private static final Object EAGER = new Object();
    private static final Map<DiffusionFunction, Map<OdeFunction, ConcurrentHashMap<String, Object>>> BY_FUNCTIONS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private SdeAdjointIncrement() {}

    /** b̃(z) dt + σ(z)∘dW with dW of the path's m channels: the eager definition the program is traced from. */
    static Tensor increment(OdeTerm drift, DiffusionTerm diffusion, boolean stratonovich, Tensor z, Tensor p, Tensor tau,
                            Tensor dt, Tensor dW) {
        Tensor b = drift.evaluate(z, p, tau);
        Tensor sig = diffusion.evaluate(z, p, tau);
        if (!stratonovich) b = b.minus(itoCorrection(diffusion, z, p, tau, sig));
        Tensor noise = switch (diffusion.noise()) {
            case DIAGONAL -> sig.times(dW.reshape(z.shape()));
            case SCALAR -> sig.times(dW.reshape(Shape.of()));
            case GENERAL -> sig.matmul(dW).reshape(z.shape());
        };
        return b.times(dt).plus(noise);
    }

    /** ½ Σₖ (∂σₖ/∂z) σₖ, the Itô-to-Stratonovich drift correction (Li et al. 2020, eq. for b̃), in differentiable ops. */
    static Tensor itoCorrection(DiffusionTerm diffusion, Tensor z, Tensor p, Tensor tt, Tensor sig) {
        int nn = z.size();
        return switch (diffusion.noise()) {
            case SCALAR -> AD.jvp(x -> diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn), z.reshape(nn), sig.reshape(nn))
                    .reshape(z.shape()).times(0.5);
            case DIAGONAL -> {
                Tensor j = AD.jacobian(x -> diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn), z.reshape(nn));
                yield j.times(Tensor.eye(nn)).sum(1).reshape(z.shape()).times(sig).times(0.5);
            }
            case GENERAL -> {
                int m = sig.shape().dim(1);
                Tensor j = AD.jacobian(x -> diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn * m), z.reshape(nn))
                        .reshape(nn, m, nn);
                yield j.times(sig.transpose().reshape(1, m, nn)).sum(2).sum(1).reshape(z.shape()).times(0.5);
            }
        };
    }

    /**
     * The increment compiled for (z, p, t, dt, dW) shaped like u, p, scalars and [m], or null when
     * it cannot be traced (the adjoint then records it eagerly).
     */
    static CompiledFunction compiled(OdeTerm drift, DiffusionTerm diffusion, boolean stratonovich, Tensor u, Tensor p, int m) {
        OdeFunction f = drift.function();
        DiffusionFunction g = diffusion.function();
        NoiseKind noise = diffusion.noise();
        Map<OdeFunction, ConcurrentHashMap<String, Object>> byDrift;
        synchronized (BY_FUNCTIONS) {
            byDrift = BY_FUNCTIONS.computeIfAbsent(g, k -> Collections.synchronizedMap(new WeakHashMap<>()));
        }
        ConcurrentHashMap<String, Object> cache = byDrift.computeIfAbsent(f, k -> new ConcurrentHashMap<>());
        Shape us = u.shape();
        String key = noise + "/" + m + "|" + stratonovich + "|" + us + "|" + p.shape();
        WeakReference<OdeFunction> fr = new WeakReference<>(f);
        WeakReference<DiffusionFunction> gr = new WeakReference<>(g);
        Object c = cache.computeIfAbsent(key, k -> {
            CompiledFunction cf = Jit.tryCompile(a -> {
                OdeFunction fn = fr.get();
                DiffusionFunction gn = gr.get();
                if (fn == null || gn == null) throw new IllegalStateException("the drift or diffusion was collected");
                return increment(OdeTerm.of(fn), new DiffusionTerm(gn, noise, m), stratonovich, a[0], a[1], a[2], a[3], a[4]);
            }, u.primal(), p.primal(), Tensor.scalar(0.0), Tensor.scalar(0.0), Tensor.zeros(Shape.of(m)));
            return cf == null ? EAGER : cf;
        });
        return c == EAGER ? null : (CompiledFunction) c;
    }
}
