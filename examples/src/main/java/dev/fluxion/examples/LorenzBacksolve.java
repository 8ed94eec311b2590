package dev.fluxion.examples;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Vern9;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.tensor.Tensor;

/**
 * The seed's Lorenz example: the backsolve adjoint reconstructs u(t) by solving the ODE backwards
 * from u(T); on a chaotic system that reconstruction is far off for long horizons, so backsolve
 * gradients cannot be trusted there, while the interpolating adjoint (which uses the forward
 * solution) agrees with forward duals on a horizon the chaos has not yet amplified.
 */
public final class LorenzBacksolve {
    private LorenzBacksolve() {}

    public static final OdeFunction F = (u, p, t) -> {
        Tensor x = u.get(0), y = u.get(1), z = u.get(2);
        return Tensor.stack(p.get(0).times(y.minus(x)), x.times(p.get(1).minus(z)).minus(y), x.times(y).minus(p.get(2).times(z)));
    };

    static final Tensor U0 = Tensor.of(1.0, 0.0, 0.0);
    static final Tensor P = Tensor.of(10.0, 28.0, 8.0 / 3.0);

    /** |reconstructed u0 − u0| for the horizon T at tolerance 1e-12. */
    public static double reconstructionError(double horizon) {
        OdeProblem prob = new OdeProblem(F, U0, 0.0, horizon, P);
        Tensor back = BacksolveAdjoint.reconstructInitialState(prob, new Vern9(), SolveOptions.defaults().rtol(1e-12).atol(1e-12));
        double e = back.minus(U0).norm().item();
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    static Tensor gradient(SensitivityAlgorithm s, double horizon) {
        return AD.gradient(q -> new OdeProblem(F, U0, 0.0, horizon, q)
                .solve(new Vern9(), SolveOptions.defaults().saveat(0.1).rtol(1e-12).atol(1e-12).sensealg(s)).u().square().sum(), P);
    }

    public static void main(String[] argv) {
        System.out.println("Lorenz (10, 28, 8/3), u0 = [1, 0, 0], Vern9 at 1e-12: solve to T, then backwards to 0 from u(T)");
        for (double t : new double[] {1, 2, 5, 20, 100}) {
            System.out.printf("  T = %5.1f   |reconstructed u0 - u0| = %.3g%n", t, reconstructionError(t));
        }
        Tensor fd = gradient(new ForwardDuals(), 1.0);
        Tensor ia = gradient(new InterpolatingAdjoint(), 1.0);
        Tensor bs = gradient(new BacksolveAdjoint(false), 1.0);
        System.out.println("d/dp of Σ|u(t)|² over [0, 1]:");
        System.out.println("  ForwardDuals          " + fd);
        System.out.println("  InterpolatingAdjoint  " + ia + "  relative difference " + String.format("%.2e", ia.minus(fd).norm().item() / fd.norm().item()));
        System.out.println("  BacksolveAdjoint      " + bs + "  relative difference " + String.format("%.2e", bs.minus(fd).norm().item() / fd.norm().item()));
    }
}
