package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.diffeq.events.EventFunction;
import dev.fluxion.diffeq.events.EventRecord;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * The jump of the adjoint state at an event, for the continuous adjoints (derived here; the same
 * result as Stapor, Fröhlich & Hasenauer 2018, "Optimization and profile calculation of ODE models
 * using second order adjoint sensitivity analysis", eq. 10, and Corner, Sandu et al. 2019).
 *
 * <p>At the event the state jumps, u⁺ = a(u⁻, p, t*), and t* is where g(u⁻(t*), p, t*) = 0. Vary
 * the inputs: δu is the variation of the trajectory before the event at the fixed time t*, so by
 * the implicit function theorem δt* = −(g_u·δu + g_p·δp)/ġ with ġ = g_u·f⁻ + g_t, f∓ = f(u∓, p, t*).
 * The trajectory after the event, read at the fixed time t*, moves by
 * <pre>  δu⁺ = a_u·δu + a_p·δp + (a_u·f⁻ + a_t − f⁺)·δt*</pre>
 * (its start moves with t*, and it has run for −δt* less). The saved state before the jump is the
 * state at the event and moves by δu + f⁻·δt*. With λ⁺ the adjoint arriving from after the event
 * and c⁻ the loss's cotangent of that saved state, L's variation λ⁺ᵀδu⁺ + c⁻ᵀ(δu + f⁻δt*) is
 * λ⁻ᵀδu + (Δμ)ᵀδp with
 * <pre>  s  = [λ⁺ᵀ(f⁺ − a_u·f⁻ − a_t) − c⁻ᵀf⁻] / ġ
 *  λ⁻ = a_uᵀλ⁺ + c⁻ + s·g_uᵀ
 *  Δμ = a_pᵀλ⁺ + s·g_pᵀ</pre>
 * The first term of s is the saltation (the change of f across the event), the second moves the
 * saved state with t* (a terminating event's last state). An event at a time that does not depend
 * on the state (a preset time, a step end) has no g: λ⁻ = a_uᵀλ⁺ + c⁻, Δμ = a_pᵀλ⁺. An event that
 * only terminates has a = identity. This is exactly what {@code events.EventLocator}'s Newton
 * correction makes a reverse tape record; EventAdjointSpec holds the two equal.
 */
final class EventJump {
    private EventJump() {}

    /**
     * Replaces lambda (λ⁺ on entry, λ⁻ on return) and adds Δμ to mu, for the event r; cMinus is
     * the cotangent of the saved state before the jump (zeros when none was saved).
     */
    static void apply(OdeTerm term, Tensor p, Shape shape, EventRecord r, double[] lambda, double[] mu, double[] cMinus) {
        Tensor um = Tensor.unsafeWrap(shape, r.uMinus().clone());
        Tensor t = Tensor.scalar(r.t());
        Tensor lam = Tensor.unsafeWrap(shape, lambda.clone());
        Tensor fm = term.evaluate(um, p, t).reshape(shape);
        EventFunction a = r.affect();
        double[] newLambda, muAdd;
        Tensor aDot = fm;   // a_u·f⁻ + a_t (the identity's is f⁻)
        if (a == null) {
            newLambda = lambda.clone();
            muAdd = new double[mu.length];
        } else {
            Tensor[] v = AD.vjps(xs -> a.apply(xs[0], xs[1], xs[2]).reshape(shape), lam, um, p, t);
            newLambda = v[0].toDoubleArray();
            muAdd = v[1].toDoubleArray();
            if (r.locatedByCondition()) {
                aDot = AD.jvp(d -> a.apply(um.plus(fm.times(d)), p, t.plus(d)).reshape(shape), Tensor.scalar(0.0), Tensor.scalar(1.0));
            }
        }
        for (int i = 0; i < newLambda.length; i++) newLambda[i] += cMinus[i];
        if (r.locatedByCondition()) {
            int k = r.index();
            EventFunction g = r.condition();
            Tensor[] dg = AD.gradients(xs -> g.apply(xs[0], xs[1], xs[2]).reshape(-1).get(k), um, p, t);
            double[] gu = dg[0].toDoubleArray(), gp = dg[1].toDoubleArray();
            double[] f = fm.toDoubleArray(), ad = aDot.toDoubleArray();
            double[] fp = a == null ? f : term.evaluate(Tensor.unsafeWrap(shape, r.uPlus().clone()), p, t).toDoubleArray();
            double gdot = dg[2].item(), num = 0;
            for (int i = 0; i < f.length; i++) {
                gdot += gu[i] * f[i];
                num += lambda[i] * (fp[i] - ad[i]) - cMinus[i] * f[i];
            }
            // ġ = 0 (a grazing crossing): t* has no derivative; the tape skips its correction the same way
            if (gdot != 0 && Double.isFinite(gdot)) {
                double s = num / gdot;
                for (int i = 0; i < gu.length; i++) newLambda[i] += s * gu[i];
                for (int i = 0; i < gp.length; i++) muAdd[i] += s * gp[i];
            }
        }
        System.arraycopy(newLambda, 0, lambda, 0, lambda.length);
        for (int i = 0; i < mu.length; i++) mu[i] += muAdd[i];
    }
}
