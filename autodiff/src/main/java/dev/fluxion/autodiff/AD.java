package dev.fluxion.autodiff;

import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.function.Supplier;

/**
 * Entry points of automatic differentiation. Every one of them works on functions written in
 * Tensor ops, composes with the others (a gradient of a function that itself takes a gradient, a
 * Jacobian of a gradient, Hessian-vector products by forward-over-reverse) and with solver calls.
 *
 * <pre>{@code
 * Tensor g  = AD.gradient(q -> loss(q), p);       // reverse mode
 * Tensor J  = AD.jacobian(q -> f(q), p);          // forward mode, chunked lanes
 * Tensor hv = AD.hvp(q -> loss(q), p, v);         // forward-over-reverse
 * }</pre>
 */
public final class AD {
    private AD() {}

    /** Lanes per forward pass when not given: ForwardDiff.jl's default chunk threshold. */
    public static final int DEFAULT_CHUNK = 12;

    // ------------------------------------------------------------------ reverse mode

    /** Gradient of a scalar-valued f at x (reverse mode). */
    public static Tensor gradient(TensorFunction f, Tensor x) {
        return valueAndGradient(f, x).gradient();
    }

    /** f(x) and its gradient, from one forward pass and one backward pass. */
    public static ValueAndGradient valueAndGradient(TensorFunction f, Tensor x) {
        Tape tape = new Tape();
        try {
            Tensor xt = tape.track(x);
            Tensor y = f.apply(xt);
            checkScalar("gradient", y);
            Tensor g = tape.backward(y, Tensor.ones(y.shape()), xt)[0];
            return new ValueAndGradient(tape.valueOf(y), g);
        } finally {
            tape.close();
        }
    }

