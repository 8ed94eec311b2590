package dev.fluxion.diffeq;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.tensor.ConcretizationException;
import dev.fluxion.tensor.Tensor;

/**
 * One solve, resolved from a problem: the term, u0 and p (tensors of any kind), the span as
 * numbers, the method and the options. This is what a {@link SensitivityAlgorithm} receives and
 * runs its own solves from ({@link #integrate}, {@link #withInputs}); it knows nothing of the
 * problem class it came from. Immutable.
 */
public final class SolveSpec {
    private final OdeTerm term;
    private final Tensor u0, p;
    private final double t0, t1;
    private final OdeAlgorithm alg;
    private final SolveOptions options;

    public SolveSpec(OdeTerm term, Tensor u0, Tensor p, double t0, double t1, OdeAlgorithm alg, SolveOptions options) {
        this.term = term;
        this.u0 = u0;
        this.p = p;
        this.t0 = t0;
        this.t1 = t1;
        this.alg = alg;
        this.options = options;
    }

    public OdeTerm term() { return term; }
    public Tensor u0() { return u0; }
    public Tensor p() { return p; }
    public double t0() { return t0; }
    public double t1() { return t1; }
    public OdeAlgorithm alg() { return alg; }
    public SolveOptions options() { return options; }

    /** The same solve from other inputs (a sensitivity method's primal or dual copies). */
    public SolveSpec withInputs(Tensor u0, Tensor p) { return new SolveSpec(term, u0, p, t0, t1, alg, options); }

    public SolveSpec withSpan(double t0, double t1) { return new SolveSpec(term, u0, p, t0, t1, alg, options); }

    public SolveSpec withOptions(SolveOptions o) { return new SolveSpec(term, u0, p, t0, t1, alg, o); }

    /** f compiled for these inputs' shapes, or null when it cannot be traced or the options say not to compile. */
    public CompiledFunction compiled() {
        boolean compile = options.compile() == null || options.compile();
        return compile ? term.compiled(u0, p) : null;
    }

    /**
     * Whether f reads {@code Parameter}s (a model applied inside f) whose current values are
     * recorded on a reverse tape: they are implicit inputs of f's compiled program, not inputs of
     * the solve, so only the tape through the solver differentiates them.
     */
    public boolean readsRecordedParameters() {
        CompiledFunction cf = u0.isConcrete() && p.isConcrete() ? compiled() : null;
        return cf != null && !cf.implicitInputsArePlain() && cf.implicitValues().stream().anyMatch(AD::isRecorded);
    }

    /**
     * Runs the integrator on (u0, p): derivatives of u0 and p flow through the solver's ops (the
     * tape records it; dual lanes ride along). A plain solve of a compiled right-hand side runs on
     * flat arrays. A solve that fails gives states whose derivatives are NaN in every mode.
     */
    public OdeSolution integrate() {
        if (!u0.isConcrete() || !p.isConcrete()) {
            throw new ConcretizationException("a solve cannot be traced for compilation: its step sizes depend on values");
        }
        double[] mass = term.checkMass(u0.shape());
        CompiledFunction cf = compiled();
        FlatStateOps flat = flatOps();
        if (flat != null) {
            FlatStateOps ops = flat;
            double[] x0 = u0.unsafeData();
            return run(alg.stepper(ops, mass), x0, ops.eval(x0, t0), ErrorNorm.of(options, u0));
        }
        OdeFunction f = cf == null ? term::evaluate : (u, q, t) -> cf.apply(u, q, t);
        TensorStateOps ops = new TensorStateOps(f, p, u0.shape(), term.jacobian());
        OdeSolution sol = run(alg.stepper(ops, mass), u0, ops.eval(u0, t0), ErrorNorm.of(options, u0));
        if (sol.retcode().successful() || u0.isPrimal() && p.isPrimal()) return sol;
        return sol.withStates(FailedSolve.poison(sol.states(), u0, p));
    }

    /**
     * The flat plan of this solve (the compiled f on flat arrays, with the problem's Jacobian
     * settings: a user Jacobian, sparse or dense lanes), or null when the solve runs on tensors
     * (inputs that carry derivatives, an f that cannot be compiled). Adjoints take f's Jacobian
     * from it.
     */
    public FlatStateOps flatOps() {
        CompiledFunction cf = compiled();
        if (cf == null || !u0.isPrimal() || !p.isPrimal() || !cf.implicitInputsArePlain()) return null;
        FlatStateOps ops = FlatStateOps.of(cf, p, u0.shape());
        ops.userJacobian = term.jacobian();
        ops.sparseMode = options.sparseJacobian();
        return ops;
    }

    /** Runs the integrator with a stepper of this solve's method over any state plan (augmented systems use this). */
    public <S> OdeSolution run(Stepper<S, ?> stepper, S x0, S fx0, ErrorNorm norm) {
        return Solve.run(stepper, x0, fx0, alg, t0, t1, options, norm);
    }
}
