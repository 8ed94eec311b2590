package dev.fluxion.tensor;

import java.util.Arrays;

/**
 * Kernels over the rows of row-major matrices written so that HotSpot's C2 vectorises their inner
 * loops (issue 15: the batched neural ODE's VJP at B = 256 ran its weight gradients, its
 * second-layer pullback and its bias gradients at 2–4 GFLOP/s).
 *
 * <p><b>Why the staging.</b> C2's superword pass (JDK 17) packs a loop's loads and stores into
 * vectors only when it can order every store against every load of the same element type, and it
 * compares two array accesses only when their addresses have the same loop-invariant part (it
 * assumes nothing about whether two arrays are the same object, so it compares them as if they
 * were). A loop that stores into {@code out[orow + j]} and loads {@code b[bo + j]}, with orow and bo
 * different invariants, therefore stays scalar: measured on this host (AVX-512, 16k doubles from
 * L2), {@code out[j] = x[off + j]·c} took 4.5 µs against 2.3 µs for {@code out[off + j] = x[off + j]·c}.
 * So these kernels copy the rows they stream into per-thread {@link Scratch} arrays indexed from 0
 * ({@link System#arraycopy}, a vectorised stub), compute between such arrays, and copy results out.
 * Rows of different arrays at the same index compare as "same element" and loads of later
 * elements as independent, so the loops vectorise.
 *
 * <p><b>Bits.</b> Every output keeps the summation order of the loops these replace (written
 * next to each kernel): only where operands sit in memory changes, never which products are
 * added in which order.
 */
final class RowKernels {
    private RowKernels() {}

    /**
     * Widest row segment staged at once: longer rows go through in blocks, so a thread's scratch
     * stays a few tens of KB (in L1/L2 with the loop's other operands) whatever the shapes.
     */
    static final int BLOCK = 1024;

    /**
     * out[i, :] = 0 + a[i, 0]·b[0, :] + a[i, 1]·b[1, :] (then + c when c is not null), rows i0..i1:
     * a [m×2], b [2×n], c [n] from index 0 (a Dense layer on a 2-D state, and the pullback of a
     * [·, 2] output through a [2, n] weight). Two rows per pass, so b's rows are loaded once for both.
     */
    static void axpy2(double[] a, int ao, double[] b, int bo, double[] c, double[] out, int oo, int n, int i0, int i1) {
        for (int j0 = 0; j0 < n; j0 += BLOCK) axpy2Block(a, ao, b, bo + j0, c, j0, out, oo + j0, n, Math.min(BLOCK, n - j0), i0, i1);
    }

    /** axpy2 on columns [j0, j0 + w) of rows of length n: b and out from their column j0, c from c[j0]. */
    private static void axpy2Block(double[] a, int ao, double[] b, int bo, double[] c, int j0, double[] out, int oo, int n, int w, int i0, int i1) {
        Scratch s = Scratch.get();
        double[] x = s.row(0, w), y = s.row(1, w), t = s.row(2, w), u = s.row(3, w), cc = c == null ? null : s.row(4, w);
        System.arraycopy(b, bo, x, 0, w);
        System.arraycopy(b, bo + n, y, 0, w);
        if (c != null) System.arraycopy(c, j0, cc, 0, w);
        int i = i0;
        for (; i + 1 < i1; i += 2) {
            double a0 = a[ao + 2 * i], a1 = a[ao + 2 * i + 1], d0 = a[ao + 2 * i + 2], d1 = a[ao + 2 * i + 3];
            if (cc == null) {
                for (int j = 0; j < w; j++) {
                    double p = x[j], q = y[j];
                    t[j] = 0.0 + a0 * p + a1 * q;
                    u[j] = 0.0 + d0 * p + d1 * q;
                }
            } else {
                for (int j = 0; j < w; j++) {
                    double p = x[j], q = y[j], cj = cc[j];
                    t[j] = 0.0 + a0 * p + a1 * q + cj;
                    u[j] = 0.0 + d0 * p + d1 * q + cj;
                }
            }
            int orow = oo + i * n;
            System.arraycopy(t, 0, out, orow, w);
            System.arraycopy(u, 0, out, orow + n, w);
        }
        if (i < i1) {
            double a0 = a[ao + 2 * i], a1 = a[ao + 2 * i + 1];
            if (cc == null) for (int j = 0; j < w; j++) t[j] = 0.0 + a0 * x[j] + a1 * y[j];
            else for (int j = 0; j < w; j++) t[j] = 0.0 + a0 * x[j] + a1 * y[j] + cc[j];
            System.arraycopy(t, 0, out, oo + i * n, w);
        }
    }

