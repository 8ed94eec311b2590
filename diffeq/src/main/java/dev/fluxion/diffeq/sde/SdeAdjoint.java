package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * BacksolveAdjoint for SDEs: the stochastic adjoint of Li, Wong, Chen &amp; Duvenaud (2020),
 * "Scalable gradients for stochastic differential equations" (torchsde's {@code sdeint_adjoint}).
 * For the Stratonovich SDE dz = b dt + σ∘dW the state, its adjoint a = ∂L/∂z and the parameter
 * gradient μ solve, backwards in time on the <b>same</b> Brownian path (replayed from the tree),
 * dz = b dt + σ∘dW, da = −a·∂b/∂z dt − a·∂σ/∂z∘dW, dμ = −a·∂b/∂θ dt − a·∂σ/∂θ∘dW. An Itô problem
 * (every method here but EulerHeun) is first written in Stratonovich form, b̃ = b − ½ Σₖ (∂σₖ/∂z) σₖ
 * (for diagonal noise b̃ᵢ = bᵢ − ½ σᵢ ∂σᵢ/∂zᵢ), as Li et al. do.
 *
 * <p>The backward system is integrated by the stochastic Heun method (Stratonovich; strong order 1/2
 * for the adjoint's non-commutative noise, 1 for commutative), in equal steps: as many as twice the
 * forward solve's accepted steps (at least 100) over the span, landing on every saved time, where
 * the cotangent of that saved state is added to a and z is reset to the forward solution there
 * (checkpointing, as BacksolveAdjoint does for ODEs). Each evaluation of the backward system is one
 * run of the increment's compiled value-and-VJP program on flat arrays ({@link SdeAdjointIncrement}),
 * or, for functions that do not compile, a tape recorded on eager tensors. The result approximates
 * the gradient of the continuous solution: it agrees with ReverseTape (the exact derivative of the
 * discrete solve) up to both solves' discretisation errors.
 */
final class SdeAdjoint {
    /** Takes the eager backward step even where the increment compiles: for specs comparing the two, and A/B timing. */
    static volatile boolean forceEager = false;

    private SdeAdjoint() {}

    static OdeSolution solve(SdeSpec spec, SensitivityAlgorithm s) {
        AdjointOp op = new AdjointOp(spec);
        Tensor series = Dispatch.apply(op, spec.u0, spec.p);
        return SdeSensitivity.asSolution(series, op.ts.clone(), op.rc, op.stats, s);
    }

    private static final class AdjointOp extends Op {
        private final SdeSpec spec;
        private double[] ts;
        private double[][] ys;
        private ReturnCode rc;
        private SolverStats stats;
        private int n;

        AdjointOp(SdeSpec spec) { this.spec = spec; }

        @Override public String name() { return "sdeSolve[" + spec.alg.name() + ", BacksolveAdjoint]"; }

        @Override public Tensor forward(Tensor[] in) {
            Shape us = in[0].shape();
            n = us.size();
            OdeSolution sol = spec.withInputs(in[0], in[1]).integrate();
            ts = sol.t();
            rc = sol.retcode();
            stats = sol.stats();
            ys = new double[ts.length][];
            double[] flat = SdeSensitivity.savedRows(sol, ys, n);
            return Tensor.unsafeWrap(us.prepend(ts.length), flat);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal()) {
                return AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
            }
            if (!rc.successful()) return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
            BrownianTree path = spec.path();
            int steps = Math.max(100, 2 * (stats == null ? 0 : stats.acceptedSteps()));
            Backward b = flat(in[1], path);
            if (b == null) b = new Eager(in[1], path);
            double[] c = ct.unsafeData();
            double hb = (spec.t1 - spec.t0) / steps;
            double[] z = null, a = new double[n], mu = new double[in[1].size()];
            double t = spec.t1;
            for (int i = ts.length - 1; i >= -1; i--) {
                double target = i >= 0 ? ts[i] : spec.t0;
                if (z != null && target < t) {
                    int k = (int) Math.ceil((t - target) / hb - 1e-9);
                    for (int j = 0; j < k; j++) {
                        double s = j == k - 1 ? target : t - (t - target) * (j + 1) / k;
                        b.heun(z, a, mu, t, s);
                        t = s;
                    }
                    t = target;
                }
                if (i < 0) break;
                z = ys[i].clone();                                                          // checkpoint
                for (int k = 0; k < n; k++) a[k] += c[i * n + k];
                t = ts[i];
            }
            Shape us = in[0].shape();
            return new Tensor[] {needs[0] ? Tensor.unsafeWrap(us, a) : null, needs[1] ? Tensor.unsafeWrap(in[1].shape(), mu) : null};
        }

        /** The compiled backward step when the increment compiles and its parameters are plain, else null. */
        private Backward flat(Tensor p, BrownianTree path) {
            boolean compile = spec.options.compile() == null || spec.options.compile();
            if (!compile || forceEager) return null;
            int m = path.channels();
            CompiledFunction cf = SdeAdjointIncrement.compiled(spec.drift, spec.diffusion, spec.alg.stratonovich(), spec.u0, p, m);
            if (cf == null || !cf.implicitInputsArePlain()) return null;
            CompiledFunction.MultiRunner r = cf.vjpRunner(new boolean[] {true, true, false, false, false},
                    spec.u0.primal(), p, Tensor.scalar(0.0), Tensor.scalar(0.0), Tensor.zeros(Shape.of(m)));
            return r == null ? null : new Flat(r.bind(1, p.unsafeData()), path, n, p.size());
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return spec.laneJvp(in, t);
        }

        /** One stochastic Heun step of the backward system (z, a, μ) from t back to s, in place. */
        private interface Backward {
            void heun(double[] z, double[] a, double[] mu, double t, double s);
        }

        /**
         * The backward step on flat arrays: each of Heun's two evaluations is one run of the
         * increment's compiled value-and-VJP program, giving Δz and the adjoint's Δa = −aᵀ∂Δz/∂z,
         * Δμ = −aᵀ∂Δz/∂p together.
         */
        private static final class Flat implements Backward {
            private final CompiledFunction.MultiRunner r;
            private final BrownianTree path;
            private final double[] tau = new double[1], dt = new double[1], dW;
            private final double[][] args;
            private final double[] dz1, ga1, gp1, zp, ap;

            Flat(CompiledFunction.MultiRunner r, BrownianTree path, int n, int np) {
                this.r = r;
                this.path = path;
                this.dW = new double[path.channels()];
                this.args = new double[][] {null, null, tau, dt, dW, null};
                dz1 = new double[n];
                ga1 = new double[n];
                gp1 = new double[np];
                zp = new double[n];
                ap = new double[n];
            }

            @Override public void heun(double[] z, double[] a, double[] mu, double t, double s) {
                path.increment(t, s, dW, null);
                dt[0] = s - t;
                run(z, a, t);
                r.copyOutput(0, dz1, 0);
                r.copyOutput(1, ga1, 0);
                r.copyOutput(2, gp1, 0);
                for (int k = 0; k < z.length; k++) {
                    zp[k] = z[k] + dz1[k];
                    ap[k] = a[k] - ga1[k];
                }
                run(zp, ap, s);
                double[] dz2 = r.output(0), ga2 = r.output(1), gp2 = r.output(2);
                for (int k = 0; k < z.length; k++) {
                    z[k] += 0.5 * (dz1[k] + dz2[k]);
                    a[k] -= 0.5 * (ga1[k] + ga2[k]);
                }
                for (int k = 0; k < mu.length; k++) mu[k] -= 0.5 * (gp1[k] + gp2[k]);
            }

            private void run(double[] z, double[] a, double time) {
                args[0] = z;
                args[5] = a;
                tau[0] = time;
                r.run(args);
            }
        }

        /** The backward step on eager tensors, each evaluation recorded on a tape: for functions that do not compile. */
        private final class Eager implements Backward {
            private final Tensor p;
            private final BrownianTree path;

            Eager(Tensor p, BrownianTree path) {
                this.p = p;
                this.path = path;
            }

            @Override public void heun(double[] z0, double[] a0, double[] mu0, double t, double s) {
                Shape us = spec.u0.shape();
                double[] dW = new double[path.channels()];
                path.increment(t, s, dW, null);
                Tensor z = Tensor.of(us, z0.clone()), a = Tensor.of(us, a0.clone());
                Tensor[] g1 = increment(z, a, t, s - t, dW);
                Tensor zp = z.plus(g1[0]), ap = a.plus(g1[1]);
                Tensor[] g2 = increment(zp, ap, s, s - t, dW);
                double[] dz = g1[0].plus(g2[0]).times(0.5).toDoubleArray(), da = g1[1].plus(g2[1]).times(0.5).toDoubleArray(),
                        dmu = g1[2].plus(g2[2]).times(0.5).toDoubleArray();
                for (int k = 0; k < z0.length; k++) {
                    z0[k] += dz[k];
                    a0[k] += da[k];
                }
                for (int k = 0; k < mu0.length; k++) mu0[k] += dmu[k];
            }

            /** [Δz, Δa, Δμ] of the backward system over a step of dt (negative) with increment dW, evaluated at time tau. */
            private Tensor[] increment(Tensor z, Tensor a, double tau, double dt, double[] dW) {
                Tensor tt = Tensor.scalar(tau), h = Tensor.scalar(dt), w = Tensor.of(dW.clone());
                boolean strat = spec.alg.stratonovich();
                Tensor dz = SdeAdjointIncrement.increment(spec.drift, spec.diffusion, strat, z, p, tt, h, w);
                Tensor[] g = AD.vjps(xs -> SdeAdjointIncrement.increment(spec.drift, spec.diffusion, strat, xs[0], xs[1], tt, h, w), a, z, p);
                return new Tensor[] {dz, g[0].unaryMinus(), g[1].unaryMinus()};
            }
        }
    }
}
