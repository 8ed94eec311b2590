package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * An initial value problem du/dt = f(u, p, t), u(t0) = u0, on [t0, t1], in the shape of
 * DifferentialEquations.jl's ODEProblem. u0 and the span may be tensors that carry derivatives, or
 * functions of p (the seed's {@code u0_f(p, t0)} and {@code tspan_f(p)}). Integration backwards in
 * time (t1 &lt; t0) works. Immutable; {@link #remake} and the {@code with} methods make copies that
 * share f's compiled programs.
 *
 * <pre>{@code
 * OdeProblem prob = new OdeProblem((u, p, t) -> lotkaVolterra(u, p), u0, 0.0, 10.0, p);
 * OdeSolution sol = prob.solve(new Tsit5(), SolveOptions.defaults().saveat(0.1));
 * }</pre>
 */
public final class OdeProblem implements DEProblem<OdeProblem> {
    private final OdeTerm rhs;
    private final Tensor u0;
    private final InitialStateFunction u0f;
    private final Tensor t0;
    private final Tensor t1;
    private final TimeSpanFunction spanf;
    private final Tensor p;

    private OdeProblem(OdeTerm rhs, Tensor u0, InitialStateFunction u0f, Tensor t0, Tensor t1, TimeSpanFunction spanf, Tensor p) {
        this.rhs = rhs;
        this.u0 = u0;
        this.u0f = u0f;
        this.t0 = t0;
        this.t1 = t1;
        this.spanf = spanf;
        this.p = p == null ? Tensor.zeros(0) : p;
    }

    public OdeProblem(OdeFunction f, Tensor u0, double t0, double t1, Tensor p) {
        this(OdeTerm.of(f), u0, null, Tensor.scalar(t0), Tensor.scalar(t1), null, p);
    }

    /** A problem without parameters (p is an empty tensor). */
    public OdeProblem(OdeFunction f, Tensor u0, double t0, double t1) {
        this(f, u0, t0, t1, null);
    }

    /** A problem whose span may carry derivatives (gradients with respect to t0 and t1). */
    public OdeProblem(OdeFunction f, Tensor u0, Tensor t0, Tensor t1, Tensor p) {
        this(OdeTerm.of(f), u0, null, checkScalar("t0", t0), checkScalar("t1", t1), null, p);
    }

    /** u0 computed from p and t0 when solving. */
    public OdeProblem(OdeFunction f, InitialStateFunction u0, double t0, double t1, Tensor p) {
        this(OdeTerm.of(f), null, u0, Tensor.scalar(t0), Tensor.scalar(t1), null, p);
    }

    /** u0 and the span computed from p when solving. */
    public OdeProblem(OdeFunction f, InitialStateFunction u0, TimeSpanFunction tspan, Tensor p) {
        this(OdeTerm.of(f), null, u0, null, null, tspan, p);
    }

    private static Tensor checkScalar(String what, Tensor t) {
        if (t.size() != 1) throw new IllegalArgumentException(what + " must be a scalar tensor, got shape " + t.shape());
        return t.rank() == 0 ? t : t.reshape(new int[0]);
    }

    // ------------------------------------------------------------------ reading

    public OdeFunction f() { return rhs.function(); }

    /** The right-hand side as the solvers evaluate it. */
    public OdeTerm term() { return rhs; }

    @Override public Tensor p() { return p; }

    /** The span [t0, t1] as scalar tensors (computed from p if the problem has a span function). */
    @Override public Tensor[] tspan() {
        if (spanf == null) return new Tensor[] {t0, t1};
        Tensor s = spanf.apply(p);
        if (s.size() != 2) throw new IllegalArgumentException("tspan function must return a tensor [t0, t1], got shape " + s.shape());
        Tensor flat = s.flatten();
        return new Tensor[] {flat.get(0), flat.get(1)};
    }

    /** The initial state (computed from p and t0 if the problem has a u0 function). */
    @Override public Tensor u0() {
        if (u0f == null) return u0;
        return u0f.apply(p, tspan()[0]);
    }

    // ------------------------------------------------------------------ copies

    @Override public OdeProblem withP(Tensor p) { return new OdeProblem(rhs, u0, u0f, t0, t1, spanf, p); }

    @Override public OdeProblem withU0(Tensor u0) { return new OdeProblem(rhs, u0, null, t0, t1, spanf, p); }

    @Override public OdeProblem withTspan(double t0, double t1) {
        return new OdeProblem(rhs, u0, u0f, Tensor.scalar(t0), Tensor.scalar(t1), null, p);
    }

    @Override public OdeProblem withTspan(Tensor t0, Tensor t1) {
        return new OdeProblem(rhs, u0, u0f, checkScalar("t0", t0), checkScalar("t1", t1), null, p);
    }

    /**
     * The same problem as M u' = f(u, p, t) with a constant mass matrix M [n, n], possibly singular
     * (an index-1 DAE: a zero row i makes f_i = 0 an algebraic constraint). Solved by the
     * Rosenbrock methods ({@code Rodas5P}, {@code Rodas4}, {@code Rosenbrock23}); other methods
     * refuse it by name. u0 should be consistent (satisfy the algebraic equations).
     */
    public OdeProblem withMassMatrix(Tensor m) {
        OdeTerm t = rhs.withMass(m);
        if (m != null && u0 != null) t.checkMass(u0.shape());
        return new OdeProblem(t, u0, u0f, t0, t1, spanf, p);
    }

    /**
     * The same problem with a user-supplied Jacobian ∂f/∂u (u, p, t) → [n, n] for implicit methods
     * (null: exact forward lanes over f, the default). A result of the wrong shape is a named error.
     */
    public OdeProblem withJacobian(OdeJacobian jac) {
        return new OdeProblem(rhs.withJacobian(jac), u0, u0f, t0, t1, spanf, p);
    }

    /** The mass matrix, or null when it is the identity. */
    public Tensor massMatrix() { return rhs.mass(); }

    // ------------------------------------------------------------------ solving

    public OdeSolution solve(OdeAlgorithm alg, SolveOptions options) {
        return Solve.solve(this, alg, options);
    }

    public OdeSolution solve(OdeAlgorithm alg) {
        return solve(alg, SolveOptions.defaults());
    }
}