    /**
     * out[oo + j] = 0 + x[0, j] + x[1, j] + … in order of the rows, x [r×n] from xo (a sum over
     * the leading axis: a bias's gradient over a batch). Four rows per pass over the accumulator.
     */
    static void sumRows(double[] x, int xo, double[] out, int oo, int r, int n) {
        for (int j0 = 0; j0 < n; j0 += BLOCK) sumRowsBlock(x, xo + j0, out, oo + j0, r, n, Math.min(BLOCK, n - j0));
    }

    /** sumRows on columns [0, w) of rows of length n starting at xo. */
    private static void sumRowsBlock(double[] x, int xo, double[] out, int oo, int r, int n, int w) {
        Scratch s = Scratch.get();
        double[] acc = s.row(0, w), t0 = s.row(1, w), t1 = s.row(2, w), t2 = s.row(3, w), t3 = s.row(4, w);
        Arrays.fill(acc, 0, w, 0.0);
        int p = 0;
        for (; p + 3 < r; p += 4) {
            stage4(x, xo + p * n, n, w, t0, t1, t2, t3);
            for (int j = 0; j < w; j++) acc[j] = acc[j] + t0[j] + t1[j] + t2[j] + t3[j];
        }
        for (; p < r; p++) {
            System.arraycopy(x, xo + p * n, t0, 0, w);
            for (int j = 0; j < w; j++) acc[j] = acc[j] + t0[j];
        }
        System.arraycopy(acc, 0, out, oo, w);
    }

    /**
     * out[i, j] = Σ_p a[p, i]·b[p, j] for rows i0..i1 of out and two columns, a stored [k×m],
     * b [k×2] (a Dense layer's weight gradient Gᵀ·X for a 2-D state X): each term added in order
     * of p, 0 + a[0, i]·b[0, j] + a[1, i]·b[1, j] + …, the order of {@link MatMul#transposedRows}.
     * Both columns accumulate side by side over i, four values of p per pass, a's rows staged once.
     * The result is interleaved through a scratch row of stride 2 and copied out whole: a store
     * loop with a variable stride (out[(i0 + i)·n + j]) in the same compiled method kept C2 from
     * vectorising the accumulation loop (8.6 against 4.4 µs at m = 64, k = 256, thread CPU).
     */
    static void transposedPair(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int i0, int i1) {
        for (int r0 = i0; r0 < i1; r0 += BLOCK) transposedPairBlock(a, ao, b, bo, out, oo, m, k, r0, Math.min(i1, r0 + BLOCK));
    }

