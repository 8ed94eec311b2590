package dev.fluxion.tensor;

import java.util.Arrays;

/**
 * Matrix product op(A)·op(B) of operands of rank ≥ 2, where op(X) is X or its transpose over
 * the last two axes, and leading axes are batch axes with NumPy broadcasting. The transposed
 * forms let the derivative rules multiply by Aᵀ or Bᵀ without materializing a transpose (BLAS's
 * transa/transb). {@link Tensor#matmul} promotes vectors before calling it.
 */
public final class MatMul extends KernelOp {
    public static final MatMul INSTANCE = new MatMul(false, false);
    private static final MatMul NT = new MatMul(false, true);
    private static final MatMul TN = new MatMul(true, false);
    private static final MatMul TT = new MatMul(true, true);

    private final boolean ta, tb;

    private MatMul(boolean ta, boolean tb) {
        this.ta = ta;
        this.tb = tb;
    }

    /** The product op(A)·op(B) with the given transposes. */
    public static MatMul of(boolean transA, boolean transB) {
        return transA ? (transB ? TT : TN) : (transB ? NT : INSTANCE);
    }

    public boolean transA() { return ta; }

    public boolean transB() { return tb; }

    @Override public String name() { return ta || tb ? "matmul(" + (ta ? "T" : "N") + (tb ? "T" : "N") + ")" : "matmul"; }

    private static Shape batch(Shape s) {
        return Shape.wrap(Arrays.copyOf(s.raw(), s.rank() - 2));
    }

    private int rows(Shape a) { return ta ? a.dim(-1) : a.dim(-2); }

    private int inner(Shape a) { return ta ? a.dim(-2) : a.dim(-1); }

    private int cols(Shape b) { return tb ? b.dim(-2) : b.dim(-1); }

    private int innerB(Shape b) { return tb ? b.dim(-1) : b.dim(-2); }

