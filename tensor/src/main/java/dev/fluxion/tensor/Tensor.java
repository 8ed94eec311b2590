package dev.fluxion.tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * An immutable, row-major float64 array of any rank, with NumPy broadcasting.
 *
 * <p>A tensor is <em>primal</em> (plain numbers), or wrapped by one or more AD levels: <em>dual</em>
 * (forward-mode tangent lanes), <em>tracked</em> (recorded on a reverse tape) or a <em>tracer</em>
 * (recorded for compilation). Every op below works on every kind: on primal inputs it runs its
 * kernel and records nothing; otherwise {@link Dispatch} hands it to the innermost level.
 *
 * <p>Kotlin sees {@code plus minus times div unaryMinus get} as operators; scalar-on-the-left
 * operators ({@code 2.0 * t}) are in {@code TensorOperators.kt}.
 */
public final class Tensor {
    final Shape shape;
    final double[] data;
    final AdBox box;

    /** Takes ownership of data (no copy). */
    Tensor(Shape shape, double[] data) {
        this.shape = shape;
        this.data = data;
        this.box = null;
    }

    private Tensor(AdBox box) {
        Tensor inner = box.inner();
        this.shape = inner.shape;
        this.data = inner.data;
        this.box = box;
    }

    // ------------------------------------------------------------------ construction

    /** A rank-1 tensor of the given values. */
    public static Tensor of(double... values) {
        return new Tensor(Shape.wrap(new int[] {values.length}), values.clone());
    }