    private static void transposedPairBlock(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int i0, int i1) {
        int w = i1 - i0;
        Scratch s = Scratch.get();
        double[] c0 = s.row(0, w), c1 = s.row(1, w), t0 = s.row(2, w), t1 = s.row(3, w), t2 = s.row(4, w), t3 = s.row(5, w);
        Arrays.fill(c0, 0, w, 0.0);
        Arrays.fill(c1, 0, w, 0.0);
        int p = 0;
        for (; p + 3 < k; p += 4) {
            stage4(a, ao + p * m + i0, m, w, t0, t1, t2, t3);
            int q = bo + 2 * p;
            double x0 = b[q], y0 = b[q + 1], x1 = b[q + 2], y1 = b[q + 3], x2 = b[q + 4], y2 = b[q + 5], x3 = b[q + 6], y3 = b[q + 7];
            for (int i = 0; i < w; i++) {
                double e = t0[i], f = t1[i], g = t2[i], h = t3[i];
                c0[i] = c0[i] + e * x0 + f * x1 + g * x2 + h * x3;
                c1[i] = c1[i] + e * y0 + f * y1 + g * y2 + h * y3;
            }
        }
        for (; p < k; p++) {
            System.arraycopy(a, ao + p * m + i0, t0, 0, w);
            double x0 = b[bo + 2 * p], y0 = b[bo + 2 * p + 1];
            for (int i = 0; i < w; i++) {
                double e = t0[i];
                c0[i] = c0[i] + e * x0;
                c1[i] = c1[i] + e * y0;
            }
        }
        double[] u = s.row(6, 2 * w);
        for (int i = 0; i < w; i++) {
            u[2 * i] = c0[i];
            u[2 * i + 1] = c1[i];
        }
        System.arraycopy(u, 0, out, oo + 2 * i0, 2 * w);
    }

    /** Copies w numbers from each of four rows of x, from off on, rows stride apart, into t0 … t3 from index 0. */
    private static void stage4(double[] x, int off, int stride, int w, double[] t0, double[] t1, double[] t2, double[] t3) {
        System.arraycopy(x, off, t0, 0, w);
        System.arraycopy(x, off + stride, t1, 0, w);
        System.arraycopy(x, off + 2 * stride, t2, 0, w);
        System.arraycopy(x, off + 3 * stride, t3, 0, w);
    }

    /** Most accumulator elements {@link #transposedWide} keeps per thread (256 KB); beyond, MatMul's own loop runs. */
    static final int WIDE_ACC = 1 << 15;

    /**
     * out[i, :] = Σ_p a[p, i]·b[p, :] for rows i0..i1 of out, a stored [k×m], b [k×n], when
     * (i1 − i0)·n ≤ {@link #WIDE_ACC} (a weight gradient Gᵀ·H with few rows: [2, 64] at a
     * batch's [B, 2]ᵀ·[B, 64]): every row of out its own accumulator, b's rows staged four at a
     * time, each out[i, j] = ((((0 + a[0,i]·b[0,j]) + a[1,i]·b[1,j]) + …) in order of p, as in
     * {@link MatMul#transposedRows}.
     */
    static void transposedWide(double[] a, int ao, double[] b, int bo, double[] out, int oo, int m, int k, int n, int i0, int i1) {
        int w = i1 - i0;
        Scratch s = Scratch.get();
        double[] t0 = s.row(0, n), t1 = s.row(1, n), t2 = s.row(2, n), t3 = s.row(3, n);
        for (int i = 0; i < w; i++) Arrays.fill(s.row(4 + i, n), 0, n, 0.0);
        int p = 0;
        for (; p + 3 < k; p += 4) {
            stage4(b, bo + p * n, n, n, t0, t1, t2, t3);
            int q = ao + p * m + i0;
            for (int i = 0; i < w; i++) {
                double x0 = a[q + i], x1 = a[q + m + i], x2 = a[q + 2 * m + i], x3 = a[q + 3 * m + i];
                double[] c = s.row(4 + i, n);
                for (int j = 0; j < n; j++) c[j] = c[j] + x0 * t0[j] + x1 * t1[j] + x2 * t2[j] + x3 * t3[j];
            }
        }
        for (; p < k; p++) {
            System.arraycopy(b, bo + p * n, t0, 0, n);
            int q = ao + p * m + i0;
            for (int i = 0; i < w; i++) {
                double x0 = a[q + i];
                double[] c = s.row(4 + i, n);
                for (int j = 0; j < n; j++) c[j] = c[j] + x0 * t0[j];
            }
        }
        for (int i = 0; i < w; i++) System.arraycopy(s.row(4 + i, n), 0, out, oo + (i0 + i) * n, n);
    }
}
