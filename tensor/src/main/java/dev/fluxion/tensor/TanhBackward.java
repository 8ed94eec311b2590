package dev.fluxion.tensor;

/**
 * g·(1 − y²) for y = tanh(x) and a cotangent g of y's shape: tanh's pullback as one pass over memory
 * instead of three (square, 1 − ·, times), each with its own buffer. On a batch's activations
 * ([1024, 64]) those passes were most of tanh's backward in a neural ODE's gradient (issue 15).
 * Computes 1 − y·y then the product, the order of the three-op form, so the two agree bit for bit.
 */
public final class TanhBackward extends KernelOp {
    public static final TanhBackward INSTANCE = new TanhBackward();

    /** Below this many elements the three-op form is kept: compiled programs unroll it into generated code. */
    static final int MIN_FUSED = 64;

    private TanhBackward() {}

    /** ct·(1 − y²), fused when large. */
    static Tensor of(Tensor y, Tensor ct) {
        if (ct.size() < MIN_FUSED || !ct.shape().equals(y.shape())) return ct.times(y.square().rsub(1.0));
        return Dispatch.apply(INSTANCE, y, ct);
    }

    @Override public String name() { return "tanhBackward"; }

    @Override public Shape outShape(Shape[] in) {
        if (!in[0].equals(in[1])) throw new IllegalArgumentException("tanhBackward: y " + in[0] + " and cotangent " + in[1] + " differ in shape");
        return in[0];
    }

    @Override public void forwardInto(double[][] in, Shape[] inShapes, double[] out, Shape outShape) {
        double[] y = in[0], g = in[1];
        for (int i = 0; i < out.length; i++) out[i] = g[i] * (1.0 - y[i] * y[i]);
    }

    // out = g·(1 − y²): ∂out/∂g = 1 − y², ∂out/∂y = −2·y·g

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        Tensor y = in[0], g = in[1];
        int r = out.shape().rank();
        Tensor ty = t[0] == null ? null : Lanes.align(t[0], r);
        Tensor tg = t[1] == null ? null : Lanes.align(t[1], r);
        Tensor res = Lanes.add(tg == null ? null : tg.times(y.square().rsub(1.0)), ty == null ? null : ty.times(y.times(g).times(-2.0)));
        return res == null ? null : Lanes.broadcastTo(res, out.shape());
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        Tensor y = in[0], g = in[1];
        Tensor[] r = new Tensor[2];
        if (needs[0]) r[0] = ct.times(y.times(g).times(-2.0));
        if (needs[1]) r[1] = of(y, ct);
        return r;
    }
}
