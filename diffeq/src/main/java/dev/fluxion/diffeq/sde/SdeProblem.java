package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.tensor.Tensor;

/**
 * A stochastic differential equation du = f(u, p, t) dt + g(u, p, t) dW, u(t0) = u0, on [t0, t1]
 * (DifferentialEquations.jl's SDEProblem). Noise is diagonal by default (g shaped like u, one
 * Wiener process per component); {@link #withNoise} chooses scalar noise (one process for all) or
 * general noise (g returns [n, m], m processes). The problem is read in the Itô sense by Itô
 * methods (EM, RKMil, SRIW1, SOSRI, SRA1, SOSRA) and in the Stratonovich sense by Stratonovich
 * methods (EulerHeun). Immutable; the copies share f's and g's compiled programs.
 *
 * <pre>{@code
 * SdeProblem prob = new SdeProblem(f, (u, p, t) -> u.times(0.1), u0, 0.0, 10.0, p);
 * OdeSolution sol = prob.solve(new SOSRI(), SolveOptions.defaults().saveat(0.1).seed(42));   // rtol = atol = 1e-2 unless given
 * }</pre>
 */
public final class SdeProblem implements DEProblem<SdeProblem> {
    private final OdeTerm drift;
    private final DiffusionTerm diffusion;
    private final Tensor u0, t0, t1, p;

    private SdeProblem(OdeTerm drift, DiffusionTerm diffusion, Tensor u0, Tensor t0, Tensor t1, Tensor p) {
        if (u0 == null) throw new IllegalArgumentException("an SDE problem needs an initial state u0");
        this.drift = drift;
        this.diffusion = diffusion;
        this.u0 = u0;
        this.t0 = t0;
        this.t1 = t1;
        this.p = p == null ? Tensor.zeros(0) : p;
    }

    public SdeProblem(OdeFunction f, DiffusionFunction g, Tensor u0, double t0, double t1, Tensor p) {
        this(OdeTerm.of(f), new DiffusionTerm(g, NoiseKind.DIAGONAL, 0), u0, Tensor.scalar(t0), Tensor.scalar(t1), p);
    }

    /** A problem without parameters. */
    public SdeProblem(OdeFunction f, DiffusionFunction g, Tensor u0, double t0, double t1) {
        this(f, g, u0, t0, t1, null);
    }

    /** The same problem with diagonal or scalar noise ({@link NoiseKind#GENERAL} needs m: {@link #withNoise(NoiseKind, int)}). */
    public SdeProblem withNoise(NoiseKind kind) {
        if (kind == NoiseKind.GENERAL) {
            throw new IllegalArgumentException("general noise needs the number of Wiener processes: withNoise(NoiseKind.GENERAL, m)");
        }
        return new SdeProblem(drift, new DiffusionTerm(diffusion.function(), kind, 0), u0, t0, t1, p);
    }

    /** The same problem with general noise: g returns [n, m] and m Wiener processes drive it. */
    public SdeProblem withNoise(NoiseKind kind, int m) {
        if (kind != NoiseKind.GENERAL) return withNoise(kind);
        return new SdeProblem(drift, new DiffusionTerm(diffusion.function(), kind, m), u0, t0, t1, p);
    }

    public OdeFunction f() { return drift.function(); }

    public DiffusionFunction g() { return diffusion.function(); }

    /** The drift as the solvers evaluate it. */
    public OdeTerm driftTerm() { return drift; }

    /** The diffusion as the solvers evaluate it. */
    public DiffusionTerm diffusionTerm() { return diffusion; }

    public NoiseKind noise() { return diffusion.noise(); }

    @Override public Tensor u0() { return u0; }

    @Override public Tensor[] tspan() { return new Tensor[] {t0, t1}; }

    @Override public Tensor p() { return p; }

    @Override public SdeProblem withP(Tensor p) { return new SdeProblem(drift, diffusion, u0, t0, t1, p); }

    @Override public SdeProblem withU0(Tensor u0) { return new SdeProblem(drift, diffusion, u0, t0, t1, p); }

    @Override public SdeProblem withTspan(double t0, double t1) {
        return new SdeProblem(drift, diffusion, u0, Tensor.scalar(t0), Tensor.scalar(t1), p);
    }

    /** Span derivatives are not supported for SDEs: the span must be plain numbers. */
    @Override public SdeProblem withTspan(Tensor t0, Tensor t1) {
        if (!t0.isPrimal() || !t1.isPrimal()) {
            throw new UnsupportedOperationException("derivatives with respect to t0 or t1 of an SDE solve are not supported; give the span as numbers");
        }
        return withTspan(t0.valueAt(0), t1.valueAt(0));
    }

    /**
     * Solves one path. The path is fixed by {@code SolveOptions.seed(long)} (unset: a fresh seed per
     * solve): the same seed gives the same path on any thread, so gradients are pathwise
     * derivatives on a fixed path. Saveat times are stepped to (tstops), not interpolated.
     */
    public OdeSolution solve(SdeAlgorithm alg, SolveOptions options) {
        return SdeSpec.of(this, alg, options).solve();
    }

    public OdeSolution solve(SdeAlgorithm alg) { return solve(alg, SolveOptions.defaults()); }
}
