package dev.fluxion.diffeq;

import dev.fluxion.tensor.LuDecomposition;

/** J and W = c·M − J on the flat plan: row-major arrays, an allocation-free LU reused for every stage solve. */
final class FlatLinearAlgebra {
    private FlatLinearAlgebra() {}

    static final class FlatJacobian implements Jacobian<double[]> {
        private final double[] j;
        private final int n;
        // W and its LU storage, reused when the same J is refactored with another c (a new step size)
        private double[] w;
        private LuDecomposition lu;

        FlatJacobian(double[] j, int n) {
            this.j = j;
            this.n = n;
        }

        @Override public int size() { return n; }

        @Override public double[] values() { return j; }

        @Override public Factorization<double[]> factorW(double c, double[] mass) {
            if (mass != null && mass.length != n * n) {
                throw new IllegalArgumentException("the mass matrix has " + mass.length + " entries; a state of size " + n + " needs " + n * n);
            }
            if (w == null) {
                w = new double[n * n];
                lu = new LuDecomposition(n);
            }
            for (int i = 0; i < n * n; i++) w[i] = -j[i];
            if (mass == null) {
                for (int i = 0; i < n; i++) w[i * n + i] += c;
            } else {
                for (int i = 0; i < n * n; i++) w[i] += c * mass[i];
            }
            lu.refactor(w);
            LuDecomposition f = lu;
            return new Factorization<>() {
                @Override public boolean singular() { return f.isSingular(); }

                @Override public double[] solve(double[] b) {
                    double[] x = b.clone();
                    f.solve(x);
                    return x;
                }
            };
        }
    }
}
