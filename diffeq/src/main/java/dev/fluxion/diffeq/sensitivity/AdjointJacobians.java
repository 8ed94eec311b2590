package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.autodiff.MultiTensorFunction;
import dev.fluxion.diffeq.Factorization;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.Jacobian;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.SparseJacobian;
import dev.fluxion.diffeq.TensorStateOps;
import dev.fluxion.tensor.LuDecomposition;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Jacobians of the adjoint systems, for integrating them with an implicit (stiff) method: the
 * adjoint of a stiff problem is stiff too (its Jacobian −Jᵀ has J's eigenvalues, negated, and runs
 * backwards in time), so the backward pass uses the forward method, which asks the backward
 * system's state plan for J_aug and ∂/∂t ({@link FlatStateOps.JacobianSource}). Everything is exact
 * and built from f's programs, never formed in full, never by finite differences:
 * <ul>
 *   <li>J = ∂f/∂u at u(t): f's forward lanes (sparse and banded when f's pattern is, see
 *       {@code SparseJacobianPlan}), and the λ block −Jᵀ from it;</li>
 *   <li>the μ rows −(∂f/∂p)ᵀ never feed back (μ is read by nobody), so W = c·I − J_aug is block
 *       lower triangular and a solve is the λ block's LU solve followed by one VJP for μ;</li>
 *   <li>∂/∂t of the right-hand side λ' = −∇_u(λᵀf)(u(t), t), where u(t) comes from a dense output,
 *       is one forward-over-reverse lane (the JVP of f's VJP) in the direction (u̇, 1), with
 *       u̇ = f(u(t)) (M⁻¹f): the derivative of the solution the interpolant approximates.</li>
 *   <li>BacksolveAdjoint with an implicit method reconstructs u by a backward solve of its own and
 *       integrates [λ, μ] on its dense output with these Jacobians (see {@code Adjoint.backsolve}
 *       for why the two are not stepped together).</li>
 * </ul>
 * A constant mass matrix M (nonsingular) turns the adjoint into Mᵀλ' = −Jᵀλ with jumps Mᵀλ += c_k
 * and dL/du0 = Mᵀλ(t0) (the derivation: d/dt(λᵀM s) = λᵀ ∂f/∂p for the sensitivities s); the backward
 * systems integrate ν = Mᵀλ, so ν' = −Jᵀ M⁻ᵀ ν needs no mass matrix, its jumps are the cotangents
 * themselves and ν(t0) is dL/du0. A singular M (a DAE) is refused: its adjoint has algebraic parts and a consistent
 * initialisation of its own.
 */
final class AdjointJacobians {
    private final int n, np;
    private final Shape uShape;
    private final Tensor p;
    private final OdeFunction f;
    /** f's flat plan (J by lanes, sparse when f is), or null when f is not compiled (then the tensor plan). */
    private final FlatStateOps flat;
    private final TensorStateOps tensorOps;
    /** The LU of M, or null for the identity. */
    private final LuDecomposition massLu;
    private final VjpEvaluator vjp;
    /** (u, p, t, λ, du, dt) ↦ [d/dε ∇_u(λᵀf), d/dε ∇_p(λᵀf)] at (u + ε du, t + ε dt): compiled, or null (eager). */
    private final CompiledFunction.Runner secondOrder;
    private final MultiTensorFunction secondOrderEager;
    private final double[][] secondArgs;

    AdjointJacobians(SolveSpec spec, VjpEvaluator vjp, LuDecomposition massLu) {
        this.uShape = spec.u0().shape();
        this.n = uShape.size();
        this.p = spec.p();
        this.np = p.size();
        this.f = spec.term()::evaluate;
        this.vjp = vjp;
        this.massLu = massLu;
        this.flat = spec.flatOps();
        this.tensorOps = flat == null ? new TensorStateOps(f, p, uShape, spec.term().jacobian()) : null;
        this.secondOrderEager = secondOrderFunction(spec.term().function(), uShape);
        boolean compile = spec.options().compile() == null || spec.options().compile();
        CompiledFunction cf = compile && spec.compiled() != null ? compiledSecondOrder(spec.term().function(), spec.u0().primal(), p) : null;
        this.secondOrder = cf == null ? null : cf.runner().bind(1, p.unsafeData());
        this.secondArgs = new double[][] {null, null, new double[1], null, null, new double[1]};
    }

    /** Compiled second-order programs per function and shapes, holding the function weakly (as OdeTerm's cache does). */
    private static final Map<OdeFunction, Map<String, Object>> PROGRAMS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Object NONE = new Object();

    private static CompiledFunction compiledSecondOrder(OdeFunction raw, Tensor u0, Tensor p) {
        Map<String, Object> byShape = PROGRAMS.computeIfAbsent(raw, k -> new ConcurrentHashMap<>());
        Object c = byShape.computeIfAbsent(u0.shape() + "|" + p.shape(), k -> {
            WeakReference<OdeFunction> ref = new WeakReference<>(raw);
            CompiledFunction cf = Jit.tryCompile(secondOrderFunction((u, q, t) -> {
                OdeFunction fn = ref.get();
                if (fn == null) throw new IllegalStateException("the right-hand side was collected");
                return fn.apply(u, q, t);
            }, u0.shape()), u0, p, Tensor.scalar(0.0), Tensor.zeros(u0.shape()), Tensor.zeros(u0.shape()), Tensor.scalar(0.0));
            return cf == null ? NONE : cf;
        });
        return c == NONE ? null : (CompiledFunction) c;
    }

    /**
     * (u, p, t, λ, du, dt) ↦ the JVP along (du, dt) of (u, t) ↦ [∇_u(λᵀf), ∇_p(λᵀf)]: forward over
     * reverse, in Tensor ops, so it compiles like f.
     */
    private static MultiTensorFunction secondOrderFunction(OdeFunction raw, Shape us) {
        int nn = us.size();
        return a -> {
            Tensor z = Tensor.concat(0, a[0].reshape(nn), a[2].reshape(1));
            Tensor v = Tensor.concat(0, a[4].reshape(nn), a[5].reshape(1));
            Tensor q = a[1], lambda = a[3];
            return AD.jvp(zz -> {
                Tensor uu = zz.slice(0, 0, nn).reshape(us);
                Tensor tt = zz.slice(0, nn, nn + 1).reshape();
                Tensor[] g = AD.vjps(xs -> raw.apply(xs[0], xs[1], tt), lambda, uu, q);
                return Tensor.concat(0, g[0].reshape(nn), g[1].reshape(q.size()));
            }, z, v);
        };
    }

    /** [d/dε ∇_u(λᵀf), d/dε ∇_p(λᵀf)] at (u + ε du, t + ε dt), ε = 0 (du null: zero). */
    double[] secondOrder(double[] u, double t, double[] lambda, double[] du, double dt) {
        double[] d = du == null ? new double[n] : du;
        if (secondOrder != null) {
            secondArgs[0] = u;
            secondArgs[2][0] = t;
            secondArgs[3] = lambda;
            secondArgs[4] = d;
            secondArgs[5][0] = dt;
            return secondOrder.run(secondArgs);
        }
        return secondOrderEager.apply(new Tensor[] {Tensor.unsafeWrap(uShape, u), p, Tensor.scalar(t),
                Tensor.unsafeWrap(uShape, lambda), Tensor.unsafeWrap(uShape, d), Tensor.scalar(dt)}).toDoubleArray();
    }

    /** f(u, t), or M⁻¹ f with a mass matrix: u̇. */
    double[] uDot(double[] u, double t) {
        double[] fu = flat != null ? flat.evalValues(u, t) : f.apply(Tensor.unsafeWrap(uShape, u), p, Tensor.scalar(t)).toDoubleArray();
        if (massLu == null) return fu;
        double[] x = fu.clone();
        massLu.solve(x);
        return x;
    }

    /** λ = M⁻ᵀ ν (ν itself without a mass matrix). */
    double[] lambdaOf(double[] nu, int offset) {
        double[] l = java.util.Arrays.copyOfRange(nu, offset, offset + n);
        if (massLu != null) massLu.solveTransposed(l);
        return l;
    }

    /** The λ block A = −(M⁻¹J)ᵀ at (u, t) (−Jᵀ without a mass matrix; sparse and banded when J is). */
    private Jacobian<double[]> lambdaBlock(double[] u, double t) {
        Jacobian<double[]> j = flat != null ? flat.jacobian(u, t) : null;
        if (j instanceof SparseJacobian s && massLu == null) return s.negatedTranspose();
        double[] jv = j != null ? j.values() : tensorOps.jacobian(Tensor.unsafeWrap(uShape, u), t).values();
        double[] b = jv.clone();
        if (massLu != null) {
            double[] col = new double[n];
            for (int c = 0; c < n; c++) {
                for (int r = 0; r < n; r++) col[r] = jv[r * n + c];
                massLu.solve(col);
                for (int r = 0; r < n; r++) b[r * n + c] = col[r];
            }
        }
        double[] a = new double[n * n];
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) a[c * n + r] = -b[r * n + c];
        return FlatStateOps.denseJacobian(a, n);
    }

    /** (∂f/∂p)ᵀ M⁻ᵀ x: one VJP. */
    private double[] paramVjp(double[] u, double t, double[] x) {
        double[] gp = new double[np];
        double[] w = lambdaOf(x, 0);
        vjp.eval(u, t, w, null, 0, new double[n], 0, gp, 0);
        return gp;
    }

    // ------------------------------------------------------------------ the three backward systems

    /** x = [ν, μ] (μ absent when withMu is false) with u(t) from a dense output: InterpolatingAdjoint and QuadratureAdjoint. */
    FlatStateOps.JacobianSource lambdaMu(PieceStates dense, boolean withMu) {
        return new FlatStateOps.JacobianSource() {
            @Override public Jacobian<double[]> jacobian(double[] x, double t) {
                double[] u = dense.at(t);
                return new Block(withMu ? n + np : n, lambdaBlock(u, t), xNu -> paramVjp(u, t, xNu));
            }

            @Override public double[] timeDerivative(double[] x, double t) {
                double[] u = dense.at(t);
                double[] g = secondOrder(u, t, lambdaOf(x, 0), uDot(u, t), 1.0);
                double[] d = new double[withMu ? n + np : n];
                for (int i = 0; i < d.length; i++) d[i] = -g[i];
                return d;
            }
        };
    }

    private interface ParamRows {
        /** (∂f/∂p)ᵀ M⁻ᵀ x_ν. */
        double[] apply(double[] xNu);
    }

    /**
     * The block lower-triangular J_aug = [[A, 0], [−(∂f/∂p)ᵀM⁻ᵀ, 0]] of x = [ν, μ] (μ absent when
     * size is n): W = c·I − J_aug is solved as ν by A's factorisation, then μ by one VJP.
     */
    private final class Block implements Jacobian<double[]> {
        private final int size;
        private final Jacobian<double[]> a;
        private final ParamRows paramRows;

        Block(int size, Jacobian<double[]> a, ParamRows paramRows) {
            this.size = size;
            this.a = a;
            this.paramRows = paramRows;
        }

        @Override public int size() { return size; }

        @Override public boolean complete() { return size == n; }

        /** The ν block only (the μ rows are never formed): for diagnostics. */
        @Override public double[] values() {
            double[] v = new double[size * size];
            double[] m = a.values();
            for (int r = 0; r < n; r++) System.arraycopy(m, r * n, v, r * size, n);
            return v;
        }

        @Override public Factorization<double[]> factorW(double c, double[] mass) {
            if (mass != null) throw new IllegalArgumentException("an adjoint system takes no mass matrix (it integrates Mᵀλ)");
            Factorization<double[]> wa = a.factorW(c, null);
            return new Factorization<>() {
                @Override public boolean singular() { return wa.singular(); }

                @Override public double[] solve(double[] rhs) {
                    double[] xNu = wa.solve(java.util.Arrays.copyOf(rhs, n));
                    if (size == n) return xNu;
                    double[] out = java.util.Arrays.copyOf(xNu, size);
                    double[] fp = paramRows.apply(xNu);
                    for (int i = 0; i < np; i++) out[n + i] = (rhs[n + i] - fp[i]) / c;   // W's μ rows: f_pᵀM⁻ᵀ x_ν + c x_μ = b_μ
                    return out;
                }
            };
        }
    }
}
