package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * Options of a solve, with DifferentialEquations.jl's names and defaults (reltol 1e-3, abstol
 * 1e-6, maxiters 1e5). Immutable: every setter returns a copy, so a base can be shared.
 *
 * <pre>{@code
 * SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-8).atol(1e-8);
 * }</pre>
 */
public final class SolveOptions {
    private double rtol = 1e-3;
    private double atol = 1e-6;
    private Tensor atolVector;
    private double saveatStep = Double.NaN;
    private double[] saveatTimes;
    private Boolean saveEverystep;
    private Boolean saveStart;
    private Boolean saveEnd;
    private Boolean dense;
    private double dt = Double.NaN;
    private Boolean adaptive;
    private double dtmin = 0.0;
    private double dtmax = Double.POSITIVE_INFINITY;
    private int maxiters = 100_000;
    private double[] tstops = new double[0];
    private SensitivityAlgorithm sensealg;
    private Boolean compile;
    private StepController controller;
    private Callback[] callbacks = new Callback[0];
    private Long seed;
    private boolean tolerancesGiven;

    private SolveOptions() {}

    private SolveOptions copy() {
        SolveOptions o = new SolveOptions();
        o.rtol = rtol;
        o.atol = atol;
        o.atolVector = atolVector;
        o.saveatStep = saveatStep;
        o.saveatTimes = saveatTimes;
        o.saveEverystep = saveEverystep;
        o.saveStart = saveStart;
        o.saveEnd = saveEnd;
        o.dense = dense;
        o.dt = dt;
        o.adaptive = adaptive;
        o.dtmin = dtmin;
        o.dtmax = dtmax;
        o.maxiters = maxiters;
        o.tstops = tstops;
        o.sensealg = sensealg;
        o.compile = compile;
        o.controller = controller;
        o.callbacks = callbacks;
        o.seed = seed;
        o.tolerancesGiven = tolerancesGiven;
        return o;
    }

    /** reltol 1e-3, abstol 1e-6, save every step, dense output, automatic initial step. */
    public static SolveOptions defaults() { return new SolveOptions(); }

    // ------------------------------------------------------------------ setters (copies)

    /** Relative tolerance of the local error. */
    public SolveOptions rtol(double rtol) {
        SolveOptions o = copy();
        o.rtol = rtol;
        o.tolerancesGiven = true;
        return o;
    }

    /** Absolute tolerance of the local error, the same for every component. */
    public SolveOptions atol(double atol) {
        SolveOptions o = copy();
        o.atol = atol;
        o.tolerancesGiven = true;
        o.atolVector = null;
        return o;
    }

    /** Absolute tolerance per component (shaped like u, or broadcastable to it). */
    public SolveOptions atol(Tensor perComponent) {
        SolveOptions o = copy();
        o.atolVector = perComponent.primal();
        o.tolerancesGiven = true;
        return o;
    }

    /** Save at t0, t0 + step, ... and t1 (interpolated, not stepped to). */
    public SolveOptions saveat(double step) {
        SolveOptions o = copy();
        o.saveatStep = step;
        o.saveatTimes = null;
        return o;
    }

    /**
     * Save at exactly these times (interpolated, not stepped to): one state per time given,
     * duplicates included, saved in the order of integration (times given out of order are sorted,
     * as DifferentialEquations.jl does). No times at all means no saveat, as in
     * DifferentialEquations.jl.
     */
    public SolveOptions saveat(double... times) {
        if (times == null) throw new IllegalArgumentException("saveat: the times are null");
        SolveOptions o = copy();
        o.saveatTimes = times.length == 0 ? null : times.clone();
        o.saveatStep = Double.NaN;
        return o;
    }

    /** The same options with no saveat times (saving then follows saveEverystep). */
    public SolveOptions withoutSaveat() {
        SolveOptions o = copy();
        o.saveatTimes = null;
        o.saveatStep = Double.NaN;
        return o;
    }

    /** Save at the times of a rank-1 tensor. */
    public SolveOptions saveat(Tensor times) {
        return saveat(times.primal().toDoubleArray());
    }

    /** Save every accepted step (default: true unless saveat is given). */
    public SolveOptions saveEverystep(boolean b) {
        SolveOptions o = copy();
        o.saveEverystep = b;
        return o;
    }

    public SolveOptions saveStart(boolean b) {
        SolveOptions o = copy();
        o.saveStart = b;
        return o;
    }

    public SolveOptions saveEnd(boolean b) {
        SolveOptions o = copy();
        o.saveEnd = b;
        return o;
    }

    /** Keep every step's stages for {@code sol.at(t)} (default: true when saving every step). */
    public SolveOptions dense(boolean b) {
        SolveOptions o = copy();
        o.dense = b;
        return o;
    }

