package dev.fluxion.diffeq;

import dev.fluxion.autodiff.SparsityPattern;
import dev.fluxion.tensor.BandedLuDecomposition;
import dev.fluxion.tensor.LuDecomposition;

/**
 * J on the flat plan as its structurally nonzero entries (compressed rows, from a
 * {@link SparseJacobianPlan}), and W = c·M − J factored by a banded LU in the plan's band ordering
 * when W fits the band (M the identity, or a mass matrix inside the band), else by the dense LU.
 */
public final class SparseJacobian implements Jacobian<double[]> {
    private final SparseJacobianPlan plan;
    private final SparsityPattern pattern;
    private final BandOrdering band;
    private final double[] nz;
    private double[] dense;

    SparseJacobian(SparseJacobianPlan plan, SparsityPattern pattern, BandOrdering band, double[] nz) {
        this.plan = plan;
        this.pattern = pattern;
        this.band = band;
        this.nz = nz;
    }

    @Override public int size() { return pattern.rows(); }

    /** The dense matrix, row-major (built on first use). */
    @Override public double[] values() {
        if (dense == null) {
            int n = size();
            double[] d = new double[n * n];
            int[] rs = pattern.rowStart(), cs = pattern.columns();
            for (int i = 0; i < n; i++) for (int k = rs[i]; k < rs[i + 1]; k++) d[i * n + cs[k]] = nz[k];
            dense = d;
        }
        return dense;
    }

    public SparsityPattern pattern() { return pattern; }

    /** The entries in the pattern's order (read-only). */
    public double[] nonzeros() { return nz; }

    /** Whether W is factored by the banded LU (when it fits the band). */
    public boolean banded() { return band != null; }

    /** −Jᵀ, with the same ordering (the bandwidths swap): the Jacobian of an adjoint system λ' = −Jᵀλ. */
    public SparseJacobian negatedTranspose() {
        int n = size();
        SparsityPattern t = pattern.transpose();
        double[] v = new double[nz.length];
        int[] fill = t.rowStart().clone();
        int[] rs = pattern.rowStart(), cs = pattern.columns();
        for (int i = 0; i < n; i++) for (int k = rs[i]; k < rs[i + 1]; k++) v[fill[cs[k]]++] = -nz[k];
        return new SparseJacobian(plan, t, band == null ? null : band.transposed(), v);
    }

    @Override public Factorization<double[]> factorW(double c, double[] mass) {
        int n = size();
        if (mass != null && mass.length != n * n) {
            throw new IllegalArgumentException("the mass matrix has " + mass.length + " entries; a state of size " + n + " needs " + n * n);
        }
        if (band == null || !plan.fits(mass, band)) return dense(c, mass);
        int[] inv = band.inv, perm = band.perm;
        BandedLuDecomposition lu = new BandedLuDecomposition(n, band.kl, band.ku);
        if (mass == null) {
            for (int i = 0; i < n; i++) lu.add(i, i, c);
        } else {
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (mass[i * n + j] != 0.0) lu.add(inv[i], inv[j], c * mass[i * n + j]);
        }
        int[] rs = pattern.rowStart(), cs = pattern.columns();
        for (int i = 0; i < n; i++) for (int k = rs[i]; k < rs[i + 1]; k++) lu.add(inv[i], inv[cs[k]], -nz[k]);
        lu.factor();
        return new Factorization<>() {
            @Override public boolean singular() { return lu.isSingular(); }

            @Override public double[] solve(double[] b) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = b[perm[i]];
                lu.solve(x);
                double[] out = new double[n];
                for (int i = 0; i < n; i++) out[perm[i]] = x[i];
                return out;
            }
        };
    }

    private Factorization<double[]> dense(double c, double[] mass) {
        int n = size();
        double[] w = values().clone();
        for (int i = 0; i < n * n; i++) w[i] = -w[i];
        if (mass == null) for (int i = 0; i < n; i++) w[i * n + i] += c;
        else for (int i = 0; i < n * n; i++) w[i] += c * mass[i];
        LuDecomposition lu = LuDecomposition.factor(w, n);
        return new Factorization<>() {
            @Override public boolean singular() { return lu.isSingular(); }

            @Override public double[] solve(double[] b) {
                double[] x = b.clone();
                lu.solve(x);
                return x;
            }
        };
    }
}
