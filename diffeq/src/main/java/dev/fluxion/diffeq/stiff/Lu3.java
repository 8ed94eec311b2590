package dev.fluxion.diffeq.stiff;

/**
 * LU factorisation with partial pivoting of a 3×3 matrix, and solves with it, as straight-line
 * code on fields and locals: {@code LuDecomposition}'s {@code refactor} and
 * {@code solveRepeated(x, offset)} for n = 3, the same operations in the same order (the same
 * pivot choice, ties to the upper row; an elimination skipped when its multiplier is exactly
 * zero; back substitution by the pivots' reciprocals), so the same bits. A Rosenbrock step of a
 * three-species system (Robertson) factors W once and solves with it once per stage; the general
 * factorisation's loops and the copy of W into its buffer were about 7 % of such a solve
 * (docs/BENCHMARKS.md, "Stiff: Robertson").
 */
final class Lu3 {
    // U above and on the diagonal (a0 a1 a2 / b1 b2 / c2), L's multipliers below (b0, c0, c1), as row-major f[0..8]
    private double f1, f2, f3, f5, f6, f7;
    private double r0, r1, r2;
    private int p0, p1;

    /** Factors W = I/(γh) − J (J row-major, 9 values; mass matrix the identity); false when a pivot is exactly zero. */
    boolean factorShifted(double[] j, double inv) {
        return factor(-j[0] + inv, -j[1], -j[2], -j[3], -j[4] + inv, -j[5], -j[6], -j[7], -j[8] + inv);
    }

    /** Factors the row-major 3×3 matrix w; false when a pivot is exactly zero. */
    boolean factor(double[] w) {
        return factor(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
    }

    private boolean factor(double a0, double a1, double a2, double b0, double b1, double b2, double c0, double c1, double c2) {
        boolean singular = false;
        double t;
        // column 0: the row with the largest |entry| (the first of equals) becomes the pivot row
        int p = 0;
        double best = Math.abs(a0), v = Math.abs(b0);
        if (v > best) {
            best = v;
            p = 1;
        }
        v = Math.abs(c0);
        if (v > best) p = 2;
        p0 = p;
        if (p == 1) {
            t = a0; a0 = b0; b0 = t;
            t = a1; a1 = b1; b1 = t;
            t = a2; a2 = b2; b2 = t;
        } else if (p == 2) {
            t = a0; a0 = c0; c0 = t;
            t = a1; a1 = c1; c1 = t;
            t = a2; a2 = c2; c2 = t;
        }
        if (a0 == 0.0) {
            singular = true;
        } else {
            double l = b0 / a0;
            b0 = l;
            if (l != 0.0) {
                b1 -= l * a1;
                b2 -= l * a2;
            }
            l = c0 / a0;
            c0 = l;
            if (l != 0.0) {
                c1 -= l * a1;
                c2 -= l * a2;
            }
        }
        // column 1
        p = 1;
        if (Math.abs(c1) > Math.abs(b1)) p = 2;
        p1 = p;
        if (p == 2) {
            t = b0; b0 = c0; c0 = t;
            t = b1; b1 = c1; c1 = t;
            t = b2; b2 = c2; c2 = t;
        }
        if (b1 == 0.0) {
            singular = true;
        } else {
            double l = c1 / b1;
            c1 = l;
            if (l != 0.0) c2 -= l * b2;
        }
        if (c2 == 0.0) singular = true;
        f1 = a1;
        f2 = a2;
        f3 = b0;
        f5 = b2;
        f6 = c0;
        f7 = c1;
        r0 = 1.0 / a0;
        r1 = 1.0 / b1;
        r2 = 1.0 / c2;
        return !singular;
    }

    /** Overwrites x[o..o+2] with W⁻¹ x[o..o+2] (after a {@link #factor} that returned true). */
    void solve(double[] x, int o) {
        double x0 = x[o], x1 = x[o + 1], x2 = x[o + 2], t;
        if (p0 == 1) {
            t = x0; x0 = x1; x1 = t;
        } else if (p0 == 2) {
            t = x0; x0 = x2; x2 = t;
        }
        if (p1 == 2) {
            t = x1; x1 = x2; x2 = t;
        }
        x1 = x1 - f3 * x0;
        x2 = x2 - f6 * x0 - f7 * x1;
        x2 = x2 * r2;
        x1 = (x1 - f5 * x2) * r1;
        x[o] = (x0 - f1 * x1 - f2 * x2) * r0;
        x[o + 1] = x1;
        x[o + 2] = x2;
    }
}
