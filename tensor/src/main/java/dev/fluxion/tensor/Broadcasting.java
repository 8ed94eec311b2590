package dev.fluxion.tensor;

/** Index maps for NumPy broadcasting over flat row-major buffers. */
public final class Broadcasting {
    private Broadcasting() {}

    /**
     * For each flat index of out, the flat index of the element of in that broadcasting reads;
     * in must broadcast to out.
     */
    public static int[] indexMap(Shape in, Shape out) {
        int r = out.rank();
        int[] od = out.raw();
        int[] id = in.padTo(r).raw();
        int[] istr = new int[r];
        int acc = 1;
        for (int i = r - 1; i >= 0; i--) {
            istr[i] = id[i] == 1 ? 0 : acc;
            acc *= id[i];
        }
        int n = out.size();
        int[] map = new int[n];
        if (n == 0) return map;
        int[] idx = new int[r];
        int off = 0;
        for (int k = 0; k < n; k++) {
            map[k] = off;
            for (int ax = r - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += istr[ax];
                if (idx[ax] < od[ax]) break;
                off -= istr[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return map;
    }

    /** Whether in repeats periodically over out (in's shape equals out's trailing axes), so out[k] reads in[k % in.size]. */
    static boolean isSuffix(Shape in, Shape out) {
        int ri = in.rank(), ro = out.rank();
        int[] id = in.raw(), od = out.raw();
        int i = 0;
        while (i < ri && id[i] == 1) i++;          // leading ones of in are free
        int len = ri - i;
        if (len > ro) return false;
        for (int k = 0; k < len; k++) if (id[i + k] != od[ro - len + k]) return false;
        return true;
    }
}
