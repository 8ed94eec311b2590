package dev.fluxion.tensor;

import java.util.Arrays;

/**
 * Matrix product of operands of rank ≥ 2 whose leading axes are batch axes with NumPy
 * broadcasting. {@link Tensor#matmul} promotes vectors before calling it.
 */
public final class MatMul extends KernelOp {
    public static final MatMul INSTANCE = new MatMul();

    private MatMul() {}

    @Override public String name() { return "matmul"; }

    private static Shape batch(Shape s) {
        return Shape.wrap(Arrays.copyOf(s.raw(), s.rank() - 2));
    }

    @Override public Shape outShape(Shape[] in) {
        Shape a = in[0], b = in[1];
        if (a.rank() < 2 || b.rank() < 2 || a.dim(-1) != b.dim(-2)) {
            throw new IllegalArgumentException("matmul: shapes " + a + " and " + b + " are not aligned (inner dimensions differ)");
        }
        Shape bt;
        try {
            bt = Shape.broadcast(batch(a), batch(b), "matmul");
        } catch (IllegalArgumentException e) {   // name the operands' shapes, not just their batch parts
            throw new IllegalArgumentException("matmul: the batch axes of shapes " + a + " and " + b + " cannot be broadcast together");
        }
        int[] d = Arrays.copyOf(bt.raw(), bt.rank() + 2);
        d[bt.rank()] = a.dim(-2);
        d[bt.rank() + 1] = b.dim(-1);
        return Shape.wrap(d);
    }

    @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
        Shape sa = s[0], sb = s[1];
        int m = sa.dim(-2), k = sa.dim(-1), n = sb.dim(-1);
        double[] a = in[0], b = in[1];
        if (sa.rank() == 2 && sb.rank() == 2) {
            gemm(a, 0, b, 0, out, 0, m, k, n);
            return;
        }
        Shape ob = batch(so);
        int nb = ob.size();
        int[] ia = Broadcasting.indexMap(batch(sa), ob);
        int[] ib = Broadcasting.indexMap(batch(sb), ob);
        for (int q = 0; q < nb; q++) gemm(a, ia[q] * m * k, b, ib[q] * k * n, out, q * m * n, m, k, n);
    }

    @Override public Kernel kernel(Shape[] s, Shape so) {
        Shape sa = s[0], sb = s[1];
        int m = sa.dim(-2), k = sa.dim(-1), n = sb.dim(-1);
        if (sa.rank() == 2 && sb.rank() == 2) return (in, out) -> gemm(in[0], 0, in[1], 0, out, 0, m, k, n);
        return super.kernel(s, so);
    }

    /** out[m×n] = a[m×k] · b[k×n], i-k-j order so the inner loop runs along rows of b and out. */
    static void gemm(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int n) {
        if (n == 1) {
            for (int i = 0; i < m; i++) {
                double acc = 0.0;
                int ar = ao + i * k;
                for (int p = 0; p < k; p++) acc += a[ar + p] * b[bo + p];
                out[oo + i] = acc;
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int orow = oo + i * n;
            Arrays.fill(out, orow, orow + n, 0.0);
            int ar = ao + i * k;
            for (int p = 0; p < k; p++) {
                double aip = a[ar + p];
                int brow = bo + p * n;
                for (int j = 0; j < n; j++) out[orow + j] += aip * b[brow + j];
            }
        }
    }

    /** Swaps the last two axes. */
    static Tensor mT(Tensor x) {
        int r = x.rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        p[r - 2] = r - 1;
        p[r - 1] = r - 2;
        return x.transpose(p);
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int r = out.rank();
        Tensor da = t[0] == null ? null : Lanes.align(t[0], r).matmul(in[1]);
        Tensor db = t[1] == null ? null : in[0].matmul(Lanes.align(t[1], r));
        Tensor res = Lanes.add(da, db);
        return res == null ? null : Lanes.broadcastTo(res, out.shape());
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        Tensor[] g = new Tensor[2];
        if (needs[0]) g[0] = ct.matmul(mT(in[1])).sumTo(in[0].shape());
        if (needs[1]) g[1] = mT(in[0]).matmul(ct).sumTo(in[1].shape());
        return g;
    }
}
