package dev.fluxion.diffeq;

import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * The result of a solve: saved times and states, dense output, a return code and statistics.
 * States are tensors of the kind the solve ran on, so {@link #u()} is differentiable with respect
 * to whatever u0 and p were differentiated against.
 */
public final class OdeSolution implements DESolution {
    private final double[] t;
    private final List<Tensor> us;
    private final ReturnCode retcode;
    private final SolverStats stats;
    private final DenseOutput<?, ?> dense;
    private Tensor stacked;
    private SensitivityAlgorithm sensealg;
    private double lastStep = Double.NaN;
    private double nextStep = Double.NaN;

    public OdeSolution(double[] t, List<Tensor> us, ReturnCode retcode, SolverStats stats, DenseOutput<?, ?> dense) {
        this(t, us, null, retcode, stats, dense);
    }

    /**
     * A solution whose stacked series is already one tensor (a solve differentiated as one op). With
     * the series given, us is kept as a read-only view, not copied (the caller hands it over and
     * does not change it): its rows may be slices of the series taken on first use.
     */
    public OdeSolution(double[] t, List<Tensor> us, Tensor stacked, ReturnCode retcode, SolverStats stats, DenseOutput<?, ?> dense) {
        this.t = t;
        this.us = stacked == null ? List.copyOf(us) : java.util.Collections.unmodifiableList(us);
        this.stacked = stacked;
        this.retcode = retcode;
        this.stats = stats;
        this.dense = dense;
    }

    /** Saved times. */
    public double[] t() { return t.clone(); }

    /** Number of saved states. */
    public int size() { return t.length; }

    /** The saved states stacked: shape [nt, ...u.shape]. */
    public Tensor u() {
        if (stacked == null) {
            if (us.isEmpty()) throw new IllegalStateException("the solve saved no states (retcode " + retcode + ")");
            stacked = Tensor.stack(0, us.toArray(new Tensor[0]));
        }
        return stacked;
    }

    /** Saved state i (negative i counts from the end). */
    public Tensor u(int i) {
        int k = i < 0 ? i + us.size() : i;
        if (k < 0 || k >= us.size()) throw new IndexOutOfBoundsException("u(" + i + "): the solution has " + us.size() + " saved states");
        return us.get(k);
    }

    /** The saved states as a list. */
    public List<Tensor> states() { return us; }

    /** The final saved state. */
    public Tensor last() { return u(-1); }

    /**
     * u(time) anywhere in the solved span. With dense output (the default without saveat, or
     * {@code SolveOptions.dense(true)}) this is the method's own interpolant. Without it (a solve
     * with saveat) it is first-order linear interpolation of the two saved states around time, as
     * DifferentialEquations.jl interpolates such a solution: exact at the saved times, differentiable
     * with respect to the saved states (a weighted sum of them), but only first-order accurate
     * between them; ask for {@code dense(true)} for the method's interpolant.
     *
     * @throws IllegalArgumentException if time is NaN or outside the solved span (without dense
     *         output: outside the saved times)
     */
    public Tensor at(double time) {
        if (Double.isNaN(time)) throw new IllegalArgumentException("at(NaN): the time is not a number");
        return dense != null ? dense.at(time) : linearAt(time);
    }

    /** Linear interpolation between the saved states bracketing time (saved times in integration order). */
    private Tensor linearAt(double time) {
        int n = t.length;
        if (n == 0) throw new IllegalStateException("the solve saved no states (retcode " + retcode + "), so there is nothing to interpolate");
        double lo = Math.min(t[0], t[n - 1]), hi = Math.max(t[0], t[n - 1]);
        if (time < lo || time > hi) {
            throw new IllegalArgumentException("at(" + time + ") is outside the saved times [" + lo + ", " + hi
                    + "] (this solution has no dense output; it interpolates its saved points linearly)");
        }
        double dir = t[n - 1] < t[0] ? -1 : 1;
        int a = 0, b = n - 1;
        while (a < b) {   // first saved time at or past time
            int m = (a + b) >>> 1;
            if (dir * (t[m] - time) >= 0) b = m;
            else a = m + 1;
        }
        if (t[a] == time) return us.get(a);
        double w1 = (time - t[a - 1]) / (t[a] - t[a - 1]);
        return us.get(a - 1).times(1 - w1).plus(us.get(a).times(w1));
    }

    public boolean hasDenseOutput() { return dense != null; }

    public DenseOutput<?, ?> denseOutput() { return dense; }

    public ReturnCode retcode() { return retcode; }

    /**
     * The sensitivity method that differentiates this solve for reverse mode, or null when no
     * input was recorded on a reverse tape (plain solves and forward duals need none).
     */
    public SensitivityAlgorithm sensealg() { return sensealg; }

    /** The signed size of the last accepted step: a good initial step for a solve that continues this one. NaN if none. */
    public double lastStep() { return lastStep; }

    OdeSolution withLastStep(double h) {
        lastStep = h;
        return this;
    }

    /**
     * The signed step an adaptive solve continuing this one from its end should start with (the
     * controller's proposal, not shortened to land on t1); NaN for fixed steps, a failed solve or
     * none taken. Adjoint sweeps carry it across the saved times instead of probing afresh.
     */
    public double nextStep() { return nextStep; }

    OdeSolution withNextStep(double h) {
        nextStep = h;
        return this;
    }

    /** The same solution with other saved states (the same times): span derivatives, a failed solve's marks. */
    public OdeSolution withStates(List<Tensor> states) {
        OdeSolution c = new OdeSolution(t, states, null, retcode, stats, dense);
        c.sensealg = sensealg;
        c.lastStep = lastStep;
        c.nextStep = nextStep;
        return c;
    }

    /** This solution marked as differentiated by s (set by the solve). */
    public OdeSolution withSensealg(SensitivityAlgorithm s) {
        OdeSolution c = new OdeSolution(t, us, stacked, retcode, stats, dense);
        c.sensealg = s;
        c.lastStep = lastStep;
        c.nextStep = nextStep;
        return c;
    }

    public SolverStats stats() { return stats; }

    /** Shape of one state. */
    public Shape stateShape() { return us.isEmpty() ? null : us.get(0).shape(); }

    @Override public String toString() {
        return "OdeSolution(retcode=" + retcode + ", " + t.length + " saved states, " + stats + ")";
    }
}
