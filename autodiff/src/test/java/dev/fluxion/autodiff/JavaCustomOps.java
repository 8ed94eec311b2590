package dev.fluxion.autodiff;

import dev.fluxion.tensor.Tensor;

/**
 * Custom ops written from plain Java, as a Java user would: the Kotest spec CustomOpSpec
 * exercises them in reverse, forward and nested modes.
 */
public final class JavaCustomOps {
    private JavaCustomOps() {}

    /**
     * log Σ exp(x_i), computed stably (shift by the maximum) on the plain numbers. Forward and VJP
     * only: forward mode has to compose the VJP. The VJP, g · softmax(x) = g · exp(x − out), is
     * written in Tensor ops from the context's input and output, so it is itself differentiable
     * (hvp and gradient-of-gradient work through it).
     */
    public static final CustomOp LOG_SUM_EXP = CustomOp.builder("logSumExp")
            .forward(in -> {
                double[] x = in[0].toDoubleArray();
                double m = Double.NEGATIVE_INFINITY;
                for (double v : x) m = Math.max(m, v);
                double s = 0.0;
                for (double v : x) s += Math.exp(v - m);
                return Tensor.scalar(m + Math.log(s));
            })
            .vjp((ctx, g) -> new Tensor[] {ctx.input(0).minus(ctx.output()).exp().times(g)})
            .build();

    public static Tensor logSumExp(Tensor x) {
        return LOG_SUM_EXP.apply(x);
    }

    /**
     * softclip(x, c) = c · tanh(x / c): a smooth clip to (−c, c), elementwise, with c a tensor that
     * broadcasts against x. Forward, VJP and JVP, all from the context's inputs and output.
     */
    public static final CustomOp SOFTCLIP = CustomOp.builder("softclip")
            .forward(in -> in[1].times(in[0].div(in[1]).tanh()))
            .vjp((ctx, g) -> {
                Tensor x = ctx.input(0), c = ctx.input(1), y = ctx.output();
                Tensor u = y.div(c);                                   // tanh(x / c)
                Tensor sech2 = u.square().rsub(1.0);
                Tensor gx = g.times(sech2);
                Tensor gc = g.times(u.minus(x.div(c).times(sech2))).sumTo(c.shape());
                return new Tensor[] {gx, gc};
            })
            .jvp((ctx, t) -> {
                Tensor x = ctx.input(0), c = ctx.input(1), y = ctx.output();
                Tensor u = y.div(c);
                Tensor sech2 = u.square().rsub(1.0);
                Tensor r = null;
                if (t[0] != null) r = t[0].times(sech2);
                if (t[1] != null) {
                    Tensor dc = t[1].times(u.minus(x.div(c).times(sech2)));
                    r = r == null ? dc : r.plus(dc);
                }
                return r == null ? null : r.broadcastTo(y.shape());
            })
            .build();

    public static Tensor softclip(Tensor x, Tensor c) {
        return SOFTCLIP.apply(x, c);
    }

    /** A deliberately broken op: its VJP returns a cotangent of the wrong shape. */
    public static final CustomOp WRONG_SHAPE_VJP = CustomOp.builder("wrongShapeVjp")
            .forward(in -> in[0].times(2.0))
            .vjp((ctx, g) -> new Tensor[] {g.sum()})
            .build();

    /** A deliberately broken op: its VJP returns two cotangents for one input. */
    public static final CustomOp WRONG_COUNT_VJP = CustomOp.builder("wrongCountVjp")
            .forward(in -> in[0].times(2.0))
            .vjp((ctx, g) -> new Tensor[] {g.times(2.0), g})
            .build();

    /** A deliberately broken op: its JVP returns the wrong shape. */
    public static final CustomOp WRONG_SHAPE_JVP = CustomOp.builder("wrongShapeJvp")
            .forward(in -> in[0].times(2.0))
            .vjp((ctx, g) -> new Tensor[] {g.times(2.0)})
            .jvp((ctx, t) -> t[0].sum())
            .build();
}
