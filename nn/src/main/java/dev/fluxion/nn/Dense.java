package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer y = σ(W x + b), W [out, in] Glorot-uniform, b [out] zeros (Flux's
 * Dense). A batch [batch, in] gives [batch, out].
 */
public final class Dense implements Layer {
    private final int in, out;
    private final Activation activation;
    private final Parameter weight, bias;

    public Dense(int in, int out) { this(in, out, Activation.IDENTITY); }

    public Dense(int in, int out, Activation activation) { this(in, out, activation, Init.shared()); }

    public Dense(int in, int out, Activation activation, RandomGenerator rng) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Dense: widths must be positive, got " + in + " => " + out);
        this.in = in;
        this.out = out;
        this.activation = activation;
        this.weight = new Parameter("Dense(" + in + " => " + out + ").weight", Init.glorotUniform(rng, out, in));
        this.bias = new Parameter("Dense(" + in + " => " + out + ").bias", Tensor.zeros(out));
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Activation activation() { return activation; }

    @Override public List<Parameter> parameters() { return List.of(weight, bias); }

    @Override public String describe() { return "Dense(" + in + " => " + out + (activation == Activation.IDENTITY ? "" : ", " + activation) + ")"; }

    @Override public Tensor apply(Tensor x, List<Tensor> params) {
        if (x.rank() < 1 || x.rank() > 2 || x.dim(-1) != in) {
            throw new IllegalArgumentException(describe() + ": input of shape " + x.shape() + " has width "
                    + (x.rank() == 0 ? "none" : String.valueOf(x.dim(-1))) + ", expected width " + in);
        }
        Tensor w = params.get(0), b = params.get(1);
        Tensor z = x.rank() == 1 ? w.matmul(x) : Tensor.matmul(x, false, w, true);
        return activation.apply(z.plus(b));
    }
}