    @Override public Shape outShape(Shape[] in) {
        Shape a = in[0], b = in[1];
        if (a.rank() < 2 || b.rank() < 2 || inner(a) != innerB(b)) {
            throw new IllegalArgumentException(name() + ": shapes " + a + " and " + b + " are not aligned (inner dimensions differ)");
        }
        Shape bt;
        try {
            bt = Shape.broadcast(batch(a), batch(b), name());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": the batch axes of shapes " + a + " and " + b + " cannot be broadcast together");
        }
        int[] d = Arrays.copyOf(bt.raw(), bt.rank() + 2);
        d[bt.rank()] = rows(a);
        d[bt.rank() + 1] = cols(b);
        return Shape.wrap(d);
    }

    @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
        Shape sa = s[0], sb = s[1];
        int m = rows(sa), k = inner(sa), n = cols(sb);
        double[] a = in[0], b = in[1];
        if (sa.rank() == 2 && sb.rank() == 2) {
            gemm(ta, tb, a, 0, b, 0, out, 0, m, k, n);
            return;
        }
        Shape ob = batch(so);
        int nb = ob.size();
        int[] ia = Broadcasting.indexMap(batch(sa), ob);
        int[] ib = Broadcasting.indexMap(batch(sb), ob);
        for (int q = 0; q < nb; q++) gemm(ta, tb, a, ia[q] * m * k, b, ib[q] * k * n, out, q * m * n, m, k, n);
    }

    @Override public Kernel kernel(Shape[] s, Shape so) {
        Shape sa = s[0], sb = s[1];
        int m = rows(sa), k = inner(sa), n = cols(sb);
        boolean ta = this.ta, tb = this.tb;
        if (sa.rank() == 2 && sb.rank() == 2) return (in, out) -> gemm(ta, tb, in[0], 0, in[1], 0, out, 0, m, k, n);
        return super.kernel(s, so);
    }

    /**
     * out[m×n] = op(a)·op(b), op(a) [m×k], op(b) [k×n]; a is stored [m×k] or, transposed, [k×m]
     * (likewise b). Every out[i, j] is 0 + a[i,0]·b[0,j] + a[i,1]·b[1,j] + … in order of p, whichever
     * kernel runs (the order of {@link #matvec} and of ProgramCodegen's unrolled matmul), so the
     * kernels below, and the row split over both cores, change speed and never a bit of the result.
     * The kernels are chosen by shape, as a neural ODE on a batch [B, d] needs them (issue 15): a
     * Dense layer's x·Wᵀ has a small k or a small n, and its backward pass multiplies by the
     * transposed batch; loops whose innermost run is along a length-2 axis, or that stride through
     * memory, were 2–6× slower than a plain loop over the rows.
     */
    static void gemm(boolean ta, boolean tb, double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int n) {
        gemm(ta, tb, a, ao, b, bo, out, oo, m, k, n, null);
    }

    /** As above, then + c[j] on every row when c is not null ({@link MatMulBias}): in the row's own pass where the kernel allows. */
    static void gemm(boolean ta, boolean tb, double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int n, double[] c) {
        if (k == 1) {   // outer product (the gradient of a dense layer's weight)
            for (int i = 0; i < m; i++) {
                double ai = a[ao + i];
                int orow = oo + i * n;
                for (int j = 0; j < n; j++) out[orow + j] = ai * b[bo + j];
            }
            addRows(out, oo, c, n, 0, m);
            return;
        }
        if (n == 1) {
            if (ta) matvecT(a, ao, b, bo, out, oo, m, k);
            else matvec(a, ao, b, bo, out, oo, m, k);
            addRows(out, oo, c, n, 0, m);
            return;
        }
        // op(b) as the kernels want it: rows of b [n×k] for dot products when n is small (each
        // output a dot product of contiguous rows, four rows of a at a time), else b [k×n] for
        // axpys along out's rows. The copy is k·n numbers, small beside m·k·n work.
        boolean dots = n < SMALL && !ta;
        double[] bk = b;
        int bko = bo;
        if (dots ? !tb : tb) {
            bk = transposed(b, bo, tb ? n : k, tb ? k : n);
            bko = 0;
        }
        double[] bb = bk;
        int bbo = bko;
        RowRange work = (i0, i1) -> {
            // two kernels add the bias as each output is written, (0 + Σ products) + c_j, the bits of addRows after
            if (dots && n == 2) dotRows2(a, ao, bb, bbo, c, out, oo, k, i0, i1);
            else if (!dots && !ta && k == 2) RowKernels.axpy2(a, ao, bb, bbo, c, out, oo, n, i0, i1);   // a Dense layer on a 2-D state
            else {
                if (dots) dotRows(a, ao, bb, bbo, out, oo, k, n, i0, i1);
                else if (!ta) axpyRows(a, ao, bb, bbo, out, oo, k, n, i0, i1);
                else transposedRows(a, ao, bb, bbo, out, oo, m, k, n, i0, i1);
                addRows(out, oo, c, n, i0, i1);
            }
        };
        Parallel.rows(m, (long) m * k * n, work);
    }

    /** out[i, :] += c for rows i0..i1 (nothing when c is null). */
    private static void addRows(double[] out, int oo, double[] c, int n, int i0, int i1) {
        if (c == null) return;
        for (int i = i0; i < i1; i++) {
            int orow = oo + i * n;
            for (int j = 0; j < n; j++) out[orow + j] = out[orow + j] + c[j];
        }
    }

    /** Below this many columns, out's rows are dot products rather than axpys. */
    static final int SMALL = 8;

    /** x stored [r×c] → a new [c×r]. */
    private static double[] transposed(double[] x, int xo, int r, int c) {
        double[] t = new double[r * c];
        for (int i = 0; i < r; i++) {
            int row = xo + i * c;
            for (int j = 0; j < c; j++) t[j * r + i] = x[row + j];
        }
        return t;
    }

    /** A range of out's rows computed by one thread. */
    interface RowRange {
        void run(int i0, int i1);
    }

    /** out[i, j] = a[i, :]·bt[j, :] for rows i0..i1: a [m×k], bt [n×k], four rows of a at a time (two columns: {@link #dotRows2}). */
    static void dotRows(double[] a, int ao, double[] bt, int bo, double[] out, int oo, int k, int n, int i0, int i1) {
        int i = i0;
        for (; i + 3 < i1; i += 4) {
            int r0 = ao + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
            for (int j = 0; j < n; j++) {
                int br = bo + j * k;
                double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                for (int p = 0; p < k; p++) {
                    double bp = bt[br + p];
                    s0 += a[r0 + p] * bp;
                    s1 += a[r1 + p] * bp;
                    s2 += a[r2 + p] * bp;
                    s3 += a[r3 + p] * bp;
                }
                out[oo + i * n + j] = s0;
                out[oo + (i + 1) * n + j] = s1;
                out[oo + (i + 2) * n + j] = s2;
                out[oo + (i + 3) * n + j] = s3;
            }
        }
        for (; i < i1; i++) {
            int r = ao + i * k;
            for (int j = 0; j < n; j++) {
                int br = bo + j * k;
                double s = 0.0;
                for (int p = 0; p < k; p++) s += a[r + p] * bt[br + p];
                out[oo + i * n + j] = s;
            }
        }
    }

    /**
     * dotRows for two columns (a batch's [B, 64]·[64, 2] products: the second layer, and dx in the
     * VJP), then + c[j] when c is not null: both columns of eight rows at once, sixteen
     * accumulators, so each element of a is loaded once instead of once per column and sixteen
     * addition chains overlap (eight rows instead of four: 7.2 → 6.7 µs per call at [256, 64],
     * thread CPU, 2026-12-02; scalar additions bound it, two per cycle). Each output is still
     * 0 + a[i,0]·bt[j,0] + a[i,1]·bt[j,1] + … in order of p, then + c[j] as {@link #addRows}
     * adds it: the same bits. (Vector lanes would have to run across rows, down a's columns,
     * which C2 cannot load as vectors; lanes along p would change the order of the sum.)
     */
    private static void dotRows2(double[] a, int ao, double[] bt, int bo, double[] c, double[] out, int oo, int k, int i0, int i1) {
        int b0 = bo, b1 = bo + k;
        double c0 = c == null ? 0.0 : c[0], c1 = c == null ? 0.0 : c[1];
        int i = i0;
        for (; i + 7 < i1; i += 8) {
            int r0 = ao + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k, r4 = r3 + k, r5 = r4 + k, r6 = r5 + k, r7 = r6 + k;
            double s00 = 0.0, s10 = 0.0, s20 = 0.0, s30 = 0.0, s01 = 0.0, s11 = 0.0, s21 = 0.0, s31 = 0.0;
            double s40 = 0.0, s50 = 0.0, s60 = 0.0, s70 = 0.0, s41 = 0.0, s51 = 0.0, s61 = 0.0, s71 = 0.0;
            for (int p = 0; p < k; p++) {
                double x0 = bt[b0 + p], x1 = bt[b1 + p];
                double a0 = a[r0 + p], a1 = a[r1 + p], a2 = a[r2 + p], a3 = a[r3 + p];
                double a4 = a[r4 + p], a5 = a[r5 + p], a6 = a[r6 + p], a7 = a[r7 + p];
                s00 += a0 * x0;
                s01 += a0 * x1;
                s10 += a1 * x0;
                s11 += a1 * x1;
                s20 += a2 * x0;
                s21 += a2 * x1;
                s30 += a3 * x0;
                s31 += a3 * x1;
                s40 += a4 * x0;
                s41 += a4 * x1;
                s50 += a5 * x0;
                s51 += a5 * x1;
                s60 += a6 * x0;
                s61 += a6 * x1;
                s70 += a7 * x0;
                s71 += a7 * x1;
            }
            int o = oo + 2 * i;
            if (c != null) {
                s00 += c0; s10 += c0; s20 += c0; s30 += c0; s40 += c0; s50 += c0; s60 += c0; s70 += c0;
                s01 += c1; s11 += c1; s21 += c1; s31 += c1; s41 += c1; s51 += c1; s61 += c1; s71 += c1;
            }
            out[o] = s00;
            out[o + 1] = s01;
            out[o + 2] = s10;
            out[o + 3] = s11;
            out[o + 4] = s20;
            out[o + 5] = s21;
            out[o + 6] = s30;
            out[o + 7] = s31;
            out[o + 8] = s40;
            out[o + 9] = s41;
            out[o + 10] = s50;
            out[o + 11] = s51;
            out[o + 12] = s60;
            out[o + 13] = s61;
            out[o + 14] = s70;
            out[o + 15] = s71;
        }
        for (; i < i1; i++) {
            int r = ao + i * k;
            double s0 = 0.0, s1 = 0.0;
            for (int p = 0; p < k; p++) {
                double x = a[r + p];
                s0 += x * bt[b0 + p];
                s1 += x * bt[b1 + p];
            }
            if (c != null) {
                s0 += c0;
                s1 += c1;
            }
            out[oo + 2 * i] = s0;
            out[oo + 2 * i + 1] = s1;
        }
    }

    /** out[i, :] = Σ_p a[i, p]·b[p, :] for rows i0..i1: a [m×k], b [k×n]; the inner loop runs along b's and out's rows (k = 2: {@link RowKernels#axpy2}). */
    static void axpyRows(double[] a, int ao, double[] b, int bo, double[] out, int oo, int k, int n, int i0, int i1) {
        java.util.Arrays.fill(out, oo + i0 * n, oo + i1 * n, 0.0);
        for (int i = i0; i < i1; i++) {
            int orow = oo + i * n;
            int ar = ao + i * k;
            for (int p = 0; p < k; p++) {
                double aip = a[ar + p];
                int brow = bo + p * n;
                for (int j = 0; j < n; j++) out[orow + j] += aip * b[brow + j];
            }
        }
    }

    /**
     * out[i, :] = Σ_p a[p, i]·b[p, :] for rows i0..i1, a stored [k×m] (op(a) = aᵀ), b [k×n]: p runs
     * outermost so a and b are both read along their rows (the weight gradient Gᵀ·X of a batch).
     * With two columns (a 2-D state's Gᵀ·X) {@link RowKernels#transposedPair} runs, with up to
     * {@link RowKernels#WIDE_ACC} outputs per thread {@link RowKernels#transposedWide} (both
     * vectorised, same bits); with other few columns, each column of out is accumulated as a
     * contiguous vector first.
     *
     * <p>Four values of p go through each pass over the accumulator: c = ((((c + a_p·b_p) +
     * a_{p+1}·b_{p+1}) + …), the order of one p at a time, so the same bits, but the accumulator is
     * loaded and stored once per four products instead of once per product (the batched neural ODE's
     * weight gradients, B = 256: dW2 = Gᵀ·h 2.2×, dW1 = dzᵀ·x 1.4× per call, thread CPU, 2026-12-02).
     */
    static void transposedRows(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int n, int i0, int i1) {
        if (n == 2) {
            RowKernels.transposedPair(a, ao, b, bo, out, oo, m, k, i0, i1);
            return;
        }
        int w = i1 - i0;
        if (n < SMALL) {
            double[] col = Scratch.get().row(0, w);
            for (int j = 0; j < n; j++) {
                java.util.Arrays.fill(col, 0, w, 0.0);
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    double b0 = b[bo + p * n + j], b1 = b[bo + (p + 1) * n + j], b2 = b[bo + (p + 2) * n + j], b3 = b[bo + (p + 3) * n + j];
                    int r0 = ao + p * m + i0, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
                    for (int i = 0; i < w; i++) {
                        double c = col[i];
                        c += a[r0 + i] * b0;
                        c += a[r1 + i] * b1;
                        c += a[r2 + i] * b2;
                        c += a[r3 + i] * b3;
                        col[i] = c;
                    }
                }
                for (; p < k; p++) {
                    double bpj = b[bo + p * n + j];
                    int arow = ao + p * m + i0;
                    for (int i = 0; i < w; i++) col[i] += a[arow + i] * bpj;
                }
                for (int i = 0; i < w; i++) out[oo + (i0 + i) * n + j] = col[i];
            }
            return;
        }
        if ((long) w * n <= RowKernels.WIDE_ACC && n <= RowKernels.BLOCK) {
            RowKernels.transposedWide(a, ao, b, bo, out, oo, m, k, n, i0, i1);
            return;
        }
        java.util.Arrays.fill(out, oo + i0 * n, oo + i1 * n, 0.0);
        int p = 0;
        for (; p + 3 < k; p += 4) {
            int a0 = ao + p * m, b0 = bo + p * n;
            for (int i = i0; i < i1; i++) {
                double x0 = a[a0 + i], x1 = a[a0 + m + i], x2 = a[a0 + 2 * m + i], x3 = a[a0 + 3 * m + i];
                int orow = oo + i * n;
                for (int j = 0; j < n; j++) {
                    double c = out[orow + j];
                    c += x0 * b[b0 + j];
                    c += x1 * b[b0 + n + j];
                    c += x2 * b[b0 + 2 * n + j];
                    c += x3 * b[b0 + 3 * n + j];
                    out[orow + j] = c;
                }
            }
        }
        for (; p < k; p++) {
            int arow = ao + p * m, brow = bo + p * n;
            for (int i = i0; i < i1; i++) {
                double aip = a[arow + i];
                int orow = oo + i * n;
                for (int j = 0; j < n; j++) out[orow + j] += aip * b[brow + j];
            }
        }
    }

    /**
     * out[m] = A·b for A stored row-major [m×k]: dot products along A's contiguous rows. Four rows
     * run side by side, each with its own accumulator, so b is read once per four rows and the four
     * addition chains overlap; every out[i] is still 0 + a[i,0]·b[0] + a[i,1]·b[1] + … in order of
     * p, the order of the other branches and of ProgramCodegen's unrolled matmul, so results are
     * unchanged bit for bit. (The former loop walked A column by column, striding by k in its
     * inner loop. Issue 10; warmed-up best of 5 on this shared 2-core machine, n = 5000:
     * A.matmul(u) 136 ms before, 18–25 ms after, against 33–39 ms for u.matmul(Aᵀ); n = 1000:
     * 1.2 → 0.29 ms. TensorOpBench.MatVec measures it.)
     */
    static void matvec(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int r0 = ao + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (int p = 0; p < k; p++) {
                double bp = b[bo + p];
                s0 += a[r0 + p] * bp;
                s1 += a[r1 + p] * bp;
                s2 += a[r2 + p] * bp;
                s3 += a[r3 + p] * bp;
            }
            out[oo + i] = s0;
            out[oo + i + 1] = s1;
            out[oo + i + 2] = s2;
            out[oo + i + 3] = s3;
        }
        for (; i < m; i++) {
            int r = ao + i * k;
            double s = 0.0;
            for (int p = 0; p < k; p++) s += a[r + p] * b[bo + p];
            out[oo + i] = s;
        }
    }

    /**
     * out[m] = Aᵀ·b for A stored row-major [k×m]: axpys along A's contiguous rows (column by column
     * of Aᵀ); each out[i] receives its terms in order of p, as in {@link #matvec}.
     */
    static void matvecT(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k) {
        if (m == 1) {   // a dot product of two contiguous vectors
            double s = 0.0;
            for (int p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
            out[oo] = s;
            return;
        }
        Arrays.fill(out, oo, oo + m, 0.0);
        for (int p = 0; p < k; p++) {
            double bp = b[bo + p];
            int row = ao + p * m;
            for (int i = 0; i < m; i++) out[oo + i] += a[row + i] * bp;
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
        Tensor da = t[0] == null ? null : Dispatch.apply(this, Lanes.align(t[0], r), in[1]);
        Tensor db = t[1] == null ? null : Dispatch.apply(this, in[0], Lanes.align(t[1], r));
        Tensor res = Lanes.add(da, db);
        return res == null ? null : Lanes.broadcastTo(res, out.shape());
    }

    /**
     * For C = op(A)·op(B) and cotangent G: with op(A)' = G·op(B)ᵀ and op(B)' = op(A)ᵀ·G, each
     * written as one product with transpose flags (Giles 2008, §2.2.2).
     */
    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor g, boolean[] needs) {
        Tensor a = in[0], b = in[1];
        Tensor[] r = new Tensor[2];
        if (needs[0]) {
            Tensor ga = !ta ? Dispatch.apply(of(false, !tb), g, b)   // G·op(B)ᵀ
                    : Dispatch.apply(of(tb, true), b, g);             // (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ
            r[0] = ga.sumTo(a.shape());
        }
        if (needs[1]) {
            Tensor gb = !tb ? Dispatch.apply(of(!ta, false), a, g)   // op(A)ᵀ·G
                    : Dispatch.apply(of(true, ta), g, a);             // (op(A)ᵀ·G)ᵀ = Gᵀ·op(A)
            r[1] = gb.sumTo(b.shape());
        }
        return r;
    }
}
