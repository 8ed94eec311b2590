package dev.fluxion.tensor;

/**
 * LU factorisation with partial pivoting of a dense n×n matrix on flat row-major arrays, PA = LU,
 * for the solvers' flat plan: a stiff stepper factors W = M/(γh) − J once per step and solves
 * with it once per stage, allocating nothing after construction ({@link #refactor}, {@link #solve}).
 * The tensor plan's {@code lu}/{@code luSolve} ops ({@link LuOps}) run the same two static kernels,
 * so both plans give the same numbers bit for bit.
 *
 * <p>The algorithm is LAPACK's dgetf2 (right-looking, row interchanges recorded as ipiv, Golub &amp;
 * Van Loan, Matrix Computations, 4th ed., Alg. 3.4.1): at step k the row with the largest |a_ik|
 * (the first such on ties) is swapped into row k, the multipliers l_ik = a_ik / a_kk are stored
 * below the diagonal and the trailing block is updated row by row, so every inner loop runs along
 * a contiguous row. Hand-written rather than EJML's LinearSolverLu_DDRM because it was faster at
 * every size measured (factor + one solve, best warmed-up round on the shared 2-core machine:
 * n = 3: 0.11 µs against 0.13 µs with EJML's solver reused and 0.26 µs with a new one per call as
 * {@link Tensor#solve} does; n = 10: 0.37 against 0.95 / 1.06 µs; n = 50: 24–40 against
 * 150–170 µs; a solve alone is on a par), and because one kernel shared by both plans is what
 * makes them agree bit for bit.
 *
 * <p>A zero pivot (an exactly singular matrix) does not stop the factorisation, as in dgetrf: the
 * column is left as it is and {@link #isSingular} reports it. {@link #solve} then refuses with an
 * {@link ArithmeticException}; the tensor op instead returns the non-finite values that division
 * by zero gives, as {@link Tensor#solve} does, because a kernel inside a compiled program cannot
 * stop half way and stiff steppers on the tensor plan reject a step on non-finite values.
 *
 * <p>Packed layout shared with the tensor op ({@code factors}, n·n + n doubles, i.e. a tensor of
 * shape [n + 1, n]): rows 0..n−1 hold U on and above the diagonal and L's multipliers below it
 * (L's unit diagonal is implicit); row n holds ipiv as doubles (exact for any int): at step k rows
 * k and ipiv[k] ≥ k were swapped.
 */
public final class LuDecomposition {
    private final int n;
    private final double[] f;   // packed factors, n·n + n
    private final int[] pivots;   // the interchanges as ints, for solveRepeated
    private final double[] reciprocals;   // 1 / u_kk, for solveRepeated
    private int singularColumn = -1;

    /** An empty factorisation of n×n matrices, to be filled by {@link #refactor}. */
    public LuDecomposition(int n) {
        if (n < 0) throw new IllegalArgumentException("LuDecomposition: n must be non-negative, got " + n);
        this.n = n;
        this.f = new double[n * n + n];
        this.pivots = new int[n];
        this.reciprocals = new double[n];
    }

    /** Factors the n×n row-major matrix a (which is copied, not modified). */
    public static LuDecomposition factor(double[] a, int n) {
        return new LuDecomposition(n).refactor(a);
    }

    /**
     * Factors a new n×n row-major matrix a into this object's storage (a is not modified), with no
     * allocation: the per-step call of a stiff stepper. Returns this.
     */
    public LuDecomposition refactor(double[] a) {
        if (a.length < n * n) {
            throw new IllegalArgumentException("LuDecomposition: an " + n + "×" + n + " matrix needs " + n * n + " values, got " + a.length);
        }
        System.arraycopy(a, 0, f, 0, n * n);
        singularColumn = factorInPlace(f, n);
        for (int k = 0; k < n; k++) {
            pivots[k] = (int) f[n * n + k];
            reciprocals[k] = 1.0 / f[k * n + k];
        }
        return this;
    }

    /** The matrix order n. */
    public int size() { return n; }

