package dev.fluxion.autodiff;

import dev.fluxion.tensor.ConcretizationException;
import dev.fluxion.tensor.KernelOp;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.ShapeOps;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * Trace, then compile (the spirit of JAX's jit and ReverseDiff.jl's compiled tapes): runs a
 * function once on tracers to record its graph of primitive ops, and compiles that graph into a
 * flat program over preallocated buffers. Its JVP and VJP programs are derived by tracing the
 * forward and reverse levels themselves, so every mode shares the op table.
 *
 * <p>A trace is valid while the function's control flow does not depend on tensor values. A
 * function that reads values (item(), toDoubleArray()) or uses a differentiable tensor it did not
 * receive as an argument cannot be compiled: {@link #compile} throws
 * {@link ConcretizationException} and {@link #tryCompile} returns null, and callers run the
 * function eagerly instead.
 *
 * <p>What the function reads besides its arguments: a {@link Parameter}'s value is an implicit input
 * of the compiled program (as JAX turns closed-over values into arguments), so it stays current
 * after {@link Parameter#set} and derivatives with respect to it flow when it is tracked or dual
 * (see {@link CompiledFunction}). A captured plain {@link Tensor} is immutable and becomes a
 * constant. A captured mutable array or field is read once, when traced: changes made to it later
 * are not seen by the program. Do not compile such a function (solves: {@code
 * SolveOptions.compile(false)}), or pass the changing values as arguments or parameters.
 */
public final class Jit {
    private Jit() {}

    /** Compiles f for arguments shaped like the examples (whose values are only used to trace). */
    public static CompiledFunction compile(MultiTensorFunction f, Tensor... examples) {
        return new CompiledFunction(f, examples);
    }

    /** As {@link #compile}, or null when f cannot be traced (it then runs eagerly). */
    public static CompiledFunction tryCompile(MultiTensorFunction f, Tensor... examples) {
        try {
            return compile(f, examples);
        } catch (ConcretizationException e) {
            return null;
        }
    }

    /** Key under which identical applications are merged, or null for ops never merged (opaque ones). */
    static String cseKey(Op op) {
        if (op instanceof LinearCombination lc) return "lc" + Arrays.toString(lc.coefficients());
        if (op instanceof KernelOp) return op.name();
        return null;
    }

    /** Ops whose output buffer is their input's buffer unchanged. */
    static boolean aliasesInput(Op op) {
        return op instanceof ShapeOps.Reshape || op instanceof ShapeOps.StopGradient;
    }
}
