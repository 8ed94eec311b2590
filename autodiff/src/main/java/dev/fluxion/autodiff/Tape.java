package dev.fluxion.autodiff;

import dev.fluxion.tensor.AdBox;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Level;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * One level of reverse mode: a Wengert list recorded while a function runs and walked backwards
 * once. Each entry keeps its op, the input and output values at the level below (which may carry
 * outer levels' derivatives, so the backward pass is itself differentiable), and where its inputs
 * came from. A tape is confined to the thread that created it; independent gradients on other
 * threads use tapes of their own.
 */
public final class Tape implements Level {
    private final long tag = Levels.nextTag();
    private final Thread owner = Thread.currentThread();
    private boolean active = true;

    private Op[] ops = new Op[64];
    private Tensor[][] inputs = new Tensor[64][];
    private Tensor[] outputs = new Tensor[64];
    private int[][] parents = new int[64][];
    private int size;

    @Override public long tag() { return tag; }

    @Override public boolean active() { return active; }

    /** Number of entries recorded so far (leaves included): a measure of the memory a gradient keeps. */
    public int size() { return size; }

    /**
     * Doubles this tape retains for its backward pass: every entry's inputs and output plus what
     * its op saved ({@link Op#residualSize()}). Values shared between entries are counted each time.
     */
    public long retainedDoubles() {
        long total = 0;
        for (int k = 0; k < size; k++) {
            if (outputs[k] != null) total += outputs[k].size();
            if (inputs[k] != null) for (Tensor t : inputs[k]) total += t.size();
            if (ops[k] != null) total += ops[k].residualSize();
        }
        return total;
    }

    /** Ends recording: tensors of this tape act as constants from now on. */
    public void close() { active = false; }

    static final class TrackedBox extends AdBox {
        final int index;

        TrackedBox(Tape tape, Tensor value, int index) {
            super(tape, value);
            this.index = index;
        }

        @Override public String kind() { return "tracked"; }
    }

    /** Starts tracking x: the result is a leaf of this tape with x's value. */
    public Tensor track(Tensor x) {
        checkThread();
        int i = push(null, null, x, null);
        return Tensor.wrap(new TrackedBox(this, x, i));
    }

    /** The value of t at the level below this tape. */
    public Tensor valueOf(Tensor t) { return Dispatch.strip(t, this); }

    /** Whether t was recorded on this tape (depends on a tracked input). */
    public boolean records(Tensor t) { return Dispatch.wrappedBy(t, this); }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a reverse-mode tape is confined to the thread that created it ("
                    + owner.getName() + "); compute each gradient on its own thread with its own AD call");
        }
    }

    private int push(Op op, Tensor[] in, Tensor out, int[] par) {
        if (size == ops.length) {
            int cap = size * 2;
            ops = Arrays.copyOf(ops, cap);
            inputs = Arrays.copyOf(inputs, cap);
            outputs = Arrays.copyOf(outputs, cap);
            parents = Arrays.copyOf(parents, cap);
        }
        ops[size] = op;
        inputs[size] = in;
        outputs[size] = out;
        parents[size] = par;
        return size++;
    }

    @Override public Tensor apply(Op op, Tensor[] in) {
        checkThread();
        int n = in.length;
        int[] par = null;
        for (int i = 0; i < n; i++) {
            Tensor t = in[i];
            if (Dispatch.wrappedBy(t, this)) {
                if (par == null) {
                    par = new int[n];
                    Arrays.fill(par, -1);
                }
                par[i] = ((TrackedBox) t.box()).index;
                in[i] = t.box().inner();
            }
        }
        Tensor out = Dispatch.apply(op, in.clone());
        if (par == null || !op.differentiable() || Levels.noGrad()) return out;
        int idx = push(op, in, out, par);
        return Tensor.wrap(new TrackedBox(this, out, idx));
    }

    /**
     * Walks the tape back from y seeded with cotangent ct and returns the cotangent of each of
     * the given tracked tensors (zeros where y does not depend on one). Closes the tape first, so
     * the rules' own ops are recorded only by outer levels.
     */
    public Tensor[] backward(Tensor y, Tensor ct, Tensor... wrt) {
        checkThread();
        if (!ct.shape().equals(y.shape())) {
            throw new IllegalArgumentException("backward: cotangent has shape " + ct.shape() + " but the output has shape " + y.shape());
        }
        y = Levels.unwrapFinished(y, this);
        active = false;
        Tensor[] result = new Tensor[wrt.length];
        if (!Dispatch.wrappedBy(y, this)) {
            for (int i = 0; i < wrt.length; i++) result[i] = Tensor.zeros(wrt[i].shape());
            return result;
        }
        Tensor[] cts = new Tensor[size];
        boolean[] keep = new boolean[size];
        for (Tensor w : wrt) if (Dispatch.wrappedBy(w, this)) keep[((TrackedBox) w.box()).index] = true;
        cts[((TrackedBox) y.box()).index] = ct;
        for (int k = size - 1; k >= 0; k--) {
            Tensor g = cts[k];
            Op op = ops[k];
            if (g == null || op == null) continue;
            int[] par = parents[k];
            Tensor[] in = inputs[k];
            boolean[] needs = new boolean[par.length];
            for (int i = 0; i < par.length; i++) needs[i] = par[i] >= 0;
            Tensor[] gin = op.vjp(in, outputs[k], g, needs);
            if (gin == null || gin.length != in.length) {
                throw new IllegalStateException("op '" + op.name() + "': its VJP must return " + in.length + " cotangents, returned "
                        + (gin == null ? "null" : String.valueOf(gin.length)));
            }
            for (int i = 0; i < par.length; i++) {
                int p = par[i];
                Tensor gi = gin[i];
                if (p < 0 || gi == null) continue;
                if (!gi.shape().equals(in[i].shape())) {
                    throw new IllegalStateException("op '" + op.name() + "': its VJP returned a cotangent of shape " + gi.shape()
                            + " for input " + i + " of shape " + in[i].shape());
                }
                cts[p] = cts[p] == null ? gi : cts[p].plus(gi);
            }
            if (!keep[k]) cts[k] = null;   // free as we go: the walk keeps only the live frontier
        }
        for (int i = 0; i < wrt.length; i++) {
            Tensor w = wrt[i];
            if (!Dispatch.wrappedBy(w, this)) {
                result[i] = Tensor.zeros(w.shape());
                continue;
            }
            Tensor g = cts[((TrackedBox) w.box()).index];
            result[i] = g == null ? Tensor.zeros(w.shape()) : g;
        }
        return result;
    }
}