    /** A rank-2 tensor from rows of equal length. */
    public static Tensor of(double[][] rows) {
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] d = new double[m * n];
        for (int i = 0; i < m; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException("Tensor.of: row " + i + " has length " + rows[i].length + ", row 0 has " + n);
            }
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new Tensor(Shape.wrap(new int[] {m, n}), d);
    }

    /** A tensor of the given shape holding a copy of data (row-major). */
    public static Tensor of(Shape shape, double... data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("Tensor.of: shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        return new Tensor(shape, data.clone());
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(double value) {
        return new Tensor(Shape.SCALAR, new double[] {value});
    }

    public static Tensor zeros(int... dims) { return zeros(Shape.of(dims)); }

    public static Tensor zeros(Shape shape) { return new Tensor(shape, new double[shape.size()]); }

    public static Tensor ones(int... dims) { return full(1.0, dims); }

    public static Tensor ones(Shape shape) { return full(1.0, shape); }

    public static Tensor full(double value, int... dims) { return full(value, Shape.of(dims)); }

    public static Tensor full(double value, Shape shape) {
        double[] d = new double[shape.size()];
        Arrays.fill(d, value);
        return new Tensor(shape, d);
    }

    /** The n×n identity. */
    public static Tensor eye(int n) {
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1.0;
        return new Tensor(Shape.wrap(new int[] {n, n}), d);
    }

    /** start, start + step, ... up to but excluding end. */
    public static Tensor arange(double start, double end, double step) {
        if (!(step != 0.0) || !Double.isFinite(step)) throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(Shape.wrap(new int[] {n}), d);
    }

    /** 0, 1, ..., n−1. */
    public static Tensor arange(int n) { return arange(0, n, 1); }

    /** n evenly spaced points from a to b inclusive. */
    public static Tensor linspace(double a, double b, int n) {
        if (n < 1) throw new IllegalArgumentException("linspace: n must be at least 1, got " + n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        if (n > 1) d[n - 1] = b;
        return new Tensor(Shape.wrap(new int[] {n}), d);
    }

    /** Uniform on [0, 1) from an explicit (seeded) generator. */
    public static Tensor rand(RandomGenerator rng, int... dims) {
        Shape s = Shape.of(dims);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextDouble();
        return new Tensor(s, d);
    }

    /** Standard normal from an explicit (seeded) generator. */
    public static Tensor randn(RandomGenerator rng, int... dims) {
        Shape s = Shape.of(dims);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Tensor(s, d);
    }

    /**
     * Wraps an array without copying. The caller must never modify it afterwards: tensors are
     * immutable and share storage freely. For kernels, solvers and backends.
     */
    public static Tensor unsafeWrap(Shape shape, double[] data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("unsafeWrap: shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        return new Tensor(shape, data);
    }

    /** A tensor wrapped by an AD level (for the autodiff module's levels). */
    public static Tensor wrap(AdBox box) { return new Tensor(box); }

    // ------------------------------------------------------------------ reading

    public Shape shape() { return shape; }

    public int rank() { return shape.rank(); }

    public int size() { return shape.size(); }

    public int dim(int axis) { return shape.dim(axis); }

    public Device device() { return Device.CPU; }

    /** Moves to a device; a no-op for the device the tensor is on. */
    public Tensor to(Device device) {
        if (device == Device.CPU) return this;
        throw new UnsupportedOperationException("no backend is loaded that can move tensors to " + device.name());
    }

    /** The AD wrapper, or null for a primal tensor (for the autodiff module). */
    public AdBox box() { return box; }

    /** Whether this tensor carries no AD information. */
    public boolean isPrimal() { return box == null; }

    /** False for a tracer (or a tensor wrapping one): its numbers are only an example and must not steer code. */
    public boolean isConcrete() {
        for (AdBox b = box; b != null; b = b.inner().box) if (!b.concrete() && b.level().active()) return false;
        return true;
    }

    /** "primal", "dual", "tracked" or "tracer" (the outermost wrapper). */
    public String kind() { return box == null ? "primal" : box.kind(); }

    /** The single value of a one-element tensor. */
    public double item() {
        if (shape.size() != 1) throw new IllegalArgumentException("item() needs a tensor of one element, got shape " + shape);
        checkConcrete("item()");
        return data[0];
    }

    /** A copy of the values, row-major. */
    public double[] toDoubleArray() {
        checkConcrete("toDoubleArray()");
        return data.clone();
    }

    /** The value at a flat row-major index, without copying (a detached read). */
    public double valueAt(int flatIndex) {
        checkConcrete("valueAt()");
        return data[flatIndex];
    }

    /**
     * The backing array, for kernels and solvers that read values on hot paths (step control reads
     * primal values this way). Never modify it. Carries no AD information and skips the tracing check.
     */
    public double[] unsafeData() { return data; }

    double[] rawData() { return data; }

    private void checkConcrete(String what) {
        for (AdBox b = box; b != null; b = b.inner().box) {
            if (!b.concrete() && b.level().active()) {
                throw new ConcretizationException(what + " reads the numbers of a tensor that is being traced for compilation; "
                        + "code whose control flow depends on tensor values cannot be compiled (run it eagerly instead)");
            }
        }
    }

    /** This tensor with every finished level's wrapper removed. */
    Tensor stripInactive() {
        Tensor t = this;
        while (t.box != null && !t.box.level().active()) t = t.box.inner();
        if (t.box == null) return t;
        // An active wrapper may still hold finished levels further in; those are handled when the
        // active level strips itself and dispatches again.
        return t;
    }

    /** The innermost primal value (all AD information dropped, not recorded anywhere). */
    public Tensor primal() {
        if (box == null) return this;
        checkConcrete("primal()");
        return new Tensor(shape, data);
    }

    // ------------------------------------------------------------------ elementwise arithmetic

    public Tensor plus(Tensor o) {
        if (box == null && o.box == null) return ElementwiseOps.Binary.ADD.eager(this, o);
        return Dispatch.apply(ElementwiseOps.Binary.ADD, this, o);
    }

    public Tensor minus(Tensor o) {
        if (box == null && o.box == null) return ElementwiseOps.Binary.SUB.eager(this, o);
        return Dispatch.apply(ElementwiseOps.Binary.SUB, this, o);
    }

    /** Elementwise product (use {@link #matmul} for the matrix product). */
    public Tensor times(Tensor o) {
        if (box == null && o.box == null) return ElementwiseOps.Binary.MUL.eager(this, o);
        return Dispatch.apply(ElementwiseOps.Binary.MUL, this, o);
    }

    public Tensor div(Tensor o) {
        if (box == null && o.box == null) return ElementwiseOps.Binary.DIV.eager(this, o);
        return Dispatch.apply(ElementwiseOps.Binary.DIV, this, o);
    }

    public Tensor pow(Tensor o) { return binary(ElementwiseOps.Binary.POW, o); }

    /** Elementwise maximum of two tensors (ties pass the derivative to this). */
    public Tensor maximum(Tensor o) { return binary(ElementwiseOps.Binary.MAXIMUM, o); }

    /** Elementwise minimum of two tensors (ties pass the derivative to this). */
    public Tensor minimum(Tensor o) { return binary(ElementwiseOps.Binary.MINIMUM, o); }

    public Tensor plus(double c) { return scalarOp(ElementwiseOps.ScalarKind.ADD, c); }

    public Tensor minus(double c) { return scalarOp(ElementwiseOps.ScalarKind.ADD, -c); }

    public Tensor times(double c) { return scalarOp(ElementwiseOps.ScalarKind.MUL, c); }

    public Tensor div(double c) { return scalarOp(ElementwiseOps.ScalarKind.DIV, c); }

    public Tensor pow(double c) { return scalarOp(ElementwiseOps.ScalarKind.POW, c); }

    /** c − this. */
    public Tensor rsub(double c) { return scalarOp(ElementwiseOps.ScalarKind.RSUB, c); }

    /** c / this. */
    public Tensor rdiv(double c) { return scalarOp(ElementwiseOps.ScalarKind.RDIV, c); }

    public Tensor unaryMinus() { return unary(ElementwiseOps.Unary.NEG); }

    public Tensor abs() { return unary(ElementwiseOps.Unary.ABS); }

    public Tensor exp() { return unary(ElementwiseOps.Unary.EXP); }

    public Tensor log() { return unary(ElementwiseOps.Unary.LOG); }

    public Tensor sqrt() { return unary(ElementwiseOps.Unary.SQRT); }

    public Tensor square() { return unary(ElementwiseOps.Unary.SQUARE); }

    public Tensor sin() { return unary(ElementwiseOps.Unary.SIN); }

    public Tensor cos() { return unary(ElementwiseOps.Unary.COS); }

    public Tensor tanh() { return unary(ElementwiseOps.Unary.TANH); }

    public Tensor sigmoid() { return unary(ElementwiseOps.Unary.SIGMOID); }

    public Tensor relu() { return unary(ElementwiseOps.Unary.RELU); }

    /** log(1 + exp(x)), computed stably. */
    public Tensor softplus() { return unary(ElementwiseOps.Unary.SOFTPLUS); }

    /** −1, 0 or 1 (no derivative). */
    public Tensor sign() { return unary(ElementwiseOps.Unary.SIGN); }

    // ------------------------------------------------------------------ comparisons (0/1, no derivative)

    public Tensor gt(Tensor o) { return binary(ElementwiseOps.Binary.GT, o); }
    public Tensor ge(Tensor o) { return binary(ElementwiseOps.Binary.GE, o); }
    public Tensor lt(Tensor o) { return binary(ElementwiseOps.Binary.LT, o); }
    public Tensor le(Tensor o) { return binary(ElementwiseOps.Binary.LE, o); }
    public Tensor eq(Tensor o) { return binary(ElementwiseOps.Binary.EQ, o); }
    public Tensor ne(Tensor o) { return binary(ElementwiseOps.Binary.NE, o); }
    public Tensor gt(double c) { return scalarOp(ElementwiseOps.ScalarKind.GT, c); }
    public Tensor ge(double c) { return scalarOp(ElementwiseOps.ScalarKind.GE, c); }
    public Tensor lt(double c) { return scalarOp(ElementwiseOps.ScalarKind.LT, c); }
    public Tensor le(double c) { return scalarOp(ElementwiseOps.ScalarKind.LE, c); }
    public Tensor eq(double c) { return scalarOp(ElementwiseOps.ScalarKind.EQ, c); }

    /** cond ? a : b elementwise with broadcasting; cond is read as nonzero = true and gets no derivative. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return apply(ElementwiseOps.Where.INSTANCE, cond, a, b);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (a scalar). */
    public Tensor sum() { return apply(ReductionOps.SumAll.INSTANCE, this); }

    /** Sum along an axis, which is removed. */
    public Tensor sum(int axis) { return sum(axis, false); }

    public Tensor sum(int axis, boolean keepDims) {
        return apply(new ReductionOps.SumAxis(shape.axis(axis), keepDims), this);
    }

    public Tensor mean() { return sum().div(shape.size()); }

    public Tensor mean(int axis) { return mean(axis, false); }

    public Tensor mean(int axis, boolean keepDims) { return sum(axis, keepDims).div(shape.dim(axis)); }

    /** Largest element; ties share the derivative equally. */
    public Tensor max() { return apply(new ReductionOps.Max(-1, false), this); }

    public Tensor max(int axis) { return max(axis, false); }

    public Tensor max(int axis, boolean keepDims) {
        return apply(new ReductionOps.Max(shape.axis(axis), keepDims), this);
    }

    public Tensor min() { return unaryMinus().max().unaryMinus(); }

    public Tensor min(int axis) { return min(axis, false); }

    public Tensor min(int axis, boolean keepDims) { return unaryMinus().max(axis, keepDims).unaryMinus(); }

    /** Euclidean norm of all elements. */
    public Tensor norm() { return square().sum().sqrt(); }

    /** Root mean square of all elements. */
    public Tensor rms() { return square().mean().sqrt(); }

    /**
     * The weighted RMS norm that adaptive step control uses (Hairer–Nørsett–Wanner I, II.4):
     * sqrt(mean((x_i / scale_i)²)) with scale broadcast against x.
     */
    public Tensor rmsNorm(Tensor scale) { return div(scale).rms(); }

    // ------------------------------------------------------------------ shape

    public Tensor reshape(int... dims) { return reshape(ShapeOps.inferReshape(shape, dims)); }

    public Tensor reshape(Shape target) {
        if (target.equals(shape)) return this;
        return apply(new ShapeOps.Reshape(target), this);
    }

    public Tensor flatten() { return reshape(shape.size()); }

    /** Inserts an axis of length 1. */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.rank() + 1 : axis;
        return reshape(shape.insert(a, 1));
    }

    /** Removes an axis of length 1. */
    public Tensor squeeze(int axis) {
        if (shape.dim(axis) != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " has length " + shape.dim(axis) + ", not 1");
        return reshape(shape.remove(axis));
    }

    /** Reverses the axes (the matrix transpose for rank 2; a no-op for rank 0 and 1). */
    public Tensor transpose() {
        int r = shape.rank();
        if (r < 2) return this;
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        return transpose(perm);
    }

    /** Permutes axes: output axis i is input axis perm[i]. */
    public Tensor transpose(int... perm) {
        ShapeOps.Transpose op = new ShapeOps.Transpose(perm, shape);
        if (op.isIdentity()) return this;
        return apply(op, this);
    }

    /** Elements start (inclusive) to end (exclusive) along axis; negative indices count from the end. */
    public Tensor slice(int axis, int start, int end) {
        int a = shape.axis(axis);
        int n = shape.dim(a);
        int s = start < 0 ? start + n : start;
        int e = end < 0 ? end + n : end;
        if (s < 0 || e > n || s > e) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is out of bounds for axis " + axis + " of shape " + shape);
        }
        if (s == 0 && e == n) return this;
        return apply(new ShapeOps.Slice(a, s, e), this);
    }

    /** Index i along the first axis, which is removed ({@code u[0]} in Kotlin). */
    public Tensor get(int i) {
        if (shape.rank() == 0) throw new IllegalArgumentException("get: cannot index a scalar");
        int n = shape.dim(0);
        int k = i < 0 ? i + n : i;
        if (k < 0 || k >= n) throw new IndexOutOfBoundsException("get: index " + i + " is out of bounds for axis 0 of shape " + shape);
        return slice(0, k, k + 1).reshape(shape.dropFirst());
    }

    /** Successive indices along the leading axes ({@code m[i, j]} in Kotlin). */
    public Tensor get(int... index) {
        Tensor t = this;
        for (int i : index) t = t.get(i);
        return t;
    }

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat: needs at least one tensor");
        if (xs.length == 1) return xs[0];
        return apply(new ShapeOps.Concat(xs[0].shape.axis(axis), xs.length), xs.clone());
    }

    /** Joins equally shaped tensors along a new axis. */
    public static Tensor stack(int axis, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("stack: needs at least one tensor");
        Tensor[] u = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!xs[i].shape.equals(xs[0].shape)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + xs[i].shape + ", tensor 0 has " + xs[0].shape);
            }
            u[i] = xs[i].unsqueeze(axis);
        }
        return concat(axis, u);
    }

    /** Joins equally shaped tensors along a new leading axis. */
    public static Tensor stack(Tensor... xs) { return stack(0, xs); }

    public Tensor broadcastTo(int... dims) { return broadcastTo(Shape.of(dims)); }

    public Tensor broadcastTo(Shape target) {
        if (target.equals(shape)) return this;
        if (!shape.broadcastsTo(target)) throw new IllegalArgumentException("broadcastTo: shape " + shape + " cannot be broadcast to " + target);
        return apply(new ShapeOps.BroadcastTo(target), this);
    }

    /** Sums over the axes that broadcasting from target to this shape added: the adjoint of broadcastTo. */
    public Tensor sumTo(Shape target) {
        if (target.equals(shape)) return this;
        if (!target.broadcastsTo(shape)) throw new IllegalArgumentException("sumTo: shape " + shape + " cannot be reduced to " + target);
        return apply(new ShapeOps.SumTo(target), this);
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * Matrix product with NumPy's matmul rules: vectors are promoted (and the added axis removed),
     * leading axes are batch axes and broadcast.
     */
    public Tensor matmul(Tensor o) {
        if (shape.rank() == 0 || o.shape.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank at least 1, got shapes " + shape + " and " + o.shape);
        }
        // Checked before vectors are promoted, so the message names the caller's shapes, not [1, k] / [k, 1].
        int ka = shape.dim(-1), kb = o.shape.rank() == 1 ? o.shape.dim(0) : o.shape.dim(-2);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + shape + " and " + o.shape + " are not aligned (inner dimensions " + ka + " and " + kb + " differ)");
        }
        Tensor a = shape.rank() == 1 ? reshape(1, shape.dim(0)) : this;
        Tensor b = o.shape.rank() == 1 ? o.reshape(o.shape.dim(0), 1) : o;
        Tensor r = apply(MatMul.INSTANCE, a, b);
        if (shape.rank() == 1 && o.shape.rank() == 1) return r.reshape(Shape.SCALAR);
        if (shape.rank() == 1) return r.squeeze(-2);
        if (o.shape.rank() == 1) return r.squeeze(-1);
        return r;
    }

    /**
     * op(a)·op(b) for operands of rank ≥ 2, op(x) being x or, when its flag is set, x transposed
     * over the last two axes; no transpose is materialized (BLAS's transa/transb).
     */
    public static Tensor matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul with transposes: operands must have rank at least 2, got shapes " + a.shape + " and " + b.shape);
        }
        return apply(MatMul.of(transposeA, transposeB), a, b);
    }

    /** Inner product of two vectors of equal length. */
    public Tensor dot(Tensor o) {
        if (shape.rank() != 1 || !shape.equals(o.shape)) throw new IllegalArgumentException("dot: needs two vectors of equal length, got shapes " + shape + " and " + o.shape);
        return matmul(o);
    }

    /** Solves A x = b by LU with partial pivoting; b is a vector [n] or a matrix [n, k]. */
    public static Tensor solve(Tensor a, Tensor b) {
        LinalgOps.checkSquare("solve", a);
        if (b.shape.rank() == 1) {
            if (b.shape.dim(0) != a.shape.dim(0)) {   // named before b is promoted to [n, 1]
                throw new IllegalArgumentException("solve: needs A [n, n] and b [n] or [n, k], got shapes " + a.shape + " and " + b.shape);
            }
            return apply(LinalgOps.Solve.INSTANCE, a, b.reshape(b.shape.dim(0), 1)).reshape(b.shape);
        }
        return apply(LinalgOps.Solve.INSTANCE, a, b);
    }

    /**
     * LU factorisation with partial pivoting, for solving several systems with this matrix: factor
     * once, then {@link Lu#solve} per right-hand side. Solutions are differentiable with respect to
     * this matrix and the right-hand sides in every mode, and a reverse tape records one entry per
     * solve (none for the factorisation).
     */
    public Lu lu() {
        LinalgOps.checkSquare("lu", this);
        return new Lu(this, apply(LuOps.Factor.INSTANCE, this));
    }

    /** Determinant of a square matrix. */
    public Tensor det() {
        LinalgOps.checkSquare("det", this);
        return apply(LinalgOps.Det.INSTANCE, this);
    }

    /** log(det(A)); NaN where det(A) &lt; 0, as log of a negative number. */
    public Tensor logdet() {
        LinalgOps.checkSquare("logdet", this);
        return apply(LinalgOps.LogDet.INSTANCE, this);
    }

    /** Inverse of a square matrix (prefer {@link #solve}). */
    public Tensor inv() {
        LinalgOps.checkSquare("inv", this);
        return solve(this, eye(shape.dim(0)));
    }

    /**
     * Σ c_i x_i over equally shaped tensors, as one op (one tape node): the stage sums of
     * Runge–Kutta methods.
     */
    public static Tensor linearCombination(double[] c, Tensor... xs) {
        if (c.length != xs.length) {
            throw new IllegalArgumentException("linearCombination: " + c.length + " coefficients for " + xs.length + " tensors");
        }
        if (xs.length == 0) throw new IllegalArgumentException("linearCombination: needs at least one tensor");
        boolean plain = true;
        for (Tensor x : xs) if (x.box != null) { plain = false; break; }
        if (plain) return LinearCombination.eager(c, xs);
        return Dispatch.apply(new LinearCombination(c.clone()), xs.clone());
    }

    /** The same value with no derivative flowing through it (JAX's stop_gradient). */
    public Tensor detach() {
        if (box == null) return this;
        return Dispatch.apply(ShapeOps.StopGradient.INSTANCE, this);
    }

    // ------------------------------------------------------------------ plumbing

    private Tensor unary(ElementwiseOps.Unary fn) {
        if (box == null) return fn.eager(this);
        return Dispatch.apply(fn, this);
    }

    private Tensor binary(ElementwiseOps.Binary op, Tensor o) {
        if (box == null && o.box == null) return op.eager(this, o);
        return Dispatch.apply(op, this, o);
    }

    private Tensor scalarOp(ElementwiseOps.ScalarKind kind, double c) {
        if (box == null) return ElementwiseOps.ScalarOp.eager(kind, c, this);
        return Dispatch.apply(new ElementwiseOps.ScalarOp(kind, c), this);
    }

    private static Tensor apply(Op op, Tensor... in) {
        return Dispatch.apply(op, in);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor");
        sb.append(shape);
        if (box != null) sb.append('<').append(kind()).append('>');
        sb.append('(');
        int n = Math.min(data.length, 12);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[i]);
        }
        if (data.length > n) sb.append(", ...");
        return sb.append(')').toString();
    }
}