    /** Whether a pivot was exactly zero: the matrix is singular and {@link #solve} would divide by zero. */
    public boolean isSingular() { return singularColumn >= 0; }

    /** The first column whose pivot was zero, or −1 when the matrix is nonsingular. */
    public int singularColumn() { return singularColumn; }

    /** Overwrites b (length n) with the solution x of A x = b. Allocates nothing. */
    public void solve(double[] b) {
        check(b, "solve");
        solveVector(f, n, b, 0);
    }

    /**
     * As {@link #solve}, for many right-hand sides with one factorisation (a stiff step's stages):
     * the back substitution multiplies by the pivots' reciprocals, computed once by
     * {@link #refactor}, instead of dividing, which takes a chain of n dependent divisions off
     * every solve. Each division becomes a multiplication by a rounded reciprocal, so the result may
     * differ from {@link #solve}'s (and the tensor plan's) in the last bits, not bit for bit.
     */
    public void solveRepeated(double[] b) {
        solveRepeated(b, 0);
    }

    /**
     * As {@link #solveRepeated(double[])} on the n entries of x from offset (one stage of a step's
     * increments). Orders up to 4 run as straight-line code on locals (the same operations in the
     * same order as the loops): for a stiff system of a few species the loops' overhead was most
     * of a solve (3×3: a factorisation and 8 solves took 235 ns with the loops, 60 ns written out,
     * on the shared 2-core machine).
     */
    public void solveRepeated(double[] x, int offset) {
        if (offset < 0 || x.length - offset < n) {
            throw new IllegalArgumentException("LuDecomposition.solveRepeated: needs " + n + " entries from offset " + offset
                    + ", the array has " + x.length);
        }
        check(x, "solveRepeated");
        int n = this.n;
        double[] f = this.f, r = reciprocals;
        int o = offset;
        int[] pv = pivots;
        double t;
        switch (n) {
            case 0 -> { }
            case 1 -> x[o] *= r[0];
            case 2 -> {
                double x0 = x[o], x1 = x[o + 1];
                if (pv[0] == 1) { t = x0; x0 = x1; x1 = t; }
                x1 = (x1 - f[2] * x0) * r[1];
                x[o] = (x0 - f[1] * x1) * r[0];
                x[o + 1] = x1;
            }
            case 3 -> {
                double x0 = x[o], x1 = x[o + 1], x2 = x[o + 2];
                switch (pv[0]) {
                    case 1 -> { t = x0; x0 = x1; x1 = t; }
                    case 2 -> { t = x0; x0 = x2; x2 = t; }
                    default -> { }
                }
                if (pv[1] == 2) { t = x1; x1 = x2; x2 = t; }
                x1 = x1 - f[3] * x0;
                x2 = x2 - f[6] * x0 - f[7] * x1;
                x2 = x2 * r[2];
                x1 = (x1 - f[5] * x2) * r[1];
                x[o] = (x0 - f[1] * x1 - f[2] * x2) * r[0];
                x[o + 1] = x1;
                x[o + 2] = x2;
            }
            case 4 -> {
                double x0 = x[o], x1 = x[o + 1], x2 = x[o + 2], x3 = x[o + 3];
                switch (pv[0]) {
                    case 1 -> { t = x0; x0 = x1; x1 = t; }
                    case 2 -> { t = x0; x0 = x2; x2 = t; }
                    case 3 -> { t = x0; x0 = x3; x3 = t; }
                    default -> { }
                }
                switch (pv[1]) {
                    case 2 -> { t = x1; x1 = x2; x2 = t; }
                    case 3 -> { t = x1; x1 = x3; x3 = t; }
                    default -> { }
                }
                if (pv[2] == 3) { t = x2; x2 = x3; x3 = t; }
                x1 = x1 - f[4] * x0;
                x2 = x2 - f[8] * x0 - f[9] * x1;
                x3 = x3 - f[12] * x0 - f[13] * x1 - f[14] * x2;
                x3 = x3 * r[3];
                x2 = (x2 - f[11] * x3) * r[2];
                x1 = (x1 - f[6] * x2 - f[7] * x3) * r[1];
                x[o] = (x0 - f[1] * x1 - f[2] * x2 - f[3] * x3) * r[0];
                x[o + 1] = x1;
                x[o + 2] = x2;
                x[o + 3] = x3;
            }
            default -> {
                for (int k = 0; k < n; k++) {
                    int p = pv[k];
                    if (p != k) {
                        t = x[o + k];
                        x[o + k] = x[o + p];
                        x[o + p] = t;
                    }
                }
                for (int i = 1; i < n; i++) {   // L y = P x, unit lower triangular, forward
                    int ri = i * n;
                    double s = x[o + i];
                    for (int j = 0; j < i; j++) s -= f[ri + j] * x[o + j];
                    x[o + i] = s;
                }
                for (int i = n - 1; i >= 0; i--) {   // U z = y, backward
                    int ri = i * n;
                    double s = x[o + i];
                    for (int j = i + 1; j < n; j++) s -= f[ri + j] * x[o + j];
                    x[o + i] = s * r[i];
                }
            }
        }
    }

