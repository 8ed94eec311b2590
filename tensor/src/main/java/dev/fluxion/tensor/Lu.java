package dev.fluxion.tensor;

/**
 * An LU factorisation with partial pivoting of a square matrix A, made by {@link Tensor#lu()},
 * for solving several systems with one A: the linear solves of a stiff step (W factored once per
 * step, solved once per stage). Solutions are differentiable with respect to A and the right-hand
 * side in every mode (reverse, forward lanes, nested, traced for {@code Jit}); a reverse tape
 * records one entry per solve and none for the factorisation, and its backward pass reuses the
 * factors (see {@link LuOps} for the rules and why they sit on the solve).
 *
 * <p>An exactly singular A does not throw, as with {@link Tensor#solve}: its solutions hold
 * infinite or NaN values (a stiff stepper rejects the step), and {@link #isSingular()} says so
 * beforehand.
 */
public final class Lu {
    private final Tensor a;
    private final Tensor factors;

    Lu(Tensor a, Tensor factors) {
        this.a = a;
        this.factors = factors;
    }

    /** The factored matrix A [n, n], as it was given (with its derivatives). */
    public Tensor matrix() { return a; }

    /**
     * The packed factors [n + 1, n]: U on and above the diagonal, L's multipliers below it, and the
     * row interchanges in the last row ({@link LuDecomposition} describes the layout). A value
     * with no derivatives.
     */
    public Tensor factors() { return factors; }

    /** The order n of A. */
    public int size() { return a.dim(0); }

    /** x = A⁻¹ b for b [n] or [n, k]. */
    public Tensor solve(Tensor b) { return solve(b, false, "solve"); }

    /** x = A⁻ᵀ b for b [n] or [n, k], from the same factors (adjoint and transposed systems). */
    public Tensor solveTransposed(Tensor b) { return solve(b, true, "solveTransposed"); }

    /**
     * Whether a pivot is exactly zero, so that solutions would hold infinite or NaN values. Reads
     * the factors' numbers: it throws {@link ConcretizationException} while A is being traced.
     */
    public boolean isSingular() {
        int n = size();
        for (int i = 0; i < n; i++) if (factors.valueAt(i * n + i) == 0.0) return true;
        return false;
    }

    private Tensor solve(Tensor b, boolean transposed, String what) {
        int n = size();
        if (b.rank() == 0 || b.rank() > 2 || b.dim(0) != n) {
            throw new IllegalArgumentException("Lu." + what + ": needs b [" + n + "] or [" + n + ", k] for a factorisation of shape "
                    + a.shape() + ", got shape " + b.shape());
        }
        LuOps.Solve op = LuOps.Solve.of(transposed);
        if (b.rank() == 1) return Dispatch.apply(op, a, factors, b.reshape(n, 1)).reshape(b.shape());
        return Dispatch.apply(op, a, factors, b);
    }

    @Override public String toString() { return "Lu" + a.shape() + "<" + a.kind() + ">"; }
}
