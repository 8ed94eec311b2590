package dev.fluxion.autodiff;

import dev.fluxion.tensor.AdBox;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Level;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * One level of forward mode: tensors carry K tangent lanes (a tangent of shape [K, ...shape]),
 * so one pass gives K directional derivatives (ForwardDiff.jl's chunked duals, in
 * struct-of-arrays layout). Each op's JVP rule advances all lanes at once.
 */
public final class DualLevel implements Level {
    private final long tag = Levels.nextTag();
    private final int lanes;
    private boolean active = true;

    public DualLevel(int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("a dual level needs at least one lane, got " + lanes);
        this.lanes = lanes;
    }

    @Override public long tag() { return tag; }

    @Override public boolean active() { return active; }

    public int lanes() { return lanes; }

    /** Ends the level: its tensors become constants wherever they are used later. */
    public void close() { active = false; }

    static final class DualBox extends AdBox {
        final Tensor tangent;

        DualBox(DualLevel level, Tensor primal, Tensor tangent) {
            super(level, primal);
            this.tangent = tangent;
        }

        @Override public String kind() { return "dual"; }
    }

    /** A dual tensor with the given primal and tangent lanes [K, ...primal.shape]. */
    public Tensor dual(Tensor primal, Tensor tangent) {
        Shape want = primal.shape().prepend(lanes);
        if (!tangent.shape().equals(want)) {
            throw new IllegalArgumentException("dual: tangent for a value of shape " + primal.shape()
                    + " with " + lanes + " lanes must have shape " + want + ", got " + tangent.shape());
        }
        return Tensor.wrap(new DualBox(this, primal, tangent));
    }

    /** The value of t at the level below this one. */
    public Tensor primalOf(Tensor t) { return Dispatch.strip(t, this); }

    /** The tangent lanes of t at this level, [K, ...shape]; zeros if t does not depend on this level's inputs. */
    public Tensor tangentOf(Tensor t) {
        t = Levels.unwrapFinished(t, this);
        if (Dispatch.wrappedBy(t, this)) return ((DualBox) t.box()).tangent;
        return Tensor.zeros(t.shape().prepend(lanes));
    }

    @Override public Tensor apply(Op op, Tensor[] in) {
        int n = in.length;
        Tensor[] tangents = new Tensor[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            Tensor t = in[i];
            if (Dispatch.wrappedBy(t, this)) {
                DualBox b = (DualBox) t.box();
                tangents[i] = b.tangent;
                in[i] = b.inner();
                any = true;
            }
        }
        Tensor out = Dispatch.apply(op, in.clone());
        if (!any || !op.differentiable()) return out;
        Tensor tangent = op.jvp(in, out, tangents);
        if (tangent == null) return out;
        Shape want = out.shape().prepend(lanes);
        if (!tangent.shape().equals(want)) {
            throw new IllegalStateException("op '" + op.name() + "': its JVP returned a tangent of shape " + tangent.shape()
                    + ", expected " + want + " (" + lanes + " lanes of the output's shape " + out.shape() + ")");
        }
        return Tensor.wrap(new DualBox(this, out, tangent));
    }
}
