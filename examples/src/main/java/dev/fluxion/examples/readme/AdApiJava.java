package dev.fluxion.examples.readme;

import dev.fluxion.autodiff.AD;
import dev.fluxion.tensor.Tensor;

/** The README's tour of the AD functions (the marked part, verbatim) with a loss and an f to apply them to; {@code ReadmeSpec} runs it. */
public final class AdApiJava {
    private AdApiJava() {}

    /** loss(q) = Σ q³: gradient 3q², Hessian diag(6q). */
    static Tensor loss(Tensor q) { return q.pow(3.0).sum(); }

    /** f(q) = tanh(q) elementwise: Jacobian diag(1 − tanh²q). */
    static Tensor f(Tensor q) { return q.tanh(); }

    /** loss(a, b) = Σ a·b: gradients b and a. */
    static Tensor loss(Tensor a, Tensor b) { return a.times(b).sum(); }

    /** {g, J, jv, vj, hv, gs[0], gs[1]} at the given points. */
    public static Tensor[] run(Tensor p, Tensor v, Tensor w, Tensor a, Tensor b) {
        // README:begin ad-api-java
        Tensor g  = AD.gradient(q -> loss(q), p);            // reverse mode
        Tensor J  = AD.jacobian(q -> f(q), p);               // forward mode, chunked dual lanes
        Tensor jv = AD.jvp(q -> f(q), p, v);   Tensor vj = AD.vjp(q -> f(q), p, w);
        Tensor hv = AD.hvp(q -> loss(q), p, v);              // forward-over-reverse
        Tensor[] gs = AD.gradients(xs -> loss(xs[0], xs[1]), a, b);
        // README:end
        return new Tensor[] {g, J, jv, vj, hv, gs[0], gs[1]};
    }
}
