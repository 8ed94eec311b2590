package dev.fluxion.tensor;

import java.util.Arrays;

/** The dimensions of a tensor, row-major. Immutable; a scalar has rank 0 and size 1. */
public final class Shape {
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;
    private final int hash;

    private Shape(int[] dims) {
        this.dims = dims;
        long s = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            s *= d;
            if (s > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
        }
        this.size = (int) s;
        this.hash = Arrays.hashCode(dims);
    }

    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        return new Shape(dims.clone());
    }

    /** For callers that hand over a fresh array they will not touch again. */
    static Shape wrap(int[] dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims);
    }

    public int rank() { return dims.length; }
    public int size() { return size; }
    public boolean isScalar() { return dims.length == 0; }

    /** The length of an axis; negative axes count from the end. */
    public int dim(int axis) { return dims[axis(axis)]; }

    public int[] dims() { return dims.clone(); }

    /** Resolves a possibly negative axis against this rank, naming the shape when out of range. */
    public int axis(int axis) {
        int r = dims.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        return a;
    }

    /** Row-major strides. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /** [k, ...this]: the shape of k stacked copies (tangent lanes, batches). */
    public Shape prepend(int k) {
        int[] d = new int[dims.length + 1];
        d[0] = k;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** This shape without its leading axis. */
    public Shape dropFirst() {
        if (dims.length == 0) throw new IllegalArgumentException("a scalar has no leading axis");
        return wrap(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /** This shape with axis removed. */
    public Shape remove(int axis) {
        int a = axis(axis);
        int[] d = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != a) d[j++] = dims[i];
        return wrap(d);
    }

    /** This shape with a new axis of length n inserted at position axis (0..rank). */
    public Shape insert(int axis, int n) {
        if (axis < 0 || axis > dims.length) throw new IllegalArgumentException("cannot insert axis " + axis + " into shape " + this);
        int[] d = new int[dims.length + 1];
        for (int i = 0, j = 0; i < d.length; i++) d[i] = i == axis ? n : dims[j++];
        return new Shape(d);
    }

    /** This shape with axis set to length n. */
    public Shape with(int axis, int n) {
        int a = axis(axis);
        int[] d = dims.clone();
        d[a] = n;
        return wrap(d);
    }

    /** Left-pads with ones to the given rank (NumPy's alignment for broadcasting). */
    public Shape padTo(int rank) {
        if (rank < dims.length) throw new IllegalArgumentException("cannot pad shape " + this + " to rank " + rank);
        if (rank == dims.length) return this;
        int[] d = new int[rank];
        Arrays.fill(d, 0, rank - dims.length, 1);
        System.arraycopy(dims, 0, d, rank - dims.length, dims.length);
        return new Shape(d);
    }

    /** NumPy broadcasting of two shapes; the error names the operation and both shapes. */
    public static Shape broadcast(Shape a, Shape b, String op) {
        if (a.equals(b)) return a;
        int r = Math.max(a.rank(), b.rank());
        int[] d = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da == db || db == 1) d[i] = da;
            else if (da == 1) d[i] = db;
            else throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast together");
        }
        return wrap(d);
    }

    /** Whether this shape broadcasts to target (target = broadcast(this, target)). */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) return false;
        int off = target.rank() - rank();
        for (int i = 0; i < rank(); i++) if (dims[i] != 1 && dims[i] != target.dims[i + off]) return false;
        return true;
    }

    int[] raw() { return dims; }

    @Override public boolean equals(Object o) {
        if (this == o) return true;
        return o instanceof Shape s && s.hash == hash && Arrays.equals(s.dims, dims);
    }

    @Override public int hashCode() { return hash; }

    @Override public String toString() { return Arrays.toString(dims); }
}
