package dev.fluxion.tensor;

/**
 * The two primitives behind {@link Tensor#lu()} and {@link Lu#solve}: {@code lu}, A ↦ packed
 * factors F (shape [n + 1, n], {@link LuDecomposition}'s layout, pivots included), and
 * {@code luSolve}, (A, F, B) ↦ A⁻¹B (or A⁻ᵀB), whose kernel reads only F and B.
 *
 * <p><b>Why the derivatives live on luSolve and not on the factors.</b> The factors are a cache:
 * {@code lu} is not differentiable (no tape entry, no tangent), and {@code luSolve} takes A itself
 * as an input, so its rules are those of X = A⁻¹B (Giles, "An extended collection of matrix
 * derivative results", 2008, §2.3.1):
 * <pre>
 *   JVP  Ẋ = A⁻¹(Ḃ − Ȧ X)            (transposed: Ẋ = A⁻ᵀ(Ḃ − Ȧᵀ X))
 *   VJP  B̄ = A⁻ᵀ X̄,  Ā = −B̄ Xᵀ       (transposed: B̄ = A⁻¹ X̄,  Ā = −X B̄ᵀ)
 * </pre>
 * and each A⁻¹ / A⁻ᵀ in them is another {@code luSolve} with the same F. So a reverse tape through
 * one factorisation and K solves records K entries and its backward pass refactors nothing; forward
 * lanes solve all K tangent columns with the same factors. Differentiating the packed factors
 * instead (dL, dU from dA, then through triangular solves) would also be correct, but needs the
 * derivative of the factorisation and triangular-solve primitives, and pivoting makes F a
 * non-smooth function of A that users should not differentiate through anyway.
 *
 * <p>Every mode stays correct because F is an ordinary (non-differentiable) value in the graph:
 * nested levels see A with their own derivatives in luSolve's first input while F, computed from
 * A's primal value, is shared by all of them; a trace for {@code Jit} records {@code lu} as a node,
 * so a compiled program refactors whatever A it is given (pivots included, as data) rather than
 * baking in the trace's example factors. The one thing the op trusts is that F are the factors of
 * A, which {@link Lu} guarantees by only building them together.
 */
public final class LuOps {
    private LuOps() {}

    /** Shape of the packed factors of an n×n matrix. */
    static Shape factorShape(int n) {
        return Shape.of(n + 1, n);
    }

    /** A ↦ packed LU factors with partial pivoting (pivots chosen on primal values). Not differentiable. */
    public static final class Factor extends KernelOp {
        public static final Factor INSTANCE = new Factor();

        private Factor() {}

        @Override public String name() { return "lu"; }

        @Override public boolean differentiable() { return false; }

        @Override public Shape outShape(Shape[] in) {
            Shape a = in[0];
            if (a.rank() != 2 || a.dim(0) != a.dim(1)) {
                throw new IllegalArgumentException("lu: needs a square matrix, got shape " + a);
            }
            return factorShape(a.dim(0));
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = s[0].dim(0);
            System.arraycopy(in[0], 0, out, 0, n * n);
            LuDecomposition.factorInPlace(out, n);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) { return null; }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) { return new Tensor[1]; }
    }

    /** (A, F, B) ↦ A⁻¹B, or A⁻ᵀB for the transposed op, B of shape [n, m]; F = lu(A). */
    public static final class Solve extends KernelOp {
        public static final Solve PLAIN = new Solve(false);
        public static final Solve TRANSPOSED = new Solve(true);

        private final boolean transposed;

        private Solve(boolean transposed) { this.transposed = transposed; }

        public static Solve of(boolean transposed) { return transposed ? TRANSPOSED : PLAIN; }

        public boolean transposed() { return transposed; }

        @Override public String name() { return transposed ? "luSolveT" : "luSolve"; }

        @Override public Shape outShape(Shape[] in) {
            Shape a = in[0], f = in[1], b = in[2];
            if (a.rank() != 2 || a.dim(0) != a.dim(1) || !f.equals(factorShape(a.dim(0))) || b.rank() != 2 || b.dim(0) != a.dim(0)) {
                throw new IllegalArgumentException(name() + ": needs A [n, n], its factors [n + 1, n] and b [n] or [n, k], got shapes "
                        + a + ", " + f + " and " + b);
            }
            return b;
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int n = s[0].dim(0), m = s[2].dim(1);
            System.arraycopy(in[2], 0, out, 0, n * m);
            LuDecomposition.solveInPlace(in[1], n, out, 0, m, transposed);
        }

        /** luSolve with the same factors on another right-hand side [n, m] (the rules' A⁻¹ and A⁻ᵀ). */
        private static Tensor apply(boolean transposed, Tensor a, Tensor f, Tensor rhs) {
            return Dispatch.apply(of(transposed), a, f, rhs);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            // Ẋ = A⁻¹(Ḃ − Ȧ X) (A⁻ᵀ(Ḃ − Ȧᵀ X) transposed); all K lanes in one solve, the lane axis
            // moved into the columns: [K, n, m] → [n, K·m]. F carries no tangent (lu is not differentiable).
            Tensor a = in[0], f = in[1];
            Tensor dax = t[0] == null ? null : Tensor.matmul(t[0], transposed, out.unsqueeze(0), false).unaryMinus();
            Tensor rhs = Lanes.add(t[2], dax);
            if (rhs == null) return null;
            int k = rhs.dim(0), n = out.dim(0), m = out.dim(1);
            Tensor cols = rhs.transpose(1, 0, 2).reshape(n, k * m);
            return apply(transposed, a, f, cols).reshape(n, k, m).transpose(1, 0, 2);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor[] g = new Tensor[3];
            if (!needs[0] && !needs[2]) return g;
            // B̄ = A⁻ᵀ X̄ (A⁻¹ X̄ transposed), from the same factors: no refactorisation on the way back.
            Tensor gb = apply(!transposed, in[0], in[1], ct);
            if (needs[0]) g[0] = (transposed ? Tensor.matmul(out, false, gb, true) : Tensor.matmul(gb, false, out, true)).unaryMinus();
            if (needs[2]) g[2] = gb;
            return g;
        }
    }
}
