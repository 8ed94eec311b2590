package dev.fluxion.tensor;

/**
 * Helpers for forward-mode rules, whose tangents carry K leading lanes: a tangent of a value of
 * shape S has shape [K, ...S]. Aligning ranks first lets ordinary broadcasting treat the lane axis
 * as one more batch axis (the same trick as JAX's batching rules).
 */
public final class Lanes {
    private Lanes() {}

    /** The lane count of the first non-null tangent, or 0 if all are null. */
    public static int count(Tensor[] tangents) {
        for (Tensor t : tangents) if (t != null) return t.shape.dim(0);
        return 0;
    }

    /**
     * Inserts length-1 axes right after the lane axis so that the tangent's value part has the
     * given rank; then broadcasting against a value of that rank lines up correctly.
     */
    public static Tensor align(Tensor tangent, int valueRank) {
        int have = tangent.shape.rank() - 1;
        if (have == valueRank) return tangent;
        int[] d = new int[valueRank + 1];
        d[0] = tangent.shape.dim(0);
        int pad = valueRank - have;
        for (int i = 1; i <= pad; i++) d[i] = 1;
        for (int i = 0; i < have; i++) d[1 + pad + i] = tangent.shape.dim(1 + i);
        return tangent.reshape(Shape.wrap(d));
    }

    /** Broadcasts a tangent of some value shape to the tangent of target, [K, ...target]. */
    public static Tensor broadcastTo(Tensor tangent, Shape target) {
        Tensor t = align(tangent, target.rank());
        return t.broadcastTo(target.prepend(t.shape.dim(0)));
    }

    /** Reduces a tangent [K, ...S] to [K, ...target] where target broadcasts to S (adjoint of broadcastTo per lane). */
    public static Tensor sumTo(Tensor tangent, Shape target) {
        int k = tangent.shape.dim(0);
        int r = tangent.shape.rank() - 1;
        Tensor t = tangent.sumTo(target.padTo(r).prepend(k));
        return t.reshape(target.prepend(k));
    }

    /** Zero tangent [K, ...shape]. */
    public static Tensor zeros(int k, Shape shape) {
        return Tensor.zeros(shape.prepend(k));
    }

    /** a + b where either may be null (= zero). */
    public static Tensor add(Tensor a, Tensor b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.plus(b);
    }
}