    /** The initial step, or the fixed step for non-adaptive solves. */
    public SolveOptions dt(double dt) {
        SolveOptions o = copy();
        o.dt = dt;
        return o;
    }

    /** Whether to adapt the step size (default: the algorithm's nature). */
    public SolveOptions adaptive(boolean b) {
        SolveOptions o = copy();
        o.adaptive = b;
        return o;
    }

    public SolveOptions dtmin(double dtmin) {
        SolveOptions o = copy();
        o.dtmin = dtmin;
        return o;
    }

    public SolveOptions dtmax(double dtmax) {
        SolveOptions o = copy();
        o.dtmax = dtmax;
        return o;
    }

    public SolveOptions maxiters(int maxiters) {
        SolveOptions o = copy();
        o.maxiters = maxiters;
        return o;
    }

    /** Times the integrator must step to exactly (discontinuities of f). */
    public SolveOptions tstops(double... tstops) {
        SolveOptions o = copy();
        o.tstops = tstops.clone();
        return o;
    }

    /** How gradients of this solve are computed (default: chosen from the problem size). */
    public SolveOptions sensealg(SensitivityAlgorithm sensealg) {
        SolveOptions o = copy();
        o.sensealg = sensealg;
        return o;
    }

    /**
     * Whether to trace and compile the right-hand side into a flat program (default: try, and run
     * eagerly when f cannot be traced). Compiled programs are cached per function. A
     * {@code Parameter} read inside f is an implicit input of the program: its current value is
     * used at every solve and derivatives reach it (a model's layers applied inside f stay
     * trainable). A captured plain Tensor is immutable and is a constant. But a captured mutable
     * array or field that changes between solves cannot be seen (the program keeps what it held
     * when traced): solve such an f with compile(false), or pass the changing values through p.
     */
    public SolveOptions compile(boolean b) {
        SolveOptions o = copy();
        o.compile = b;
        return o;
    }

    /** The step-size controller: {@link PIController}, {@link PIDController} (default: the algorithm's PI controller). */
    public SolveOptions controller(StepController controller) {
        SolveOptions o = copy();
        o.controller = controller;
        return o;
    }

    /** Callbacks run after every accepted step, in this order (replaces any given before). */
    public SolveOptions callback(Callback... callbacks) {
        for (Callback c : callbacks) if (c == null) throw new IllegalArgumentException("callback: a callback is null");
        SolveOptions o = copy();
        o.callbacks = callbacks.clone();
        return o;
    }

    /**
     * The seed of the solve's randomness (an SDE's Brownian path): the same seed gives the same
     * path, on any thread and whatever order the path is queried in. Unset, each solve draws a
     * fresh seed.
     */
    public SolveOptions seed(long seed) {
        SolveOptions o = copy();
        o.seed = seed;
        return o;
    }

    /** The same options without a seed (each solve draws its own). */
    public SolveOptions withoutSeed() {
        SolveOptions o = copy();
        o.seed = null;
        return o;
    }

    // ------------------------------------------------------------------ getters

    public double rtol() { return rtol; }

    public double atol() { return atol; }

    /** Per-component absolute tolerance, or null when {@link #atol()} applies to all. */
    public Tensor atolVector() { return atolVector; }

    /** The saveat step, or NaN. */
    public double saveatStep() { return saveatStep; }

    /** The saveat times, or null. */
    public double[] saveatTimes() { return saveatTimes == null ? null : saveatTimes.clone(); }

    public boolean hasSaveat() { return !Double.isNaN(saveatStep) || saveatTimes != null; }

    public Boolean saveEverystep() { return saveEverystep; }

    public Boolean saveStart() { return saveStart; }

    public Boolean saveEnd() { return saveEnd; }

    public Boolean dense() { return dense; }

    /** The initial or fixed step, or NaN for automatic. */
    public double dt() { return dt; }

    public Boolean adaptive() { return adaptive; }

    public double dtmin() { return dtmin; }

    public double dtmax() { return dtmax; }

    public int maxiters() { return maxiters; }

    public double[] tstops() { return tstops.clone(); }

    public SensitivityAlgorithm sensealg() { return sensealg; }

    public Boolean compile() { return compile; }

    public StepController controller() { return controller; }

    /**
     * Whether rtol or atol was set (an SDE solve otherwise uses StochasticDiffEq.jl's SDE defaults,
     * 1e-2 for both, rather than the ODE defaults).
     */
    public boolean tolerancesGiven() { return tolerancesGiven; }

    /** The seed set by {@link #seed(long)}, or null when each solve draws its own. */
    public Long seed() { return seed; }

    /** The callbacks (a copy; empty when none). */
    public Callback[] callbacks() { return callbacks.clone(); }
}
