package dev.fluxion.nn;

import dev.fluxion.tensor.Tensor;

/** Elementwise activations, as Flux names them, written in differentiable Tensor ops. */
public enum Activation {
    IDENTITY {
        @Override public Tensor apply(Tensor x) { return x; }
    },
    TANH {
        @Override public Tensor apply(Tensor x) { return x.tanh(); }
    },
    SIGMOID {
        @Override public Tensor apply(Tensor x) { return x.sigmoid(); }
    },
    RELU {
        @Override public Tensor apply(Tensor x) { return x.relu(); }
    },
    SOFTPLUS {
        @Override public Tensor apply(Tensor x) { return x.softplus(); }
    },
    /** elu(x) = x for x &gt; 0, exp(x) − 1 otherwise (α = 1, Clevert et al. 2015). */
    ELU {
        @Override public Tensor apply(Tensor x) { return Tensor.where(x.gt(0.0), x, x.exp().minus(1.0)); }
    },
    /** swish(x) = x·σ(x) (Ramachandran et al. 2017; SiLU). */
    SWISH {
        @Override public Tensor apply(Tensor x) { return x.times(x.sigmoid()); }
    };

    public abstract Tensor apply(Tensor x);
}
