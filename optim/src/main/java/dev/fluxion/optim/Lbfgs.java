package dev.fluxion.optim;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.Parameter;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.autodiff.ValueAndGradient;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Limited-memory BFGS (Liu & Nocedal 1989): the two-loop recursion over the last m curvature
 * pairs gives the direction, and a line search satisfying the strong Wolfe conditions (Nocedal &
 * Wright, Numerical Optimization, Algorithms 3.5 and 3.6, cubic interpolation in zoom) gives the
 * step. The final polish after Adam in SciML's tutorials. All parameters are treated as one
 * vector; each {@link #step} is one iteration and evaluates the objective as often as the line
 * search needs.
 */
public final class Lbfgs implements Optimizer {
    private final int memory;
    private final double c1, c2;
    private final int maxLineSearch;
    private final double gtol;

    private final Deque<double[]> sHist = new ArrayDeque<>(), yHist = new ArrayDeque<>();
    private final Deque<Double> rhoHist = new ArrayDeque<>();
    private double[] x, g;
    private double f = Double.NaN;
    private boolean converged;
    private int evaluations;

    /** m = 10 pairs, c1 = 1e-4, c2 = 0.9 (the usual quasi-Newton choice), gradient tolerance 1e-10. */
    public Lbfgs() { this(10, 1e-4, 0.9, 30, 1e-10); }

    public Lbfgs(int memory, double c1, double c2, int maxLineSearch, double gtol) {
        if (memory < 1 || !(0 < c1 && c1 < c2 && c2 < 1)) {
            throw new IllegalArgumentException("Lbfgs: need memory >= 1 and 0 < c1 < c2 < 1, got " + memory + ", " + c1 + ", " + c2);
        }
        this.memory = memory;
        this.c1 = c1;
        this.c2 = c2;
        this.maxLineSearch = maxLineSearch;
        this.gtol = gtol;
    }

    /** Whether the gradient's largest component fell below the tolerance. */
    public boolean converged() { return converged; }

    /** Objective evaluations so far. */
    public int evaluations() { return evaluations; }

    @Override public void update(List<Parameter> params, List<Tensor> grads) {
        throw new UnsupportedOperationException("L-BFGS needs to evaluate the objective during its line search: "
                + "use Trainer.train (which calls step) or Lbfgs.minimize, not update");
    }

    /** A function's value and gradient on flat arrays. */
    @FunctionalInterface
    public interface Function {
        /** Returns f(x) and writes ∇f(x) into grad. */
        double valueAndGradient(double[] x, double[] grad);
    }

    @Override public double step(Objective objective, List<Parameter> params) {
        Function fn = (xs, grad) -> {
            load(params, xs);
            Parameter.Gradients r = objective.evaluate();
            int off = 0;
            for (Tensor t : r.gradients()) {
                double[] d = t.unsafeData();
                System.arraycopy(d, 0, grad, off, d.length);
                off += d.length;
            }
            return r.loss();
        };
        double[] current = flatten(params);
        double start = iterate(fn, current);
        load(params, x);
        return start;
    }

    /** Minimizes fn from x0; returns the minimizer. */
    public double[] minimize(Function fn, double[] x0, int maxIterations) {
        double[] cur = x0.clone();
        for (int i = 0; i < maxIterations && !converged; i++) {
            double fx = iterate(fn, cur);
            if (!Double.isFinite(fx)) break;
            cur = x.clone();
        }
        return x.clone();
    }

    /** Minimizes a scalar function of a tensor written in Tensor ops (gradients by reverse mode). */
    public static Tensor minimize(TensorFunction f, Tensor x0, int maxIterations) {
        Lbfgs opt = new Lbfgs();
        double[] r = opt.minimize((xs, grad) -> {
            ValueAndGradient vg = AD.valueAndGradient(f, Tensor.of(x0.shape(), xs));
            System.arraycopy(vg.gradient().unsafeData(), 0, grad, 0, grad.length);
            return vg.value().item();
        }, x0.toDoubleArray(), maxIterations);
        return Tensor.of(x0.shape(), r);
    }

    /** One L-BFGS iteration from cur (whose state is cached when it is where the last iteration ended). Returns f at the start. */
    private double iterate(Function fn, double[] cur) {
        int n = cur.length;
        if (x == null || !java.util.Arrays.equals(x, cur)) {
            x = cur.clone();
            g = new double[n];
            f = fn.valueAndGradient(x, g);
            evaluations++;
            sHist.clear();
            yHist.clear();
            rhoHist.clear();
        }
        double f0 = f;
        if (!Double.isFinite(f0)) return f0;
        if (maxAbs(g) <= gtol) {
            converged = true;
            return f0;
        }
        double[] d = direction();
        double dphi0 = dot(g, d);
        if (!(dphi0 < 0)) {   // not a descent direction: forget the curvature pairs, go down the gradient
            sHist.clear();
            yHist.clear();
            rhoHist.clear();
            d = direction();
            dphi0 = dot(g, d);
        }
        double alpha0 = sHist.isEmpty() ? Math.min(1.0, 1.0 / Math.max(1e-300, norm(g))) : 1.0;
        LineSearch ls = new LineSearch(fn, x, d, f0, dphi0);
        double alpha = ls.search(alpha0);
        if (alpha <= 0 || !Double.isFinite(ls.fBest)) return f0;   // no acceptable step: stay
        double[] xNew = ls.xBest, gNew = ls.gBest;
        double[] s = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = xNew[i] - x[i];
            y[i] = gNew[i] - g[i];
        }
        double sy = dot(s, y);
        if (sy > 1e-12 * norm(s) * norm(y)) {   // keep H positive definite (curvature condition)
            sHist.addLast(s);
            yHist.addLast(y);
            rhoHist.addLast(1.0 / sy);
            if (sHist.size() > memory) {
                sHist.removeFirst();
                yHist.removeFirst();
                rhoHist.removeFirst();
            }
        }
        x = xNew;
        g = gNew;
        f = ls.fBest;
        if (maxAbs(g) <= gtol) converged = true;
        return f0;
    }

    /** −H∇f by the two-loop recursion (Nocedal & Wright, Algorithm 7.4), H₀ = γI with γ = sᵀy / yᵀy. */
    private double[] direction() {
        int n = g.length;
        double[] q = g.clone();
        List<double[]> ss = new ArrayList<>(sHist), ys = new ArrayList<>(yHist);
        List<Double> rs = new ArrayList<>(rhoHist);
        int m = ss.size();
        double[] a = new double[m];
        for (int i = m - 1; i >= 0; i--) {
            a[i] = rs.get(i) * dot(ss.get(i), q);
            axpy(-a[i], ys.get(i), q);
        }
        double gamma = m == 0 ? 1.0 : dot(ss.get(m - 1), ys.get(m - 1)) / dot(ys.get(m - 1), ys.get(m - 1));
        for (int i = 0; i < n; i++) q[i] *= gamma;
        for (int i = 0; i < m; i++) {
            double b = rs.get(i) * dot(ys.get(i), q);
            axpy(a[i] - b, ss.get(i), q);
        }
        for (int i = 0; i < n; i++) q[i] = -q[i];
        return q;
    }

    /** A strong-Wolfe line search along d from x. */
    private final class LineSearch {
        final Function fn;
        final double[] x0, d;
        final double phi0, dphi0;
        double[] xBest, gBest;
        double fBest = Double.NaN;

        LineSearch(Function fn, double[] x0, double[] d, double phi0, double dphi0) {
            this.fn = fn;
            this.x0 = x0;
            this.d = d;
            this.phi0 = phi0;
            this.dphi0 = dphi0;
        }

        private double phi, dphi;
        private double[] xa, ga;

        private void eval(double alpha) {
            int n = x0.length;
            xa = new double[n];
            for (int i = 0; i < n; i++) xa[i] = x0[i] + alpha * d[i];
            ga = new double[n];
            phi = fn.valueAndGradient(xa, ga);
            evaluations++;
            dphi = dot(ga, d);
        }

        private double accept(double alpha) {
            xBest = xa;
            gBest = ga;
            fBest = phi;
            return alpha;
        }

        double search(double alpha1) {
            double aPrev = 0, phiPrev = phi0, dphiPrev = dphi0;
            double alpha = alpha1;
            for (int i = 1; i <= maxLineSearch; i++) {
                eval(alpha);
                if (!Double.isFinite(phi) || phi > phi0 + c1 * alpha * dphi0 || (i > 1 && phi >= phiPrev)) {
                    return zoom(aPrev, phiPrev, dphiPrev, alpha, phi, dphi);
                }
                if (Math.abs(dphi) <= -c2 * dphi0) return accept(alpha);
                if (dphi >= 0) return zoom(alpha, phi, dphi, aPrev, phiPrev, dphiPrev);
                aPrev = alpha;
                phiPrev = phi;
                dphiPrev = dphi;
                alpha *= 2;
            }
            return accept(alpha);
        }

        private double zoom(double lo, double phiLo, double dphiLo, double hi, double phiHi, double dphiHi) {
            for (int j = 0; j < maxLineSearch; j++) {
                double a = cubic(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
                eval(a);
                if (!Double.isFinite(phi) || phi > phi0 + c1 * a * dphi0 || phi >= phiLo) {
                    hi = a;
                    phiHi = phi;
                    dphiHi = dphi;
                } else {
                    if (Math.abs(dphi) <= -c2 * dphi0) return accept(a);
                    if (dphi * (hi - lo) >= 0) {
                        hi = lo;
                        phiHi = phiLo;
                        dphiHi = dphiLo;
                    }
                    lo = a;
                    phiLo = phi;
                    dphiLo = dphi;
                }
                if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
            }
            if (lo > 0) {   // the best point with sufficient decrease
                eval(lo);
                return accept(lo);
            }
            return 0;
        }

        /** Minimizer of the cubic through both end values and slopes, kept inside the middle 80% (else bisection). */
        private double cubic(double a, double fa, double da, double b, double fb, double db) {
            double lo = Math.min(a, b), hi = Math.max(a, b), w = hi - lo;
            if (Double.isFinite(fb) && Double.isFinite(db)) {
                double d1 = da + db - 3 * (fa - fb) / (a - b);
                double disc = d1 * d1 - da * db;
                if (disc >= 0) {
                    double d2 = Math.signum(b - a) * Math.sqrt(disc);
                    double t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
                    if (t >= lo + 0.1 * w && t <= hi - 0.1 * w) return t;
                }
            }
            return 0.5 * (a + b);
        }
    }

    // ------------------------------------------------------------------ flat vectors

    private static double[] flatten(List<Parameter> params) {
        int n = 0;
        for (Parameter p : params) n += p.value().size();
        double[] v = new double[n];
        int off = 0;
        for (Parameter p : params) {
            double[] d = p.value().unsafeData();
            System.arraycopy(d, 0, v, off, d.length);
            off += d.length;
        }
        return v;
    }

    private static void load(List<Parameter> params, double[] v) {
        int off = 0;
        for (Parameter p : params) {
            int k = p.value().size();
            double[] d = new double[k];
            System.arraycopy(v, off, d, 0, k);
            p.set(Tensor.of(p.value().shape(), d));
            off += k;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += alpha * x[i];
    }
}
