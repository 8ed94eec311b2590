package dev.fluxion.tensor;

/**
 * op(A)·op(B) + c for matrices A, B and a row vector c of op(B)'s columns: a Dense layer's
 * x·Wᵀ + b on a batch in one pass. The compiler (autodiff's Fusion) puts it in place of a
 * matmul whose only use is such an add, so the bias lands in each row of the product while the
 * row is being written instead of in a second sweep over the [B, n] result (issue 15: that sweep
 * was about a tenth of a batched neural ODE's gradient). Every element is (the product's element)
 * + c[j], the bits of the unfused pair.
 */
public final class MatMulBias extends KernelOp {
    private static final MatMulBias[] ALL = {new MatMulBias(false, false), new MatMulBias(false, true), new MatMulBias(true, false), new MatMulBias(true, true)};

    private final MatMul mm;

    private MatMulBias(boolean ta, boolean tb) { this.mm = MatMul.of(ta, tb); }

    /** The fused op(A)·op(B) + c with the given transposes. */
    public static MatMulBias of(boolean transA, boolean transB) { return ALL[(transA ? 2 : 0) + (transB ? 1 : 0)]; }

    /** The product it adds the bias to. */
    public MatMul product() { return mm; }

    @Override public String name() { return mm.name() + "+bias"; }

    @Override public Shape outShape(Shape[] in) {
        if (in.length != 3 || in[0].rank() != 2 || in[1].rank() != 2) {
            throw new IllegalArgumentException(name() + ": needs two matrices and a bias, got shapes " + java.util.Arrays.toString(in));
        }
        Shape o = mm.outShape(new Shape[] {in[0], in[1]});
        if (in[2].rank() != 1 || in[2].dim(0) != o.dim(1)) {
            throw new IllegalArgumentException(name() + ": bias of shape " + in[2] + " does not match the product's columns " + o);
        }
        return o;
    }

    @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
        MatMul.gemm(mm.transA(), mm.transB(), in[0], 0, in[1], 0, out, 0, so.dim(0), mm.transA() ? s[0].dim(0) : s[0].dim(1), so.dim(1), in[2]);
    }

    @Override public Kernel kernel(Shape[] s, Shape so) {
        boolean ta = mm.transA(), tb = mm.transB();
        int m = so.dim(0), k = ta ? s[0].dim(0) : s[0].dim(1), n = so.dim(1);
        return (in, out) -> MatMul.gemm(ta, tb, in[0], 0, in[1], 0, out, 0, m, k, n, in[2]);
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        Tensor p = mm.jvp(new Tensor[] {in[0], in[1]}, out, new Tensor[] {t[0], t[1]});
        Tensor c = t[2] == null ? null : Lanes.broadcastTo(Lanes.align(t[2], out.rank()), out.shape());
        return Lanes.add(p, c);
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor g, boolean[] needs) {
        Tensor[] ab = mm.vjp(new Tensor[] {in[0], in[1]}, out, g, new boolean[] {needs[0], needs[1]});
        return new Tensor[] {ab[0], ab[1], needs[2] ? g.sumTo(in[2].shape()) : null};
    }
}
