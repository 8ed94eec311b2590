package dev.fluxion.tensor;

import java.util.Arrays;

/**
 * LU factorisation with partial pivoting of an n×n band matrix with kl sub- and ku
 * superdiagonals, PA = LU, on a flat array: LAPACK's dgbtf2 (Golub &amp; Van Loan, Matrix
 * Computations, 4th ed., §4.3.5). Row interchanges may fill U up to kl + ku superdiagonals, so
 * each row stores the columns i − kl … i + kl + ku: n·(2kl + ku + 1) doubles. Factoring costs
 * about 2·n·kl·(kl + ku) flops and a solve 2·n·(2kl + ku), against n³·2/3 and 2n² dense: for a
 * 1-D reaction–diffusion system of 1024 states with kl = ku = 2 that is about 20 000 flops against
 * 7·10⁸. Fill it with {@link #clear} and {@link #add}, then {@link #factor}; a stiff stepper
 * refactors it each step and solves once per stage, allocating nothing.
 *
 * <p>A zero pivot does not stop the factorisation (as in dgbtrf); {@link #isSingular} reports it
 * and {@link #solve} refuses.
 */
public final class BandedLuDecomposition {
    private final int n, kl, ku, w;
    private final double[] a;
    private final int[] pivot;
    private int singularColumn = -1;

    public BandedLuDecomposition(int n, int kl, int ku) {
        if (n < 0 || kl < 0 || ku < 0) throw new IllegalArgumentException("BandedLuDecomposition: need n, kl, ku ≥ 0, got " + n + ", " + kl + ", " + ku);
        this.n = n;
        this.kl = kl;
        this.ku = ku;
        this.w = 2 * kl + ku + 1;
        this.a = new double[n * w];
        this.pivot = new int[n];
    }

    public int size() { return n; }

    public int lowerBandwidth() { return kl; }

    public int upperBandwidth() { return ku; }

    /** Sets every stored entry to zero, ready for a new matrix. */
    public void clear() { Arrays.fill(a, 0.0); }

    /** Adds v to entry (i, j), which must lie in the band: −kl ≤ j − i ≤ ku. */
    public void add(int i, int j, double v) {
        int d = j - i;
        if (d < -kl || d > ku) {
            throw new IllegalArgumentException("BandedLuDecomposition: entry (" + i + ", " + j + ") lies outside the band (kl = " + kl + ", ku = " + ku + ")");
        }
        a[i * w + d + kl] += v;
    }

    /** Factors the matrix filled in; returns this. */
    public BandedLuDecomposition factor() {
        singularColumn = -1;
        for (int k = 0; k < n; k++) {
            int last = Math.min(n - 1, k + kl);
            int p = k;
            double best = Math.abs(a[k * w + kl]);
            for (int i = k + 1; i <= last; i++) {
                double v = Math.abs(a[i * w + k - i + kl]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            pivot[k] = p;
            int jEnd = Math.min(n - 1, k + kl + ku);
            if (p != k) {
                for (int j = k; j <= jEnd; j++) {
                    int ik = k * w + j - k + kl, ip = p * w + j - p + kl;
                    double t = a[ik];
                    a[ik] = a[ip];
                    a[ip] = t;
                }
            }
            double piv = a[k * w + kl];
            if (piv == 0.0) {
                if (singularColumn < 0) singularColumn = k;
                continue;
            }
            for (int i = k + 1; i <= last; i++) {
                int ri = i * w - i + kl, rk = k * w - k + kl;
                double l = a[ri + k] / piv;
                a[ri + k] = l;
                if (l == 0.0) continue;
                for (int j = k + 1; j <= jEnd; j++) a[ri + j] -= l * a[rk + j];
            }
        }
        return this;
    }

    public boolean isSingular() { return singularColumn >= 0; }

    /** Overwrites b (length n) with the solution x of A x = b. Allocates nothing. */
    public void solve(double[] b) {
        if (b.length < n) throw new IllegalArgumentException("BandedLuDecomposition.solve: needs a right-hand side of length " + n + ", got " + b.length);
        if (singularColumn >= 0) {
            throw new ArithmeticException("BandedLuDecomposition.solve: the matrix is singular (pivot " + singularColumn + " is zero)");
        }
        for (int k = 0; k < n; k++) {
            int p = pivot[k];
            if (p != k) {
                double t = b[k];
                b[k] = b[p];
                b[p] = t;
            }
            double bk = b[k];
            if (bk == 0.0) continue;
            int last = Math.min(n - 1, k + kl);
            for (int i = k + 1; i <= last; i++) b[i] -= a[i * w + k - i + kl] * bk;
        }
        for (int i = n - 1; i >= 0; i--) {
            int ri = i * w - i + kl;
            int jEnd = Math.min(n - 1, i + kl + ku);
            double s = b[i];
            for (int j = i + 1; j <= jEnd; j++) s -= a[ri + j] * b[j];
            b[i] = s / a[ri + i];
        }
    }
}
