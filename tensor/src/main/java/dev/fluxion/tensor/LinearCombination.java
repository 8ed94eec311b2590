package dev.fluxion.tensor;

/**
 * Σ c_i x_i over equally shaped tensors as a single op: one tape node and one pass over memory
 * per Runge–Kutta stage instead of a chain of scaled additions.
 */
public final class LinearCombination extends KernelOp {
    final double[] c;

    LinearCombination(double[] c) { this.c = c; }

    /** The coefficients (a copy). */
    public double[] coefficients() { return c.clone(); }

    @Override public String name() { return "linearCombination"; }

    @Override public Shape outShape(Shape[] in) {
        for (int i = 1; i < in.length; i++) {
            if (!in[i].equals(in[0])) {
                throw new IllegalArgumentException("linearCombination: tensor " + i + " has shape " + in[i] + ", tensor 0 has " + in[0]);
            }
        }
        return in[0];
    }

    /** The primal path: no op object, no copy of c. */
    static Tensor eager(double[] c, Tensor[] xs) {
        Shape s = xs[0].shape;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i].shape != s && !xs[i].shape.equals(s)) new LinearCombination(c).outShape(shapes(xs));
        }
        double[] out = new double[s.size()];
        double[][] d = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) d[i] = xs[i].data;
        run(c, d, out);
        return new Tensor(s, out);
    }

    private static Shape[] shapes(Tensor[] xs) {
        Shape[] s = new Shape[xs.length];
        for (int i = 0; i < xs.length; i++) s[i] = xs[i].shape;
        return s;
    }

    @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
        run(c, in, out);
    }

    /**
     * out = Σ c_i x_i over flat arrays: the one definition of the summation order that every path
     * shares (eager ops, the solvers' flat stage sums, and compiled programs, which unroll
     * {@link #liveTerms} in the same order), so plain, AD and flat solves compute identical
     * numbers. Each element is the first nonzero term, then each later nonzero term added in
     * order; structural zeros of a tableau are skipped, as hand-written RK steps do.
     */
    public static void run(double[] c, double[][] x, double[] out) {
        run(c, x, c.length, out, out.length);
    }

    /** As run, over the first n components only. */
    public static void run(double[] c, double[][] x, double[] out, int n) {
        run(c, x, c.length, out, n);
    }

    /** As run, over the first terms coefficients and the first n components only. */
    public static void run(double[] c, double[][] x, int terms, double[] out, int n) {
        sum(null, 1.0, c, null, x, terms, out, n, null);
    }

    /**
     * The one kernel of every stage sum and the one definition of its order of addition:
     * <pre>
     *   out[j] = base[j] + Σ_m (scale·a_m)·x[idx_m][j]      m = 0 .. terms−1, in order
     * </pre>
     * over the first n components, terms whose coefficient scale·a_m is zero skipped. Without a base
     * the sum starts from its first nonzero term (so Σ c_i x_i is {@code sum(null, 1, c, null, ...)});
     * without idx, term m reads x[m]. A Runge–Kutta stage input u + h Σ a_m k[deps_m] is
     * {@code sum(u, h, a, deps, k, ...)}: no coefficient or operand arrays are built, and the
     * numbers are those of the same combination as one op (u with coefficient 1 first) bit for bit.
     *
     * <p>Each element adds the same terms in the same order whichever branch runs: a few
     * components element by element with nothing hoisted; up to {@link #SMALL} element by element
     * with the coefficients computed once into coefs (when given, length ≥ terms); larger states
     * term by term, a pass over memory per term that the JIT vectorises.
     */
    public static void sum(double[] base, double scale, double[] a, int[] idx, double[][] x, int terms,
                           double[] out, int n, double[] coefs) {
        int first = 0;
        if (base == null) {
            while (first < terms && scale * a[first] == 0.0) first++;
            if (first == terms) { java.util.Arrays.fill(out, 0, n, 0.0); return; }
        }
        if (n > SMALL) {
            int m = first;
            if (base != null) {
                System.arraycopy(base, 0, out, 0, n);
            } else {
                double c0 = scale * a[first];
                double[] x0 = x[idx == null ? first : idx[first]];
                for (int j = 0; j < n; j++) out[j] = c0 * x0[j];
                m++;
            }
            for (; m < terms; m++) {
                double c = scale * a[m];
                if (c == 0.0) continue;
                double[] xm = x[idx == null ? m : idx[m]];
                for (int j = 0; j < n; j++) out[j] += c * xm[j];
            }
            return;
        }
        if (n > 3 && coefs != null) {
            for (int m = 0; m < terms; m++) coefs[m] = scale * a[m];
            a = coefs;
            scale = 1.0;   // 1·c is c exactly
        }
        for (int j = 0; j < n; j++) {
            double acc;
            int m = first;
            if (base != null) {
                acc = base[j];
            } else {
                acc = (scale * a[first]) * x[idx == null ? first : idx[first]][j];
                m++;
            }
            for (; m < terms; m++) {
                double c = scale * a[m];
                if (c != 0.0) acc += c * x[idx == null ? m : idx[m]][j];
            }
            out[j] = acc;
        }
    }

    /**
     * The indices of the nonzero coefficients in the order {@link #run} adds them: what a compiler
     * unrolling this op follows to reproduce its numbers bit for bit.
     */
    public static int[] liveTerms(double[] c) {
        int live = 0;
        for (double x : c) if (x != 0.0) live++;
        int[] idx = new int[live];
        for (int i = 0, j = 0; i < c.length; i++) if (c[i] != 0.0) idx[j++] = i;
        return idx;
    }

    /** The nonzero coefficients in that order (a tableau row's live weights beside {@link #liveTerms}). */
    public static double[] liveValues(double[] c) {
        int[] idx = liveTerms(c);
        double[] v = new double[idx.length];
        for (int j = 0; j < idx.length; j++) v[j] = c[idx[j]];
        return v;
    }

    /** Sizes up to which the element-by-element order is used (other kernels summing in this op's order read it). */
    public static final int SMALL = 16;

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int live = 0;
        for (int i = 0; i < t.length; i++) if (t[i] != null && c[i] != 0.0) live++;
        if (live == 0) return null;
        double[] cc = new double[live];
        Tensor[] tt = new Tensor[live];
        for (int i = 0, j = 0; i < t.length; i++) {
            if (t[i] != null && c[i] != 0.0) { cc[j] = c[i]; tt[j++] = t[i]; }
        }
        return Tensor.linearCombination(cc, tt);
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        Tensor[] g = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) if (needs[i]) g[i] = ct.times(c[i]);
        return g;
    }
}
