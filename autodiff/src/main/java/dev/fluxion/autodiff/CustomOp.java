package dev.fluxion.autodiff;

import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Objects;

/**
 * A user-defined differentiable op, in JAX's custom_vjp shape: a forward that returns the output
 * (and optionally residuals saved for the backward pass), a VJP from (context, cotangent) to one
 * cotangent per input, and optionally a JVP. The op then joins reverse, forward and nested modes.
 *
 * <pre>{@code
 * CustomOp softclip = CustomOp.builder("softclip")
 *     .forward(x -> x[0].tanh())
 *     .vjp((ctx, g) -> new Tensor[] { g.times(ctx.output().square().rsub(1.0)) })
 *     .build();
 * Tensor y = softclip.apply(x);
 * }</pre>
 *
 * <p>The forward runs on plain values and should be treated as opaque. The rules receive in
 * {@link Context} the inputs and output at the level applying them: when those carry an outer
 * level's derivatives, rules written in Tensor ops from them are differentiated again (nested
 * use). Residuals are plain values saved by the forward; they carry no derivatives, so a rule that
 * must itself be differentiated should use inputs and output instead.
 *
 * <p>Without a JVP, forward mode composes the VJP: one VJP per output element gives the Jacobian
 * rows (exact, and affordable for small outputs).
 */
public final class CustomOp {
    /** Forward: output only. */
    @FunctionalInterface
    public interface Forward {
        Tensor apply(Tensor[] inputs);
    }

    /** Forward that also saves residuals for the rules. */
    @FunctionalInterface
    public interface ForwardWithResiduals {
        Result apply(Tensor[] inputs);
    }

    /** VJP: one cotangent per input (null where an input has none). */
    @FunctionalInterface
    public interface Vjp {
        Tensor[] apply(Context ctx, Tensor cotangent);
    }

    /** JVP for one tangent direction: tangents[i] has input i's shape, or is null for zero. */
    @FunctionalInterface
    public interface Jvp {
        Tensor apply(Context ctx, Tensor[] tangents);
    }

    /** What a forward with residuals returns. */
    public record Result(Tensor output, Tensor[] residuals) {
        public static Result of(Tensor output, Tensor... residuals) {
            return new Result(output, residuals);
        }
    }

    /** What the rules see. */
    public static final class Context {
        private final Tensor[] inputs;
        private final Tensor output;
        private final Tensor[] residuals;
        private final String name;

        Context(String name, Tensor[] inputs, Tensor output, Tensor[] residuals) {
            this.name = name;
            this.inputs = inputs;
            this.output = output;
            this.residuals = residuals;
        }

        public Tensor[] inputs() { return inputs.clone(); }

        public Tensor input(int i) { return inputs[i]; }

        public Tensor output() { return output; }

        /** Values saved by the forward (plain, no derivatives). */
        public Tensor[] residuals() {
            if (residuals.length > 0 && Tracing.active()) {
                throw new dev.fluxion.tensor.ConcretizationException("custom op '" + name
                        + "': residuals saved at trace time cannot be replayed by a compiled program");
            }
            return residuals.clone();
        }

        public Tensor residual(int i) { return residuals()[i]; }
    }

    private final String name;
    private final ForwardWithResiduals forward;
    private final Vjp vjp;
    private final Jvp jvp;

    private CustomOp(String name, ForwardWithResiduals forward, Vjp vjp, Jvp jvp) {
        this.name = name;
        this.forward = forward;
        this.vjp = vjp;
        this.jvp = jvp;
    }

    public static Builder builder(String name) { return new Builder(name); }

    public String name() { return name; }

    /** Applies the op; inputs may be of any kind (plain, dual, tracked, traced). */
    public Tensor apply(Tensor... inputs) {
        return Dispatch.apply(new Applied(this), inputs.clone());
    }

    public static final class Builder {
        private final String name;
        private ForwardWithResiduals forward;
        private Vjp vjp;
        private Jvp jvp;

        private Builder(String name) { this.name = Objects.requireNonNull(name); }

        public Builder forward(Forward f) {
            this.forward = in -> Result.of(f.apply(in));
            return this;
        }

        public Builder forwardWithResiduals(ForwardWithResiduals f) {
            this.forward = f;
            return this;
        }

