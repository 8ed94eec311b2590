package dev.fluxion.autodiff;

import java.util.Arrays;

/**
 * A colouring of a Jacobian's columns such that no two columns of one colour have an entry in the
 * same row (structurally orthogonal columns): then one forward lane seeded with the sum of a
 * colour's unit vectors gives every entry of those columns at once, and the whole Jacobian takes
 * as many lanes as colours (Curtis, Powell &amp; Reid, "On the estimation of sparse Jacobian
 * matrices", IMA J. Appl. Math. 13 (1974) 117–119). The colouring is a greedy distance-1
 * colouring of the column-intersection graph with the largest-first ordering (columns of the
 * largest degree first; Gebremedhin, Manne &amp; Pothen, "What color is your Jacobian?", SIAM
 * Review 47 (2005), §3): for a banded pattern of bandwidths kl, ku it uses at most kl + ku + 1
 * colours, the lower bound being the most entries in one row. Immutable.
 */
public final class ColumnColoring {
    private final int[] colour;
    private final int colours;

    private ColumnColoring(int[] colour, int colours) {
        this.colour = colour;
        this.colours = colours;
    }

    /** The greedy largest-first colouring of p's columns. */
    public static ColumnColoring of(SparsityPattern p) {
        int n = p.cols();
        SparsityPattern byColumn = p.transpose();   // column j's rows
        int[] rs = p.rowStart(), cs = p.columns(), crs = byColumn.rowStart(), crows = byColumn.columns();
        // degree of each column in the column-intersection graph (distinct neighbours)
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        int[] degree = new int[n];
        for (int j = 0; j < n; j++) {
            stamp[j] = j;
            for (int a = crs[j]; a < crs[j + 1]; a++) {
                int i = crows[a];
                for (int b = rs[i]; b < rs[i + 1]; b++) {
                    int k = cs[b];
                    if (stamp[k] != j) {
                        stamp[k] = j;
                        degree[j]++;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) order[j] = j;
        Arrays.sort(order, (x, y) -> degree[y] != degree[x] ? Integer.compare(degree[y], degree[x]) : Integer.compare(x, y));
        int[] colour = new int[n];
        Arrays.fill(colour, -1);
        int[] forbidden = new int[n + 1];
        Arrays.fill(forbidden, -1);
        int colours = 0;
        for (int q = 0; q < n; q++) {
            int j = order[q];
            for (int a = crs[j]; a < crs[j + 1]; a++) {
                int i = crows[a];
                for (int b = rs[i]; b < rs[i + 1]; b++) {
                    int c = colour[cs[b]];
                    if (c >= 0) forbidden[c] = j;
                }
            }
            int c = 0;
            while (forbidden[c] == j) c++;
            colour[j] = c;
            colours = Math.max(colours, c + 1);
        }
        return new ColumnColoring(colour, colours);
    }

    /** Number of colours (forward lanes for the compressed Jacobian). */
    public int colours() { return colours; }

    /** The colour of column j. */
    public int colour(int j) { return colour[j]; }

    /** The colour of every column (a copy). */
    public int[] colourOfColumn() { return colour.clone(); }

    /**
     * The seed matrix [colours, n] row-major: row c is the sum of the unit vectors of the columns
     * of colour c, the tangents of the compressed Jacobian's lanes.
     */
    public double[] seeds() {
        int n = colour.length;
        double[] s = new double[colours * n];
        for (int j = 0; j < n; j++) s[colour[j] * n + j] = 1.0;
        return s;
    }
}
