package dev.fluxion.diffeq.jump;

import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.IntegratorState;
import dev.fluxion.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * One solve's constant-rate jumps by Gillespie's direct method (Gillespie 1977), run as an event
 * of the integrator: the next jump time is the time of the last change of the rates plus an
 * exponential draw with the total rate a₀ (memorylessness makes a redraw exact whenever a₀
 * changes, e.g. after another callback's jump); the step that passes it is truncated there, and
 * the jump is chosen with probability aⱼ/a₀ from the rates at that moment.
 */
final class DirectMethod implements Callback {
    private final List<ConstantRateJump> jumps;
    private final SplittableRandom rng;
    private final UnaryOperator<Tensor> view;          // the problem's state inside the integrator's
    private final BinaryOperator<Tensor> embed;        // (new problem state, integrator state) → new integrator state
    private double next = Double.NaN;                  // the pending jump time
    private double pendingRate = Double.NaN;           // a₀ it was drawn with
    private boolean redraw;

    DirectMethod(List<ConstantRateJump> jumps, SplittableRandom rng, UnaryOperator<Tensor> view, BinaryOperator<Tensor> embed) {
        this.jumps = jumps;
        this.rng = rng;
        this.view = view;
        this.embed = embed;
    }

    @Override public String toString() { return "ConstantRateJump (direct method)"; }

    private double[] rates(Tensor u, Tensor p, double t) {
        Tensor x = view.apply(u.primal());
        Tensor q = p == null ? null : p.primal();
        double[] a = new double[jumps.size()];
        for (int j = 0; j < a.length; j++) {
            Tensor r = jumps.get(j).rate().rate(x, q, Tensor.scalar(t));
            if (r == null || r.size() != 1) throw new IllegalArgumentException("the rate of jump " + j + " must be a scalar");
            a[j] = r.item();
            if (!(a[j] >= 0) || a[j] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("the rate of jump " + j + " is " + a[j] + " at t = " + t + " (rates must be finite and non-negative)");
            }
        }
        return a;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s;
    }

    private void draw(double t, double a0) {
        pendingRate = a0;
        next = a0 > 0 ? t + Exponential.draw(rng) / a0 : Double.POSITIVE_INFINITY;
    }

    @Override public double locate(IntegratorState s) {
        if (Double.isNaN(next)) draw(s.tPrev(), sum(rates(s.uPrev(), s.p(), s.tPrev())));
        return next > s.tPrev() && next <= s.t() ? next : Double.NaN;
    }

    @Override public void onEvent(IntegratorState s) {
        double t = s.t();
        double[] a = rates(s.u(), s.p(), t);
        double a0 = sum(a), pick = rng.nextDouble() * a0, acc = 0;
        int j = 0;
        while (j < a.length - 1 && (acc += a[j]) <= pick) j++;
        while (a[j] == 0 && j > 0) j--;   // rounding at the top end never picks a jump of rate 0
        Tensor x = view.apply(s.u());
        Tensor y = jumps.get(j).affect().apply(x, s.p(), Tensor.scalar(t));
        if (y == null) throw new IllegalArgumentException("the affect of jump " + j + " returned null");
        if (!y.shape().equals(x.shape())) {
            throw new IllegalArgumentException("the affect of jump " + j + " returned shape " + y.shape() + ", the state has shape " + x.shape());
        }
        s.setU(embed.apply(y, s.u()));
        redraw = true;
    }

    @Override public void afterStep(IntegratorState s) {
        double a0 = sum(rates(s.u(), s.p(), s.t()));
        if (redraw || a0 != pendingRate) draw(s.t(), a0);
        redraw = false;
    }
}
