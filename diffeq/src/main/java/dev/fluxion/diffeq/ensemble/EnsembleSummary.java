package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.DESolution;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Statistics of an ensemble over time on a common time grid (DifferentialEquations.jl's
 * {@code EnsembleSummary} and {@code timeseries_steps_meanvar}): the mean, the variance (with
 * Bessel's correction, n − 1, as Julia's {@code var}) and quantiles of each state component at each
 * time. The mean and variance are tensor ops over the trajectories' states, so a loss written on
 * them (matching an ensemble's spread to data) is differentiable; quantiles are computed on values
 * (Hyndman and Fan's definition 7, linear interpolation between order statistics, the default of
 * Julia's {@code quantile} and of R).
 */
public final class EnsembleSummary {
    private final double[] t;
    private final Tensor stacked;     // [n, nt, ...state]
    private final double qlow;
    private final double qhigh;
    private Tensor mean;
    private Tensor variance;

    private EnsembleSummary(double[] t, Tensor stacked, double qlow, double qhigh) {
        checkQuantile(qlow);
        checkQuantile(qhigh);
        this.t = t;
        this.stacked = stacked;
        this.qlow = qlow;
        this.qhigh = qhigh;
    }

    /** Over the solutions' saved times, which must be the same for every solution (solve with saveat). */
    public static EnsembleSummary of(List<? extends DESolution> sols) {
        if (sols == null || sols.isEmpty()) throw new IllegalArgumentException("EnsembleSummary needs at least one solution");
        double[] t = sols.get(0).t();
        List<Tensor> series = new ArrayList<>(sols.size());
        for (int i = 0; i < sols.size(); i++) {
            DESolution s = sols.get(i);
            if (!Arrays.equals(s.t(), t)) {
                throw new IllegalArgumentException("EnsembleSummary: solution " + i + " saved other times than solution 0; solve with "
                        + "SolveOptions.saveat(...) for a common grid, or give the times: EnsembleSummary.of(sols, times)");
            }
            series.add(s.u());
        }
        return ofSeries(t, series);
    }

    /** At the given times, each solution evaluated by its interpolant ({@code sol.at(t)}). */
    public static EnsembleSummary of(List<? extends DESolution> sols, double... times) {
        if (sols == null || sols.isEmpty()) throw new IllegalArgumentException("EnsembleSummary needs at least one solution");
        if (times == null || times.length == 0) throw new IllegalArgumentException("EnsembleSummary: no times given");
        List<Tensor> series = new ArrayList<>(sols.size());
        for (DESolution s : sols) {
            Tensor[] at = new Tensor[times.length];
            for (int k = 0; k < times.length; k++) at[k] = s.at(times[k]);
            series.add(Tensor.stack(0, at));
        }
        return ofSeries(times.clone(), series);
    }

    /** Of the series [nt, ...state] of each trajectory (outputs such as sol.u()) at times t. */
    public static EnsembleSummary ofSeries(double[] t, List<Tensor> series) {
        if (series == null || series.isEmpty()) throw new IllegalArgumentException("EnsembleSummary needs at least one series");
        Shape first = series.get(0).shape();
        if (first.rank() < 1 || first.dim(0) != t.length) {
            throw new IllegalArgumentException("EnsembleSummary: a series must have shape [nt, ...] with nt = " + t.length
                    + " (the number of times), got " + first);
        }
        for (int i = 1; i < series.size(); i++) {
            if (!series.get(i).shape().equals(first)) {
                throw new IllegalArgumentException("EnsembleSummary: series " + i + " has shape " + series.get(i).shape()
                        + ", series 0 has " + first);
            }
        }
        return new EnsembleSummary(t.clone(), Tensor.stack(0, series.toArray(new Tensor[0])), 0.05, 0.95);
    }

    /** The same summary with other quantiles for the band (DifferentialEquations.jl's defaults: 0.05 and 0.95). */
    public EnsembleSummary withQuantiles(double low, double high) {
        return new EnsembleSummary(t, stacked, low, high);
    }

    private static void checkQuantile(double q) {
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("a quantile must lie in [0, 1], got " + q);
    }

    public double[] t() { return t.clone(); }

    /** Number of trajectories. */
    public int trajectories() { return stacked.dim(0); }

    /** The mean over trajectories, [nt, ...state]. */
    public Tensor mean() {
        if (mean == null) mean = stacked.mean(0);
        return mean;
    }

    /** The sample variance over trajectories (divided by n − 1; NaN for one trajectory), [nt, ...state]. */
    public Tensor variance() {
        if (variance == null) variance = stacked.minus(mean()).square().sum(0).div(trajectories() - 1.0);
        return variance;
    }

    /** The sample standard deviation, [nt, ...state]. */
    public Tensor std() { return variance().sqrt(); }

    /** The lower quantile of the band, [nt, ...state]. */
    public Tensor qlow() { return quantile(qlow); }

    /** The upper quantile of the band, [nt, ...state]. */
    public Tensor qhigh() { return quantile(qhigh); }

    public double lowQuantileLevel() { return qlow; }

    public double highQuantileLevel() { return qhigh; }

    /**
     * The q-quantile over trajectories at each time and component (definition 7: h = (n − 1) q,
     * x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) on the sorted values), of the values only.
     */
    public Tensor quantile(double q) {
        checkQuantile(q);
        int n = trajectories();
        double[] all = stacked.primal().unsafeData();
        int m = all.length / n;
        double[] out = new double[m];
        double[] col = new double[n];
        double h = (n - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, n - 1);
        double w = h - lo;
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < n; i++) col[i] = all[i * m + j];
            Arrays.sort(col);
            out[j] = w == 0 ? col[lo] : col[lo] + w * (col[hi] - col[lo]);
        }
        return Tensor.unsafeWrap(stacked.shape().dropFirst(), out);
    }
}