        public Builder vjp(Vjp v) {
            this.vjp = v;
            return this;
        }

        public Builder jvp(Jvp j) {
            this.jvp = j;
            return this;
        }

        public CustomOp build() {
            if (forward == null) throw new IllegalStateException("custom op '" + name + "' needs a forward");
            if (vjp == null) throw new IllegalStateException("custom op '" + name + "' needs a vjp");
            return new CustomOp(name, forward, vjp, jvp);
        }
    }

    /** One application: holds the residuals its forward saved. */
    private static final class Applied extends Op {
        private final CustomOp def;
        private Tensor[] residuals = new Tensor[0];

        Applied(CustomOp def) { this.def = def; }

        @Override public String name() { return def.name; }

        @Override public Tensor forward(Tensor[] in) {
            Result r = def.forward.apply(in.clone());
            if (r == null || r.output() == null) throw new IllegalStateException("custom op '" + def.name + "': forward returned no output");
            residuals = r.residuals() == null ? new Tensor[0] : r.residuals().clone();
            return r.output();
        }

        private Context ctx(Tensor[] in, Tensor out) {
            return new Context(def.name, in.clone(), out, residuals);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            int k = dev.fluxion.tensor.Lanes.count(t);
            if (k == 0) return null;
            Context ctx = ctx(in, out);
            if (def.jvp == null) return jvpFromVjp(ctx, in, out, t, k);
            Tensor[] lanes = new Tensor[k];
            for (int l = 0; l < k; l++) {
                Tensor[] tl = new Tensor[t.length];
                for (int i = 0; i < t.length; i++) tl[i] = t[i] == null ? null : t[i].get(l);
                Tensor r = def.jvp.apply(ctx, tl);
                if (r == null) r = Tensor.zeros(out.shape());
                if (!r.shape().equals(out.shape())) {
                    throw new IllegalStateException("custom op '" + def.name + "': jvp returned shape " + r.shape()
                            + " but the output has shape " + out.shape());
                }
                lanes[l] = r;
            }
            return Tensor.stack(0, lanes);
        }

        /** J t from m VJPs, one per output element: exact, cost proportional to the output size. */
        private Tensor jvpFromVjp(Context ctx, Tensor[] in, Tensor out, Tensor[] t, int k) {
            int m = out.size();
            Tensor[][] rows = new Tensor[in.length][m];
            for (int j = 0; j < m; j++) {
                double[] e = new double[m];
                e[j] = 1.0;
                Tensor[] g = checkedVjp(ctx, in, Tensor.of(out.shape(), e));
                for (int i = 0; i < in.length; i++) rows[i][j] = g[i];
            }
            Tensor acc = null;
            for (int i = 0; i < in.length; i++) {
                if (t[i] == null) continue;
                int ni = in[i].size();
                Tensor[] ri = rows[i];
                for (int j = 0; j < m; j++) if (ri[j] == null) ri[j] = Tensor.zeros(in[i].shape());
                Tensor jac = Tensor.stack(0, ri).reshape(m, ni);                 // [m, n_i]
                Tensor term = t[i].reshape(k, ni).matmul(jac.transpose());       // [k, m]
                acc = acc == null ? term : acc.plus(term);
            }
            return acc == null ? null : acc.reshape(out.shape().prepend(k));
        }

        private Tensor[] checkedVjp(Context ctx, Tensor[] in, Tensor ct) {
            Tensor[] g = def.vjp.apply(ctx, ct);
            if (g == null || g.length != in.length) {
                throw new IllegalStateException("custom op '" + def.name + "': vjp must return " + in.length
                        + " cotangents (one per input), returned " + (g == null ? "null" : String.valueOf(g.length)));
            }
            for (int i = 0; i < g.length; i++) {
                if (g[i] != null && !g[i].shape().equals(in[i].shape())) {
                    throw new IllegalStateException("custom op '" + def.name + "': vjp returned a cotangent of shape "
                            + g[i].shape() + " for input " + i + " of shape " + in[i].shape());
                }
            }
            return g;
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return checkedVjp(ctx(in, out), in, ct);
        }

        @Override public Shape outShape(Shape[] in) {
            return super.outShape(in);
        }
    }
}
