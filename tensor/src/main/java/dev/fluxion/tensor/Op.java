package dev.fluxion.tensor;

/**
 * A differentiable operation: its primal forward and its derivative rules, the rules written in
 * Tensor ops themselves so that every mode (reverse, forward lanes, nested, traced) reuses them.
 *
 * <p>Conventions for the rules, shared by every op:
 * <ul>
 *   <li>{@code in} and {@code out} are the values at the level applying the rule: stripped of that
 *       level's wrapper but possibly still carrying outer levels' derivatives, which is what makes
 *       higher-order derivatives come out of the same rules.</li>
 *   <li>JVP: {@code tangents[i]} has K leading lanes, shape {@code [K, ...in[i].shape]}, or is
 *       null when input i has no tangent. The result has shape {@code [K, ...out.shape]}, or is
 *       null when it is identically zero. {@link Lanes} has the helpers.</li>
 *   <li>VJP: {@code cotangent} has the output's shape; the result holds one cotangent per input
 *       with that input's shape, or null where {@code needs[i]} is false or the input has no
 *       derivative.</li>
 * </ul>
 */
public abstract class Op {
    /** The op's name in error messages and traces. */
    public abstract String name();

    /** Computes the output from primal (plain CPU) inputs. */
    public abstract Tensor forward(Tensor[] in);

    /**
     * Doubles this op instance keeps for its derivative rules beyond its inputs and output (saved
     * residuals, checkpoints): what a tape holding it retains. Zero for every primitive.
     */
    public long residualSize() { return 0; }

    /** False for ops whose output does not depend differentiably on any input (comparisons, stop-gradient). */
    public boolean differentiable() { return true; }

    /** Forward-mode rule; see the class comment for shapes. */
    public abstract Tensor jvp(Tensor[] in, Tensor out, Tensor[] tangents);

    /** Reverse-mode rule; see the class comment for shapes. */
    public abstract Tensor[] vjp(Tensor[] in, Tensor out, Tensor cotangent, boolean[] needs);

    /**
     * Output shape for the given input shapes, validating them (the message names this op and the
     * shapes). Ops whose output shape cannot be known without running them may run forward on zeros.
     */
    public Shape outShape(Shape[] in) {
        Tensor[] z = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) z[i] = Tensor.zeros(in[i]);
        return forward(z).shape();
    }

    /**
     * A kernel bound to these shapes for compiled programs. The default runs {@link #forward} on
     * tensors wrapping the buffers; {@link KernelOp}s write straight into the output buffer.
     */
    public Kernel kernel(Shape[] inShapes, Shape outShape) {
        return (inputs, output) -> {
            Tensor[] t = new Tensor[inputs.length];
            for (int i = 0; i < t.length; i++) t[i] = new Tensor(inShapes[i], inputs[i].clone());
            Tensor r = forward(t);
            System.arraycopy(r.rawData(), 0, output, 0, output.length);
        };
    }

    @Override public String toString() { return name(); }
}
