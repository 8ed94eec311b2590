package dev.fluxion.diffeq;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The right-hand side of an ODE as a stepper evaluates it (diffrax's {@code ODETerm}): f with its
 * compiled programs. Problems hold a term; solvers, sensitivity methods and adjoints ask the term
 * for values and compiled programs (whose JVP and VJP programs give Jacobians and adjoints), never
 * the problem. SDE and DDE problems add their diffusion and history terms beside this one.
 *
 * <p>Compiled programs are shared by every term built on the same function object (as JAX caches
 * jit by function and shapes): a loss that builds a new problem on each call traces f once. The
 * shared cache holds f weakly — its key weakly, and its programs through a weak reference — so a
 * function nothing else uses is collected together with its programs and generated classes.
 */
public final class OdeTerm {
    private static final Object EAGER = new Object();
    private static final Map<OdeFunction, Programs> BY_FUNCTION = Collections.synchronizedMap(new WeakHashMap<>());

    private final OdeFunction f;
    private final Programs programs;
    /** The constant mass matrix M of M u' = f (a plain [n, n] tensor), or null for the identity. */
    private final Tensor mass;
    /** A user-supplied ∂f/∂u, or null: then the state plans take J by forward lanes over f. */
    private final OdeJacobian jacobian;

    private OdeTerm(OdeFunction f, Programs programs, Tensor mass, OdeJacobian jacobian) {
        this.f = f;
        this.programs = programs;
        this.mass = mass;
        this.jacobian = jacobian;
    }

    /** The term of f, sharing compiled programs with every other term of the same function object. */
    public static OdeTerm of(OdeFunction f) {
        if (f == null) throw new IllegalArgumentException("the right-hand side f is null: a problem needs f(u, p, t)");
        return new OdeTerm(f, BY_FUNCTION.computeIfAbsent(f, Programs::new), null, null);
    }

    public OdeFunction function() { return f; }

    /**
     * The same f with the constant mass matrix M (M u' = f(u, p, t)); M may be singular (an index-1
     * differential-algebraic system: its zero rows are algebraic equations 0 = f_i). M must be a
     * square matrix of plain, finite values; its fit to the state is checked by {@link #checkMass}.
     */
    public OdeTerm withMass(Tensor m) {
        if (m == null) return new OdeTerm(f, programs, null, jacobian);
        if (m.rank() != 2 || m.shape().dim(0) != m.shape().dim(1)) {
            throw new IllegalArgumentException("mass matrix: must be a square matrix [n, n], got shape " + m.shape());
        }
        if (!m.isPrimal()) {
            throw new IllegalArgumentException("mass matrix: must be constant (a plain tensor); this one carries derivatives (" + m.kind() + ")");
        }
        for (double v : m.unsafeData()) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("mass matrix: entries must be finite, got " + v);
        }
        return new OdeTerm(f, programs, m, jacobian);
    }

    /** The same f with a user-supplied Jacobian ∂f/∂u (null: exact forward lanes over f). */
    public OdeTerm withJacobian(OdeJacobian j) { return new OdeTerm(f, programs, mass, j); }

    /** The user-supplied Jacobian, or null. */
    public OdeJacobian jacobian() { return jacobian; }

    /** The mass matrix M, or null when it is the identity. */
    public Tensor mass() { return mass; }

    /**
     * M's values [n·n] row-major for a state of shape uShape, or null when M is the identity; a
     * matrix that does not fit the state is a named error.
     */
    public double[] checkMass(Shape uShape) {
        if (mass == null) return null;
        int n = uShape.size();
        if (mass.shape().dim(0) != n) {
            throw new IllegalArgumentException("mass matrix: has shape " + mass.shape() + " but the state has " + n
                    + " components (shape " + uShape + "); it must be [" + n + ", " + n + "]");
        }
        return mass.unsafeData();
    }

    /**
     * f(u, p, t), checked: a null result or one whose shape differs from u's is an error that names
     * f and the time, not a failure deep inside a solver.
     */
    public Tensor evaluate(Tensor u, Tensor p, Tensor t) {
        return checked(f.apply(u, p, t), u.shape(), t);
    }

    static Tensor checked(Tensor du, Shape uShape, Tensor t) {
        if (du == null) {
            throw new IllegalArgumentException("the right-hand side f returned null at t = " + describe(t) + "; it must return du, shaped like u");
        }
        if (du.shape() != uShape && !du.shape().equals(uShape)) {
            throw new IllegalArgumentException("the right-hand side f returned shape " + du.shape() + " at t = " + describe(t)
                    + " for a state of shape " + uShape + "; du must have the shape of u at every call");
        }
        return du;
    }

    private static String describe(Tensor t) {
        return t.isConcrete() ? Double.toString(t.primal().valueAt(0)) : "(traced)";
    }

    /** f compiled for arguments shaped like u and p, or null when f cannot be traced (it then runs eagerly). */
    public CompiledFunction compiled(Tensor u, Tensor p) {
        CompiledFunction cf = programs.compiled(u, p);
        if (cf != null && !cf.outputShape().equals(u.shape())) {
            throw new IllegalArgumentException("the right-hand side f returned shape " + cf.outputShape() + " for a state of shape "
                    + u.shape() + "; du must have the shape of u");
        }
        return cf;
    }

    /** Whether f has been traced successfully for these shapes (for tests and diagnostics). */
    public boolean isCompiled(Tensor u, Tensor p) { return programs.isCompiled(u, p); }

    /** One function's compiled programs per argument shapes; holds the function only weakly. */
    private static final class Programs {
        private final WeakReference<OdeFunction> f;
        private final ConcurrentHashMap<String, Object> compiled = new ConcurrentHashMap<>();
        /** The last lookup, for the common case of the same shapes solve after solve. */
        private volatile Object[] last;

        Programs(OdeFunction f) { this.f = new WeakReference<>(f); }

        CompiledFunction compiled(Tensor u, Tensor p) {
            Object[] l = last;
            if (l != null && l[0].equals(u.shape()) && l[1].equals(p.shape())) return l[2] == EAGER ? null : (CompiledFunction) l[2];
            String key = u.shape() + "|" + p.shape();
            Object c = compiled.computeIfAbsent(key, k -> {
                WeakReference<OdeFunction> ref = f;
                Shape us = u.shape();
                // The program keeps this lambda to derive its JVP and VJP programs later; it reaches
                // f only through the weak reference, so the cache never keeps f alive. Whoever
                // solves holds f (the term does), so it is there whenever a program is derived.
                CompiledFunction cf = Jit.tryCompile(a -> {
                    OdeFunction fn = ref.get();
                    if (fn == null) throw new IllegalStateException("the right-hand side was collected");
                    return checked(fn.apply(a[0], a[1], a[2]), us, a[2]);
                }, u.primal(), p.primal(), Tensor.scalar(0.0));
                return cf == null ? EAGER : cf;
            });
            last = new Object[] {u.shape(), p.shape(), c};
            return c == EAGER ? null : (CompiledFunction) c;
        }

        boolean isCompiled(Tensor u, Tensor p) {
            return compiled.get(u.shape() + "|" + p.shape()) instanceof CompiledFunction;
        }
    }
}
