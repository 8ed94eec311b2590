package dev.fluxion.diffeq;

import dev.fluxion.autodiff.AD;
import dev.fluxion.tensor.Lu;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/** States as tensors of any kind: the path of every AD mode (derivatives flow through the ops). */
public final class TensorStateOps implements StateOps<Tensor> {
    private final OdeFunction f;
    private final Tensor p;
    private final Shape shape;
    private final OdeJacobian userJacobian;
    private int evaluations;

    public TensorStateOps(OdeFunction f, Tensor p, Shape shape) {
        this(f, p, shape, null);
    }

    /** With a user-supplied Jacobian (null: {@code AD.jacobian} over f). */
    public TensorStateOps(OdeFunction f, Tensor p, Shape shape, OdeJacobian jacobian) {
        this.f = f;
        this.p = p;
        this.shape = shape;
        this.userJacobian = jacobian;
    }

    @Override public Tensor eval(Tensor u, double t) {
        evaluations++;
        return f.apply(u, p, Tensor.scalar(t));
    }

    @Override public Tensor combine(double[] c, Tensor[] xs) {
        return Tensor.linearCombination(c, xs);
    }

    // Coefficient and operand arrays reused across sums (one solve, one thread): the combination
    // op copies what it keeps.
    private double[][] coefScratch = new double[8][];
    private Tensor[][] operandScratch = new Tensor[8][];

    @Override public Tensor rkSum(Tensor u, double h, double[] a, int[] deps, Tensor[] k, boolean stageInput) {
        int m = 1;
        for (int j = 0; j < deps.length; j++) if (h * a[j] != 0.0) m++;   // zero terms would still cost a VJP
        if (m >= coefScratch.length) {
            coefScratch = java.util.Arrays.copyOf(coefScratch, 2 * m);
            operandScratch = java.util.Arrays.copyOf(operandScratch, 2 * m);
        }
        double[] c = coefScratch[m];
        Tensor[] xs = operandScratch[m];
        if (c == null) {
            coefScratch[m] = c = new double[m];
            operandScratch[m] = xs = new Tensor[m];
        }
        c[0] = 1.0;
        xs[0] = u;
        for (int j = 0, i = 1; j < deps.length; j++) {
            double cj = h * a[j];
            if (cj == 0.0) continue;
            c[i] = cj;
            xs[i++] = k[deps[j]];
        }
        return combine(c, xs);   // a tensor state has no passive components to skip
    }

    @Override public double[] values(Tensor x) { return x.unsafeData(); }

    @Override public Tensor tensor(Tensor x) { return x; }

    @Override public Tensor state(Tensor x) { return x; }

    @Override public int normLength() { return shape.size(); }

    @Override public double[] evalValues(double[] u, double t) {
        evaluations++;
        return f.apply(Tensor.unsafeWrap(shape, u), p.primal(), Tensor.scalar(t)).unsafeData();
    }

    @Override public int evaluations() { return evaluations; }

    @Override public Tensor p() { return p; }

    /** J by forward lanes over f (chunked dual lanes); J carries whatever derivatives u and p carry. */
    @Override public Jacobian<Tensor> jacobian(Tensor u, double t) {
        evaluations++;
        int n = shape.size();
        Tensor tt = Tensor.scalar(t);
        if (userJacobian != null) return new TensorJacobian(OdeJacobian.checked(userJacobian.apply(u, p, tt), n, t), n, shape);
        Tensor j = AD.jacobian(x -> f.apply(x.reshape(shape), p, tt).reshape(n), u.reshape(n));
        return new TensorJacobian(j, n, shape);
    }

    @Override public Tensor timeDerivative(Tensor u, double t) {
        evaluations++;
        return AD.jvp(s -> f.apply(u, p, s), Tensor.scalar(t), Tensor.scalar(1.0));
    }

    /** W = c·M − J by tensor ops and its differentiable LU: stage solves are luSolve nodes on the same factors. */
    private record TensorJacobian(Tensor j, int n, Shape shape) implements Jacobian<Tensor> {
        @Override public int size() { return n; }

        @Override public double[] values() { return j.primal().unsafeData(); }

        @Override public Factorization<Tensor> factorW(double c, double[] mass) {
            Tensor m;
            if (mass == null) {
                m = Tensor.eye(n);
            } else {
                if (mass.length != n * n) {
                    throw new IllegalArgumentException("the mass matrix has " + mass.length + " entries; a state of size " + n + " needs " + n * n);
                }
                m = Tensor.unsafeWrap(Shape.of(n, n), mass.clone());
            }
            Lu lu = m.times(c).minus(j).lu();
            return new Factorization<>() {
                @Override public boolean singular() { return lu.isSingular(); }

                @Override public Tensor solve(Tensor b) { return lu.solve(b.reshape(n)).reshape(shape); }
            };
        }
    }

    @Override public Tensor[] newArray(int n) { return new Tensor[n]; }
}
