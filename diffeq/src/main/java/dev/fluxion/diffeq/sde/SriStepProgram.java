package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One whole step of an SRI method (Rößler 2010; diagonal or scalar noise) traced into a compiled
 * function of (u, p, t, h, √h, w, χ₁, χ₂, χ₃), w = ΔW, χ₁ = I₍₁,₁₎/√h, χ₂ = I₍₁,₀₎/h and
 * χ₃ = I₍₁,₁,₁₎/h per component, to u'. It is traced once per f, g, tableau and shapes from the problem's own functions,
 * with the tableau's structural zeros skipped and every sum in {@link SriStepper}'s order
 * (attemptDense4 for SOSRI, the generic attempt otherwise: stage inputs term by term, the update's
 * noise terms grouped by increment), so it computes the stepper's numbers. Its VJP program
 * ({@link SriStepVjp}) does a step's reverse pass in one call for ReverseTape's discrete adjoint.
 *
 * <p>Its JVP program on ForwardDuals' four lanes (with the error estimate as a second output) was
 * tried for the lane solve and dropped: generated whole it is split over three methods and cost
 * 1.09× the per-stage lane step's CPU (SdeAB, LV SDE, 2026-12-03), whose Java loops over the
 * 1 + K lanes are already tight; the reverse pass gains because it replaces eight calls with
 * scalar sums between them, not loops.
 */
final class SriStepProgram {
    private SriStepProgram() {}

    private static final Object NONE = new Object();
    /** Per f, then per g (both held weakly, as the terms' own program caches hold them): the step functions by tableau and shapes. */
    private static final Map<OdeFunction, Map<DiffusionFunction, ConcurrentHashMap<String, Object>>> CACHE =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** The step function for spec's f, g and shapes, or null for general noise or an f or g that cannot be traced. */
    static CompiledFunction of(SdeSpec spec, SriTableau tab) {
        NoiseKind noise = spec.diffusion.noise();
        if (noise == NoiseKind.GENERAL) return null;
        Tensor u0 = spec.u0.primal(), p = spec.p.primal();
        Map<DiffusionFunction, ConcurrentHashMap<String, Object>> byG =
                CACHE.computeIfAbsent(spec.drift.function(), k -> Collections.synchronizedMap(new WeakHashMap<>()));
        ConcurrentHashMap<String, Object> programs = byG.computeIfAbsent(spec.diffusion.function(), k -> new ConcurrentHashMap<>());
        String key = tab.name + "|" + noise + "|" + u0.shape() + "|" + p.shape();
        Object c = programs.computeIfAbsent(key, k -> {
            CompiledFunction cf = compile(spec.drift.function(), spec.diffusion.function(), noise, tab, u0, p);
            return cf == null ? NONE : cf;
        });
        return c == NONE ? null : (CompiledFunction) c;
    }

    private static CompiledFunction compile(OdeFunction f, DiffusionFunction g, NoiseKind noise, SriTableau tab,
                                            Tensor u0, Tensor p) {
        // the program keeps this lambda to derive its JVP and VJP programs; it reaches f and g only
        // weakly, so the cache never keeps them alive (whoever solves holds them)
        WeakReference<OdeFunction> fr = new WeakReference<>(f);
        WeakReference<DiffusionFunction> gr = new WeakReference<>(g);
        int s = tab.stages();
        Tensor scalar = Tensor.scalar(0.01), z = Tensor.zeros(u0.shape());
        return Jit.tryCompile(a -> {
            OdeFunction fn = fr.get();
            DiffusionFunction gn = gr.get();
            if (fn == null || gn == null) throw new IllegalStateException("the drift or diffusion was collected");
            OdeTerm ft = OdeTerm.of(fn);
            DiffusionTerm gt = new DiffusionTerm(gn, noise, 0);
            Tensor u = a[0], q = a[1], t = a[2], h = a[3], sq = a[4];
            Tensor[] xs = {a[5], a[6], a[7], a[8]};
            Tensor[] fs = new Tensor[s], gs = new Tensor[s];
            for (int i = 0; i < s; i++) {
                // H⁰ᵢ = u + Σ (h A⁰ᵢⱼ) Fⱼ + (Σ B⁰ᵢⱼ Gⱼ) χ₂, H¹ᵢ = u + Σ (h A¹ᵢⱼ) Fⱼ + Σ (√h B¹ᵢⱼ) Gⱼ
                Tensor h0 = u, h1 = u;
                for (int j = 0; j < i; j++) if (tab.a0[i][j] != 0.0) h0 = h0.plus(fs[j].times(h.times(tab.a0[i][j])));
                Tensor b = weighted(tab.b0[i], gs, i);
                if (b != null) h0 = h0.plus(b.times(xs[2]));
                for (int j = 0; j < i; j++) if (tab.a1[i][j] != 0.0) h1 = h1.plus(fs[j].times(h.times(tab.a1[i][j])));
                for (int j = 0; j < i; j++) if (tab.b1[i][j] != 0.0) h1 = h1.plus(gs[j].times(sq.times(tab.b1[i][j])));
                fs[i] = ft.evaluate(h0, q, t.plus(h.times(tab.c0[i])));
                gs[i] = gt.evaluate(h1, q, t.plus(h.times(tab.c1[i])));
            }
            // u' = u + Σ (h αᵢ) Fᵢ + (Σ β¹ᵢ Gᵢ) w + (Σ β²ᵢ Gᵢ) χ₁ + (Σ β³ᵢ Gᵢ) χ₂ + (Σ β⁴ᵢ Gᵢ) χ₃
            Tensor unew = u;
            for (int i = 0; i < s; i++) if (tab.alpha[i] != 0.0) unew = unew.plus(fs[i].times(h.times(tab.alpha[i])));
            double[][] betas = {tab.beta1, tab.beta2, tab.beta3, tab.beta4};
            for (int m = 0; m < 4; m++) {
                Tensor b = weighted(betas[m], gs, s);
                if (b != null) unew = unew.plus(b.times(xs[m]));
            }
            return unew;
        }, z, p, scalar, scalar, scalar, z, z, z, z);
    }

    /** Σ c_j x_j over the nonzero c_j among the first count, in order (x_j c_j), or null when all are zero. */
    private static Tensor weighted(double[] c, Tensor[] xs, int count) {
        Tensor acc = null;
        for (int j = 0; j < count; j++) {
            if (c[j] == 0.0) continue;
            Tensor term = xs[j].times(c[j]);
            acc = acc == null ? term : acc.plus(term);
        }
        return acc;
    }
}
