package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

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
 * (checkpointing, as BacksolveAdjoint does for ODEs). The VJPs are taken on eager tensors. The
 * result approximates the gradient of the continuous solution: it agrees with ReverseTape (the exact
 * derivative of the discrete solve) up to both solves' discretisation errors.
 */
final class SdeAdjoint {
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
            double[] flat = new double[ts.length * n];
            for (int i = 0; i < ts.length; i++) {
                ys[i] = sol.u(i).toDoubleArray();
                System.arraycopy(ys[i], 0, flat, i * n, n);
            }
            return Tensor.unsafeWrap(us.prepend(ts.length), flat);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal()) {
                return AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
            }
            if (!rc.successful()) return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
            Shape us = in[0].shape();
            Tensor p = in[1];
            double[] c = ct.unsafeData();
            BrownianTree path = spec.path();
            int steps = Math.max(100, 2 * (stats == null ? 0 : stats.acceptedSteps()));
            double hb = (spec.t1 - spec.t0) / steps;
            Tensor a = Tensor.zeros(us), mu = Tensor.zeros(p.shape()), z = null;
            double t = spec.t1;
            for (int i = ts.length - 1; i >= -1; i--) {
                double target = i >= 0 ? ts[i] : spec.t0;
                if (z != null && target < t) {
                    int k = (int) Math.ceil((t - target) / hb - 1e-9);
                    for (int j = 0; j < k; j++) {
                        double s = j == k - 1 ? target : t - (t - target) * (j + 1) / k;
                        Tensor[] y = heun(z, a, mu, p, t, s, path);
                        z = y[0];
                        a = y[1];
                        mu = y[2];
                        t = s;
                    }
                    t = target;
                }
                if (i < 0) break;
                z = Tensor.unsafeWrap(us, ys[i].clone());                                  // checkpoint
                a = a.plus(Tensor.unsafeWrap(us, Arrays.copyOfRange(c, i * n, (i + 1) * n)));
                t = ts[i];
            }
            return new Tensor[] {needs[0] ? a : null, needs[1] ? mu : null};
        }

        /** One stochastic Heun step of (z, a, μ) from t back to s on the path's increment W(s) − W(t). */
        private Tensor[] heun(Tensor z, Tensor a, Tensor mu, Tensor p, double t, double s, BrownianTree path) {
            double[] dW = new double[path.channels()];
            path.increment(t, s, dW, null);
            Tensor[] g1 = increment(z, a, p, t, s - t, dW);
            Tensor zp = z.plus(g1[0]), ap = a.plus(g1[1]);
            Tensor[] g2 = increment(zp, ap, p, s, s - t, dW);
            return new Tensor[] {z.plus(g1[0].plus(g2[0]).times(0.5)), a.plus(g1[1].plus(g2[1]).times(0.5)),
                    mu.plus(g1[2].plus(g2[2]).times(0.5))};
        }

        /** [Δz, Δa, Δμ] of the backward system over a step of dt (negative) with increment dW, evaluated at time tau. */
        private Tensor[] increment(Tensor z, Tensor a, Tensor p, double tau, double dt, double[] dW) {
            Tensor dz = inc(z, p, tau, dt, dW);
            Tensor[] g = AD.vjps(xs -> inc(xs[0], xs[1], tau, dt, dW), a, z, p);
            return new Tensor[] {dz, g[0].unaryMinus(), g[1].unaryMinus()};
        }

        /** b̃(z) dt + σ(z)∘dW: the Stratonovich drift (Itô drift corrected) and the noise in the problem's form. */
        private Tensor inc(Tensor z, Tensor p, double tau, double dt, double[] dW) {
            Tensor tt = Tensor.scalar(tau);
            Tensor b = spec.drift.evaluate(z, p, tt);
            Tensor sig = spec.diffusion.evaluate(z, p, tt);
            if (!spec.alg.stratonovich()) b = b.minus(itoCorrection(z, p, tt, sig));
            Tensor w = Tensor.of(dW.clone());
            Tensor noise = switch (spec.diffusion.noise()) {
                case DIAGONAL -> sig.times(w.reshape(z.shape()));
                case SCALAR -> sig.times(dW[0]);
                case GENERAL -> sig.matmul(w).reshape(z.shape());
            };
            return b.times(dt).plus(noise);
        }

        /** ½ Σₖ (∂σₖ/∂z) σₖ, the Itô-to-Stratonovich drift correction, in differentiable ops. */
        private Tensor itoCorrection(Tensor z, Tensor p, Tensor tt, Tensor sig) {
            int nn = z.size();
            return switch (spec.diffusion.noise()) {
                case SCALAR -> AD.jvp(x -> spec.diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn), z.reshape(nn), sig.reshape(nn))
                        .reshape(z.shape()).times(0.5);
                case DIAGONAL -> {
                    Tensor j = AD.jacobian(x -> spec.diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn), z.reshape(nn));
                    yield j.times(Tensor.eye(nn)).sum(1).reshape(z.shape()).times(sig).times(0.5);
                }
                case GENERAL -> {
                    int m = sig.shape().dim(1);
                    Tensor j = AD.jacobian(x -> spec.diffusion.evaluate(x.reshape(z.shape()), p, tt).reshape(nn * m), z.reshape(nn))
                            .reshape(nn, m, nn);
                    yield j.times(sig.transpose().reshape(1, m, nn)).sum(2).sum(1).reshape(z.shape()).times(0.5);
                }
            };
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return spec.laneJvp(in, t);
        }
    }
}