    /** Overwrites b (length n) with the solution x of Aᵀ x = b (adjoint solves), from the same factors. */
    public void solveTransposed(double[] b) {
        check(b, "solveTransposed");
        solveInPlace(f, n, b, 0, 1, true);
    }

    /** A copy of the packed factors in the layout described above (shape [n + 1, n]). */
    public double[] packedFactors() { return f.clone(); }

    private void check(double[] b, String what) {
        if (b.length < n) {
            throw new IllegalArgumentException("LuDecomposition." + what + ": needs a right-hand side of length " + n + ", got " + b.length);
        }
        if (singularColumn >= 0) {
            throw new ArithmeticException("LuDecomposition." + what + ": the matrix is singular (pivot " + singularColumn
                    + " is zero); check isSingular() after factoring, e.g. to reject the step and shrink it");
        }
    }

    // ------------------------------------------------------------------ kernels (shared with LuOps)

    /**
     * Factors in place: on entry f[0, n·n) holds A row-major; on exit it holds the packed factors
     * and f[n·n, n·n + n) the pivots. Returns the first column with a zero pivot, or −1.
     */
    static int factorInPlace(double[] f, int n) {
        int singular = -1;
        int pivots = n * n;
        for (int k = 0; k < n; k++) {
            int p = k;
            double best = Math.abs(f[k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(f[i * n + k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            f[pivots + k] = p;
            if (p != k) {
                int rk = k * n, rp = p * n;
                for (int j = 0; j < n; j++) {
                    double t = f[rk + j];
                    f[rk + j] = f[rp + j];
                    f[rp + j] = t;
                }
            }
            double pivot = f[k * n + k];
            if (pivot == 0.0) {   // the whole column below is zero too: nothing to eliminate (dgetf2)
                if (singular < 0) singular = k;
                continue;
            }
            int rk = k * n;
            for (int i = k + 1; i < n; i++) {
                int ri = i * n;
                double l = f[ri + k] / pivot;
                f[ri + k] = l;
                if (l == 0.0) continue;
                for (int j = k + 1; j < n; j++) f[ri + j] -= l * f[rk + j];
            }
        }
        return singular;
    }

    /**
     * Overwrites the n×m row-major block x (from offset xo) with A⁻¹x, or A⁻ᵀx when transposed,
     * from packed factors f. With PA = LU: A⁻¹x = U⁻¹ L⁻¹ P x, and A⁻ᵀx = Pᵀ L⁻ᵀ U⁻ᵀ x, i.e. the
     * interchanges undone in reverse order after the two triangular solves.
     *
     * <p>Every loop reads the factors along their contiguous rows: the plain solve as dot products
     * (row i of L or U against the solved entries), the transposed one as axpys (row j of U or L
     * spread over the unsolved entries). Each entry of x receives its terms in a fixed order (j
     * ascending, except the Lᵀ sweep: j descending), the same whether x has one column (the flat
     * plan's fast path) or m, so one right-hand side gives the same bits either way.
     */
    static void solveInPlace(double[] f, int n, double[] x, int xo, int m, boolean transposed) {
        int pivots = n * n;
        if (!transposed) {
            if (m == 1) {
                solveVector(f, n, x, xo);
                return;
            }
            for (int k = 0; k < n; k++) swapRows(x, xo, m, k, (int) f[pivots + k]);
            for (int i = 1; i < n; i++) {
                int ri = i * n, xi = xo + i * m;
                for (int j = 0; j < i; j++) {
                    double l = f[ri + j];
                    int xj = xo + j * m;
                    for (int c = 0; c < m; c++) x[xi + c] -= l * x[xj + c];
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                int ri = i * n, xi = xo + i * m;
                for (int j = i + 1; j < n; j++) {
                    double u = f[ri + j];
                    int xj = xo + j * m;
                    for (int c = 0; c < m; c++) x[xi + c] -= u * x[xj + c];
                }
                double d = f[ri + i];
                for (int c = 0; c < m; c++) x[xi + c] /= d;
            }
        } else {
            if (m == 1) {
                for (int j = 0; j < n; j++) {   // Uᵀ y = x, forward: finish y_j, then remove it from the rest
                    int rj = j * n;
                    double y = x[xo + j] / f[rj + j];
                    x[xo + j] = y;
                    for (int i = j + 1; i < n; i++) x[xo + i] -= f[rj + i] * y;
                }
                for (int j = n - 1; j > 0; j--) {   // Lᵀ z = y, unit upper triangular, backward
                    int rj = j * n;
                    double z = x[xo + j];
                    for (int i = 0; i < j; i++) x[xo + i] -= f[rj + i] * z;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int rj = j * n, xj = xo + j * m;
                    double d = f[rj + j];
                    for (int c = 0; c < m; c++) x[xj + c] /= d;
                    for (int i = j + 1; i < n; i++) {
                        double u = f[rj + i];
                        int xi = xo + i * m;
                        for (int c = 0; c < m; c++) x[xi + c] -= u * x[xj + c];
                    }
                }
                for (int j = n - 1; j > 0; j--) {
                    int rj = j * n, xj = xo + j * m;
                    for (int i = 0; i < j; i++) {
                        double l = f[rj + i];
                        int xi = xo + i * m;
                        for (int c = 0; c < m; c++) x[xi + c] -= l * x[xj + c];
                    }
                }
            }
            for (int k = n - 1; k >= 0; k--) swapRows(x, xo, m, k, (int) f[pivots + k]);
        }
    }

    /**
     * The plain solve of one right-hand side x[xo, xo + n), the stiff steppers' per-stage call: a
     * small method of its own so that it inlines into the caller's loop (the general kernel above
     * calls it for m = 1, so both give the same bits).
     */
    static void solveVector(double[] f, int n, double[] x, int xo) {
        int pivots = n * n;
        for (int k = 0; k < n; k++) {
            int p = (int) f[pivots + k];
            if (p != k) {
                double t = x[xo + k];
                x[xo + k] = x[xo + p];
                x[xo + p] = t;
            }
        }
        for (int i = 1; i < n; i++) {   // L y = P x, unit lower triangular, forward
            int ri = i * n;
            double s = x[xo + i];
            for (int j = 0; j < i; j++) s -= f[ri + j] * x[xo + j];
            x[xo + i] = s;
        }
        for (int i = n - 1; i >= 0; i--) {   // U z = y, backward
            int ri = i * n;
            double s = x[xo + i];
            for (int j = i + 1; j < n; j++) s -= f[ri + j] * x[xo + j];
            x[xo + i] = s / f[ri + i];
        }
    }

    private static void swapRows(double[] x, int xo, int m, int a, int b) {
        if (a == b) return;
        int ra = xo + a * m, rb = xo + b * m;
        for (int c = 0; c < m; c++) {
            double t = x[ra + c];
            x[ra + c] = x[rb + c];
            x[rb + c] = t;
        }
    }
}
