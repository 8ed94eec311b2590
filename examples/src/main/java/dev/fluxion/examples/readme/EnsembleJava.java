package dev.fluxion.examples.readme;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ensemble.EnsembleProblem;
import dev.fluxion.diffeq.ensemble.EnsembleReduction;
import dev.fluxion.diffeq.ensemble.EnsembleSerial;
import dev.fluxion.diffeq.ensemble.EnsembleSummary;
import dev.fluxion.diffeq.ensemble.EnsembleThreads;
import dev.fluxion.diffeq.ensemble.TrajectorySolver;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/** The README's ensemble quick start (the marked part, verbatim); {@code ReadmeSpec} runs it. */
public final class EnsembleJava {
    private EnsembleJava() {}

    public record Result(Tensor loss, Tensor gradient, Tensor serialGradient, EnsembleSummary summary) {}

    public static Result run() {
        OdeProblem prob = LotkaVolterra.problem().withTspan(0.0, 2.0);
        Tensor p = prob.p();
        // README:begin ensemble-java
        // 100 trajectories of Lotka–Volterra from different initial states; a loss per trajectory, averaged
        var ensemble = new EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(prob,
                (q, i) -> q.withU0(Tensor.of(0.5 + 0.01 * i, 1.0)),          // prob_func
                (sol, i) -> sol.u().minus(1.0).square().sum(),               // output_func
                EnsembleReduction.mean());                                   // reduction
        var solver = TrajectorySolver.ode(new Tsit5(), SolveOptions.defaults().saveat(0.1).sensealg(new InterpolatingAdjoint()));
        Tensor loss = ensemble.solve(solver, new EnsembleThreads(), 100).u();
        // its gradient, the trajectories solved and differentiated in parallel
        Tensor g = AD.gradient(q -> ensemble.withProb(prob.remake(q)).solve(solver, new EnsembleThreads(), 100).u(), p);

        // an SDE ensemble: 1000 paths, each with its own seed; mean, variance and a 5–95 % band over time
        SdeProblem gbm = new SdeProblem((u, q, t) -> u.times(0.8), (u, q, t) -> u.times(0.6), Tensor.of(1.0), 0.0, 1.0);
        List<OdeSolution> paths = EnsembleProblem.<SdeProblem, OdeSolution>of(gbm).withSeed(42)
                .solve((q, seed) -> q.solve(new SOSRI(), SolveOptions.defaults().saveat(0.1).seed(seed)), new EnsembleThreads(), 1000).u();
        EnsembleSummary summary = EnsembleSummary.of(paths);
        summary.mean(); summary.variance(); summary.qlow(); summary.qhigh();
        // README:end
        Tensor gs = AD.gradient(q -> ensemble.withProb(prob.remake(q)).solve(solver, EnsembleSerial.INSTANCE, 100).u(), p);
        return new Result(loss, g, gs, summary);
    }
}
