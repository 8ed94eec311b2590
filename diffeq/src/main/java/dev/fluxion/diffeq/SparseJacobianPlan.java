package dev.fluxion.diffeq;

import dev.fluxion.autodiff.ColumnColoring;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.SparsityPattern;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How a flat-plan solve takes J = ∂f/∂u when it is sparse, decided once per compiled f: the
 * pattern from the trace ({@link CompiledFunction#jacobianSparsity}), a column colouring
 * ({@link ColumnColoring}: J in as many forward lanes as colours, each lane seeded with the sum of
 * its colour's unit vectors, then decompressed entry by entry), and an ordering that makes W banded
 * ({@link BandOrdering}: natural or reverse Cuthill–McKee), factored by a banded LU.
 *
 * <p>Automatic ({@code SolveOptions.sparseJacobian} unset) for states of at least
 * {@value #AUTO_MIN_SIZE} components whose pattern compresses to at most half the lanes or orders
 * into a narrow band; below that size, dense lanes and LU are as fast and the analysis is not
 * worth its set-up. {@code sparseJacobian(true)} forces it at any size (a pattern with no band
 * then factors densely), {@code sparseJacobian(false)} turns it off.
 */
public final class SparseJacobianPlan {
    /** States of at least this many components get the sparse path automatically. */
    public static final int AUTO_MIN_SIZE = 64;

    private static final Map<CompiledFunction, SparseJacobianPlan> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private final SparsityPattern pattern;
    private final ColumnColoring colouring;
    private final int[] colourOf;
    private final BandOrdering band;
    /** The last mass matrix checked against the band, and the answer. */
    private double[] checkedMass;
    private boolean massFits;

    private SparseJacobianPlan(SparsityPattern pattern) {
        this.pattern = pattern;
        this.colouring = ColumnColoring.of(pattern);
        this.colourOf = colouring.colourOfColumn();
        this.band = BandOrdering.of(pattern);
    }

    /** The plan for cf's J with respect to its first argument, or null for dense lanes (mode: null automatic, true forced, false off). */
    public static SparseJacobianPlan choose(CompiledFunction cf, int n, Boolean mode) {
        if (Boolean.FALSE.equals(mode) || mode == null && n < AUTO_MIN_SIZE) return null;
        SparseJacobianPlan plan = CACHE.computeIfAbsent(cf, f -> new SparseJacobianPlan(f.jacobianSparsity(0)));
        if (mode == null && plan.colours() > n / 2 && plan.band == null) return null;
        return plan;
    }

    /** The plan of a given pattern (tests, and systems built from a known pattern). */
    public static SparseJacobianPlan of(SparsityPattern pattern) { return new SparseJacobianPlan(pattern); }

    public SparsityPattern pattern() { return pattern; }

    /** Forward lanes per Jacobian. */
    public int colours() { return colouring.colours(); }

    public ColumnColoring colouring() { return colouring; }

    /** Whether W is factored as a band matrix. */
    public boolean banded() { return band != null; }

    /** {kl, ku} of the band in its ordering, or null when W is factored densely. */
    public int[] bandwidths() { return band == null ? null : new int[] {band.kl, band.ku}; }

    /** Whether the band ordering is a reordering (reverse Cuthill–McKee) rather than the natural order. */
    public boolean reordered() {
        if (band == null) return false;
        for (int i = 0; i < band.perm.length; i++) if (band.perm[i] != i) return true;
        return false;
    }

    /** The lanes' tangents [colours, n]. */
    double[] seeds() { return colouring.seeds(); }

    /** J from the compressed lanes [colours, n] (lane c holds J·seed_c): entry (i, j) is lane colour(j)'s row i. */
    SparseJacobian decompress(double[] lanes) {
        int n = pattern.rows();
        int[] rs = pattern.rowStart(), cs = pattern.columns();
        double[] nz = new double[cs.length];
        for (int i = 0; i < n; i++) for (int k = rs[i]; k < rs[i + 1]; k++) nz[k] = lanes[colourOf[cs[k]] * n + i];
        return new SparseJacobian(this, pattern, band, nz);
    }

    /** Whether a mass matrix [n·n] (null: the identity) lies inside the band in its ordering. */
    synchronized boolean fits(double[] mass, BandOrdering b) {
        if (mass == null) return true;
        if (mass == checkedMass) return massFits;
        int n = pattern.rows();
        boolean ok = true;
        for (int i = 0; i < n && ok; i++) {
            for (int j = 0; j < n; j++) {
                if (mass[i * n + j] == 0.0) continue;
                int d = b.inv[j] - b.inv[i];
                if (d < -Math.min(b.kl, b.ku) || d > Math.min(b.kl, b.ku)) {
                    ok = false;
                    break;
                }
            }
        }
        checkedMass = mass;
        massFits = ok;
        return ok;
    }
}
