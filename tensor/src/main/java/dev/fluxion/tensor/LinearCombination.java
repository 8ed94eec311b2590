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
        int m = terms;
        int first = 0;
        while (first < m && c[first] == 0.0) first++;
        if (first == m) { java.util.Arrays.fill(out, 0, n, 0.0); return; }
        if (n <= SMALL) {
            // element by element with the sum in a register: for small states (an ODE's few
            // components) this beats a pass over memory per term; each element adds the same
            // terms in the same order, so the result is the same bit for bit
            for (int j = 0; j < n; j++) {
                double acc = c[first] * x[first][j];
                for (int i = first + 1; i < m; i++) {
                    double ci = c[i];
                    if (ci != 0.0) acc += ci * x[i][j];
                }
                out[j] = acc;
            }
            return;
        }
        double c0 = c[first];
        double[] x0 = x[first];
        for (int j = 0; j < n; j++) out[j] = c0 * x0[j];
        for (int i = first + 1; i < m; i++) {
            double ci = c[i];
            if (ci == 0.0) continue;
            double[] xi = x[i];
            for (int j = 0; j < n; j++) out[j] += ci * xi[j];
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
