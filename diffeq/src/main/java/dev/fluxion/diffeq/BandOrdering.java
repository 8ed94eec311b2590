package dev.fluxion.diffeq;

import dev.fluxion.autodiff.SparsityPattern;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A symmetric ordering of a sparse Jacobian's rows and columns that brings its entries into a
 * narrow band, for the banded LU of W = c·M − J: the natural order when it is already banded (a
 * 1-D discretisation with interleaved species), else the reverse Cuthill–McKee order (Cuthill &amp;
 * McKee 1969; George &amp; Liu, Computer Solution of Large Sparse Positive Definite Systems, 1981,
 * §4.3: breadth-first from a pseudo-peripheral node of the symmetrised graph, neighbours by
 * increasing degree, reversed), which finds the band of a 1-D system in any numbering (species in
 * blocks, say) and gives bandwidth O(√n) on 2-D grids. A symmetric permutation keeps the diagonal
 * on the diagonal, so W's c·I stays in the band. Null when no ordering is narrow enough for the
 * band to beat a dense LU (see {@link #narrow}).
 */
final class BandOrdering {
    /** perm[new] = old, inv[old] = new. */
    final int[] perm, inv;
    final int kl, ku;

    private BandOrdering(int[] perm, int[] inv, int kl, int ku) {
        this.perm = perm;
        this.inv = inv;
        this.kl = kl;
        this.ku = ku;
    }

    /**
     * Banded storage of width 2kl + ku + 1 pays when it is a small part of the dense n columns:
     * factoring costs ~2n·kl·(kl + ku) against 2n³/3, so a band of a quarter of n is already ~10×
     * cheaper, and the sparse path pays for itself well before.
     */
    static boolean narrow(int n, int kl, int ku) {
        return 2 * kl + ku + 1 <= Math.max(4, n / 4);
    }

    /** The natural order if banded, else reverse Cuthill–McKee if that is banded, else null. */
    static BandOrdering of(SparsityPattern p) {
        int n = p.rows();
        int[] bw = p.bandwidths();
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) identity[i] = i;
        if (narrow(n, bw[0], bw[1])) return new BandOrdering(identity, identity, bw[0], bw[1]);
        int[] perm = reverseCuthillMcKee(p);
        int[] inv = new int[n];
        for (int i = 0; i < n; i++) inv[perm[i]] = i;
        int kl = 0, ku = 0;
        int[] rs = p.rowStart(), cs = p.columns();
        for (int i = 0; i < n; i++) {
            for (int k = rs[i]; k < rs[i + 1]; k++) {
                int d = inv[cs[k]] - inv[i];
                if (d < 0) kl = Math.max(kl, -d);
                else ku = Math.max(ku, d);
            }
        }
        return narrow(n, kl, ku) ? new BandOrdering(perm, inv, kl, ku) : null;
    }

    /** The same ordering for Jᵀ: the bandwidths swap. */
    BandOrdering transposed() { return new BandOrdering(perm, inv, ku, kl); }

    /** RCM on the graph of p + pᵀ; returns perm[new] = old. */
    static int[] reverseCuthillMcKee(SparsityPattern p) {
        int n = p.rows();
        SparsityPattern t = p.transpose();
        int[][] adj = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] a = Arrays.copyOfRange(p.columns(), p.rowStart()[i], p.rowStart()[i + 1]);
            int[] b = Arrays.copyOfRange(t.columns(), t.rowStart()[i], t.rowStart()[i + 1]);
            int[] u = new int[a.length + b.length];
            int k = 0;
            for (int x : a) if (x != i) u[k++] = x;
            for (int x : b) if (x != i) u[k++] = x;
            adj[i] = Arrays.stream(u, 0, k).distinct().toArray();
        }
        int[] degree = new int[n];
        for (int i = 0; i < n; i++) degree[i] = adj[i].length;
        for (int i = 0; i < n; i++) {
            Integer[] boxed = Arrays.stream(adj[i]).boxed().toArray(Integer[]::new);
            Arrays.sort(boxed, (x, y) -> degree[x] != degree[y] ? Integer.compare(degree[x], degree[y]) : Integer.compare(x, y));
            for (int k = 0; k < boxed.length; k++) adj[i][k] = boxed[k];
        }
        boolean[] seen = new boolean[n];
        int[] order = new int[n];
        int filled = 0;
        while (filled < n) {
            // next component: start from its node of least degree, moved to a pseudo-peripheral one
            int start = -1;
            for (int i = 0; i < n; i++) if (!seen[i] && (start < 0 || degree[i] < degree[start])) start = i;
            start = pseudoPeripheral(adj, degree, start, n);
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(start);
            seen[start] = true;
            while (!queue.isEmpty()) {
                int v = queue.poll();
                order[filled++] = v;
                for (int w : adj[v]) {
                    if (!seen[w]) {
                        seen[w] = true;
                        queue.add(w);
                    }
                }
            }
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = order[n - 1 - i];
        return perm;
    }

    /** George & Liu's heuristic: repeat breadth-first searches from a node of least degree in the last level while the eccentricity grows. */
    private static int pseudoPeripheral(int[][] adj, int[] degree, int start, int n) {
        int[] level = new int[n];
        int node = start, ecc = -1;
        for (int round = 0; round < 8; round++) {
            Arrays.fill(level, -1);
            ArrayDeque<Integer> q = new ArrayDeque<>();
            q.add(node);
            level[node] = 0;
            int last = node, depth = 0;
            while (!q.isEmpty()) {
                int v = q.poll();
                for (int w : adj[v]) {
                    if (level[w] < 0) {
                        level[w] = level[v] + 1;
                        q.add(w);
                        if (level[w] > depth || level[w] == depth && degree[w] < degree[last]) {
                            depth = level[w];
                            last = w;
                        }
                    }
                }
            }
            if (depth <= ecc) break;
            ecc = depth;
            node = last;
        }
        return node;
    }
}
