package dev.fluxion.examples.readme;

import dev.fluxion.autodiff.CustomOp;
import dev.fluxion.tensor.Tensor;

/** The README's custom op (the marked part, verbatim); {@code ReadmeSpec} applies it in every mode. */
public final class CustomOpJava {
    private CustomOpJava() {}

    public static CustomOp softclip() {
        // README:begin custom-op-java
        CustomOp softclip = CustomOp.builder("softclip")
            .forward(x -> x[0].tanh())
            .vjp((ctx, g) -> new Tensor[] {g.times(ctx.output().square().rsub(1.0))})
            .build();
        // README:end
        return softclip;
    }
}