    /** Gradients of a scalar-valued f with respect to each of its arguments. */
    public static Tensor[] gradients(MultiTensorFunction f, Tensor... xs) {
        Tape tape = new Tape();
        try {
            Tensor[] xt = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) xt[i] = tape.track(xs[i]);
            Tensor y = f.apply(xt.clone());
            checkScalar("gradients", y);
            return tape.backward(y, Tensor.ones(y.shape()), xt);
        } finally {
            tape.close();
        }
    }

    /** Vector-Jacobian product wᵀ J of f at x, one reverse pass; w has f(x)'s shape. */
    public static Tensor vjp(TensorFunction f, Tensor x, Tensor w) {
        Tape tape = new Tape();
        try {
            Tensor xt = tape.track(x);
            Tensor y = f.apply(xt);
            if (!w.shape().equals(y.shape())) {
                throw new IllegalArgumentException("vjp: the cotangent has shape " + w.shape() + " but f returned shape " + y.shape());
            }
            return tape.backward(y, w, xt)[0];
        } finally {
            tape.close();
        }
    }

    /** Vector-Jacobian products with respect to several arguments (a distinct name keeps Kotlin lambdas unambiguous). */
    public static Tensor[] vjps(MultiTensorFunction f, Tensor w, Tensor... xs) {
        Tape tape = new Tape();
        try {
            Tensor[] xt = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) xt[i] = tape.track(xs[i]);
            Tensor y = f.apply(xt.clone());
            if (!w.shape().equals(y.shape())) {
                throw new IllegalArgumentException("vjp: the cotangent has shape " + w.shape() + " but f returned shape " + y.shape());
            }
            return tape.backward(y, w, xt);
        } finally {
            tape.close();
        }
    }

    private static void checkScalar(String what, Tensor y) {
        if (y.size() != 1) {
            throw new IllegalArgumentException(what + " needs a scalar-valued function, but f returned shape " + y.shape()
                    + "; use AD.vjp or AD.jacobian for vector-valued functions");
        }
    }

    // ------------------------------------------------------------------ forward mode

    /** Jacobian-vector product J v of f at x, one forward pass; v has x's shape. */
    public static Tensor jvp(TensorFunction f, Tensor x, Tensor v) {
        if (!v.shape().equals(x.shape())) {
            throw new IllegalArgumentException("jvp: the tangent has shape " + v.shape() + " but x has shape " + x.shape());
        }
        DualLevel level = new DualLevel(1);
        try {
            Tensor y = f.apply(level.dual(x, v.reshape(x.shape().prepend(1))));
            return level.tangentOf(y).reshape(y.shape());
        } finally {
            level.close();
        }
    }

    /** Jacobian of f at x by forward mode, shape [...f(x).shape, ...x.shape], in chunks of {@link #DEFAULT_CHUNK} lanes. */
    public static Tensor jacobian(TensorFunction f, Tensor x) {
        return jacobian(f, x, Math.min(Math.max(x.size(), 1), DEFAULT_CHUNK));
    }

    /**
     * Jacobian by forward mode with chunk lanes per pass: ceil(n / chunk) evaluations of f for n
     * inputs (ForwardDiff.jl's chunking).
     */
    public static Tensor jacobian(TensorFunction f, Tensor x, int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("jacobian: chunk must be at least 1, got " + chunk);
        int n = x.size();
        Shape xs = x.shape();
        if (n == 0) {
            Shape ys = f.apply(x).shape();
            int[] d = new int[ys.rank() + xs.rank()];
            for (int i = 0; i < ys.rank(); i++) d[i] = ys.dim(i);
            for (int i = 0; i < xs.rank(); i++) d[ys.rank() + i] = xs.dim(i);
            return Tensor.zeros(Shape.of(d));
        }
        Tensor[] parts = new Tensor[(n + chunk - 1) / chunk];
        Shape ys = null;
        for (int p = 0, start = 0; start < n; p++, start += chunk) {
            int k = Math.min(chunk, n - start);
            double[] seed = new double[k * n];
            for (int j = 0; j < k; j++) seed[j * n + start + j] = 1.0;
            DualLevel level = new DualLevel(k);
            try {
                Tensor y = f.apply(level.dual(x, Tensor.of(xs.prepend(k), seed)));
                ys = y.shape();
                parts[p] = level.tangentOf(y);    // [k, ...y.shape]
            } finally {
                level.close();
            }
        }
        Tensor lanes = Tensor.concat(0, parts);  // [n, ...y.shape]
        int r = ys.rank();
        int[] perm = new int[r + 1];
        for (int i = 0; i < r; i++) perm[i] = i + 1;
        perm[r] = 0;
        int[] dims = new int[r + xs.rank()];
        for (int i = 0; i < r; i++) dims[i] = ys.dim(i);
        for (int i = 0; i < xs.rank(); i++) dims[r + i] = xs.dim(i);
        return lanes.transpose(perm).reshape(Shape.of(dims));
    }

    /** Hessian-vector product H v of a scalar f at x, by forward-over-reverse. */
    public static Tensor hvp(TensorFunction f, Tensor x, Tensor v) {
        return jvp(q -> gradient(f, q), x, v);
    }

    /** Hessian of a scalar f at x: forward mode over the reverse-mode gradient. */
    public static Tensor hessian(TensorFunction f, Tensor x) {
        return jacobian(q -> gradient(f, q), x);
    }

    // ------------------------------------------------------------------ control

    /** Whether t is recorded on an active reverse-mode tape (at any nesting depth). */
    public static boolean isRecorded(Tensor t) {
        for (dev.fluxion.tensor.AdBox b = t.box(); b != null; b = b.inner().box()) {
            if (b.level() instanceof Tape tape && tape.active()) return true;
        }
        return false;
    }

    /** The same value with no derivative flowing through it. */
    public static Tensor detach(Tensor x) {
        return x.detach();
    }

    /** Runs body without recording on any reverse tape (forward lanes still propagate). */
    public static <T> T noGrad(Supplier<T> body) {
        Levels.enterNoGrad();
        try {
            return body.get();
        } finally {
            Levels.exitNoGrad();
        }
    }

    /**
     * Applies f but keeps none of its interior for the backward pass: reverse mode recomputes
     * f's interior when it reaches it, trading compute for memory (gradient checkpointing).
     */
    public static Tensor checkpointAll(MultiTensorFunction f, Tensor... xs) {
        return Checkpoint.apply(f, xs);
    }

    /** Single-argument form of {@link #checkpointAll(MultiTensorFunction, Tensor...)}. */
    public static Tensor checkpoint(TensorFunction f, Tensor x) {
        return Checkpoint.apply(xs -> f.apply(xs[0]), x);
    }
}
