package dev.fluxion.autodiff;

import java.util.Arrays;

/**
 * Which entries of an m × n Jacobian can be nonzero, in compressed-row form: row i's columns are
 * {@code columns()[rowStart()[i] .. rowStart()[i + 1])}, ascending. Found from a traced program by
 * {@link CompiledFunction#jacobianSparsity}; conservative (an entry marked here may still be zero at
 * a given point, one not marked is zero everywhere). Immutable.
 */
public final class SparsityPattern {
    private final int rows, cols;
    private final int[] rowStart, columns;

    private SparsityPattern(int rows, int cols, int[] rowStart, int[] columns) {
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.columns = columns;
    }

    /** From each row's columns (any order, duplicates allowed). */
    public static SparsityPattern ofRows(int cols, int[][] perRow) {
        int m = perRow.length;
        int[] start = new int[m + 1];
        int[][] sorted = new int[m][];
        for (int i = 0; i < m; i++) {
            int[] r = perRow[i].clone();
            Arrays.sort(r);
            int k = 0;
            for (int j = 0; j < r.length; j++) {
                if (r[j] < 0 || r[j] >= cols) throw new IllegalArgumentException("sparsity pattern: column " + r[j] + " outside [0, " + cols + ")");
                if (k == 0 || r[k - 1] != r[j]) r[k++] = r[j];
            }
            sorted[i] = Arrays.copyOf(r, k);
            start[i + 1] = start[i] + k;
        }
        int[] c = new int[start[m]];
        for (int i = 0; i < m; i++) System.arraycopy(sorted[i], 0, c, start[i], sorted[i].length);
        return new SparsityPattern(m, cols, start, c);
    }

    /** Every entry of an m × n matrix. */
    public static SparsityPattern dense(int rows, int cols) {
        int[][] r = new int[rows][cols];
        for (int[] row : r) for (int j = 0; j < cols; j++) row[j] = j;
        return ofRows(cols, r);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Number of entries that may be nonzero. */
    public int nnz() { return columns.length; }

    /** Row i's entries are columns()[rowStart()[i]] up to (not including) columns()[rowStart()[i + 1]] (read-only). */
    public int[] rowStart() { return rowStart; }

    /** Column of each entry, row by row (read-only). */
    public int[] columns() { return columns; }

    public boolean contains(int i, int j) {
        return Arrays.binarySearch(columns, rowStart[i], rowStart[i + 1], j) >= 0;
    }

    /** Position of entry (i, j) in {@link #columns()}, or −1. */
    public int indexOf(int i, int j) {
        int k = Arrays.binarySearch(columns, rowStart[i], rowStart[i + 1], j);
        return k >= 0 ? k : -1;
    }

    /** The pattern of the transpose. */
    public SparsityPattern transpose() {
        int[] start = new int[cols + 1];
        for (int c : columns) start[c + 1]++;
        for (int j = 0; j < cols; j++) start[j + 1] += start[j];
        int[] fill = Arrays.copyOf(start, cols);
        int[] c = new int[columns.length];
        for (int i = 0; i < rows; i++) {
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) c[fill[columns[k]]++] = i;
        }
        return new SparsityPattern(cols, rows, start, c);
    }

    /** The lower and upper bandwidths {kl, ku}: entries (i, j) have −kl ≤ j − i ≤ ku. */
    public int[] bandwidths() {
        int kl = 0, ku = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) {
                int d = columns[k] - i;
                if (d < 0) kl = Math.max(kl, -d);
                else ku = Math.max(ku, d);
            }
        }
        return new int[] {kl, ku};
    }

    @Override public boolean equals(Object o) {
        return o instanceof SparsityPattern s && s.rows == rows && s.cols == cols
                && Arrays.equals(s.rowStart, rowStart) && Arrays.equals(s.columns, columns);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(rowStart) + Arrays.hashCode(columns); }

    @Override public String toString() { return "SparsityPattern[" + rows + "×" + cols + ", " + nnz() + " entries]"; }
}
