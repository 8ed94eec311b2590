package dev.fluxion.tensor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Dense linear algebra through EJML's LU with partial pivoting. A singular matrix gives infinite
 * or NaN entries, as a value, not an exception (stiff solvers reject the step and shrink it).
 * Derivative rules follow Giles, "An extended collection of matrix derivative results" (2008).
 */
public final class LinalgOps {
    private LinalgOps() {}

    static void checkSquare(String op, Tensor a) {
        if (a.rank() != 2 || a.dim(0) != a.dim(1)) {
            throw new IllegalArgumentException(op + ": needs a square matrix, got shape " + a.shape());
        }
    }

    /** A^{-T}, which every rule below needs. */
    private static Tensor invT(Tensor a) {
        return Tensor.solve(a.transpose(), Tensor.eye(a.dim(0)));
    }

    /** Sum over the last two axes (a trace-like contraction after an elementwise product). */
    private static Tensor sumLastTwo(Tensor x) {
        return x.sum(-1).sum(-1);
    }

    /** X = A⁻¹ B for A [n, n] and B [n, m]. */
    public static final class Solve extends KernelOp {
        public static final Solve INSTANCE = new Solve();

        private Solve() {}

        @Override public String name() { return "solve"; }

        @Override public Shape outShape(Shape[] in) {
            Shape a = in[0], b = in[1];
            if (a.rank() != 2 || a.dim(0) != a.dim(1) || b.rank() != 2 || b.dim(0) != a.dim(0)) {
                throw new IllegalArgumentException("solve: needs A [n, n] and b [n] or [n, k], got shapes " + a + " and " + b);
            }
            return b;
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = s[0].dim(0), m = s[1].dim(1);
            DMatrixRMaj a = new DMatrixRMaj(n, n);
            System.arraycopy(in[0], 0, a.data, 0, n * n);
            DMatrixRMaj b = new DMatrixRMaj(n, m);
            System.arraycopy(in[1], 0, b.data, 0, n * m);
            DMatrixRMaj x = DMatrixRMaj.wrap(n, m, out);
            LinearSolverDense<DMatrixRMaj> lu = LinearSolverFactory_DDRM.lu(n);
            lu.setA(a);
            lu.solve(b, x);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            // dX = A⁻¹ (dB − dA X), all lanes solved at once by moving the lane axis into the columns.
            Tensor a = in[0];
            Tensor rhs = Lanes.add(t[1], t[0] == null ? null : t[0].matmul(out).unaryMinus());
            if (rhs == null) return null;
            int k = rhs.dim(0), n = out.dim(0), m = out.dim(1);
            Tensor cols = rhs.transpose(1, 0, 2).reshape(n, k * m);
            return Tensor.solve(a, cols).reshape(n, k, m).transpose(1, 0, 2);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor gb = Tensor.solve(in[0].transpose(), ct);
            Tensor[] g = new Tensor[2];
            if (needs[0]) g[0] = gb.matmul(out.transpose()).unaryMinus();
            if (needs[1]) g[1] = gb;
            return g;
        }
    }

    /** det(A). */
    public static final class Det extends KernelOp {
        public static final Det INSTANCE = new Det();

        private Det() {}

        @Override public String name() { return "det"; }

        @Override public Shape outShape(Shape[] in) { return Shape.SCALAR; }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = s[0].dim(0);
            out[0] = n == 0 ? 1.0 : CommonOps_DDRM.det(DMatrixRMaj.wrap(n, n, in[0].clone()));
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            // d det = det · tr(A⁻¹ dA) = det · Σ A^{-T} ∘ dA
            if (t[0] == null) return null;
            return sumLastTwo(t[0].times(invT(in[0]))).times(out);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {invT(in[0]).times(ct.times(out))};
        }
    }

    /** log det(A); its derivative A^{-T} holds for either sign of det. */
    public static final class LogDet extends KernelOp {
        public static final LogDet INSTANCE = new LogDet();

        private LogDet() {}

        @Override public String name() { return "logdet"; }

        @Override public Shape outShape(Shape[] in) { return Shape.SCALAR; }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = s[0].dim(0);
            out[0] = Math.log(n == 0 ? 1.0 : CommonOps_DDRM.det(DMatrixRMaj.wrap(n, n, in[0].clone())));
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[0] == null) return null;
            return sumLastTwo(t[0].times(invT(in[0])));
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {invT(in[0]).times(ct)};
        }
    }
}
