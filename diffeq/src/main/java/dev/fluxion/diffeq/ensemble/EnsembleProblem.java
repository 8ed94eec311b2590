package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.diffeq.DESolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Many trajectories of one problem (DifferentialEquations.jl's {@code EnsembleProblem}): trajectory
 * i solves {@code probFunc(prob, i)} with its own seed, keeps {@code outputFunc(sol, i)}, and the
 * outputs are folded by a {@link EnsembleReduction}, batch after batch. Any {@link DEProblem}
 * (ODE, SDE, ...) with a {@link TrajectorySolver} for it:
 *
 * <pre>{@code
 * var ensemble = new EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(prob,
 *         (q, i) -> q.withU0(u0s.get(i)),            // prob_func
 *         (sol, i) -> sol.u().minus(data).square().sum(),   // output_func
 *         EnsembleReduction.mean());                  // reduction
 * Tensor loss = ensemble.solve(TrajectorySolver.ode(new Tsit5(), options), new EnsembleThreads(), 100).u();
 * }</pre>
 *
 * <p><b>Derivatives.</b> The prob function runs on the caller's thread, so the trajectories'
 * problems may carry derivatives of anything (reverse tape, dual lanes). Under {@link EnsembleSerial}
 * every trajectory is then recorded as a single solve would be. Under {@link EnsembleThreads} the
 * batch becomes one op on the caller's graph ({@code EnsembleOp}): its inputs are the trajectories'
 * u0, p and span, its output their tensor outputs; forward, VJP and JVP each solve the trajectories in
 * parallel with AD levels of their own, so every sensitivity method that differentiates one
 * trajectory differentiates the ensemble. Results are the same whichever algorithm runs them.
 *
 * <p>Immutable; the {@code with} methods make copies.
 *
 * @param <P> the problem type
 * @param <S> the solution type the solver returns
 * @param <R> the output type of one trajectory
 * @param <A> the reduction's result
 */
public final class EnsembleProblem<P extends DEProblem<P>, S extends DESolution, R, A> {
    private final P prob;
    private final ProblemFunction<P> probFunc;
    private final OutputFunction<? super S, ? extends R> outputFunc;
    private final EnsembleReduction<R, A> reduction;
    private final long seed;
    private final int batchSize;

    public EnsembleProblem(P prob, ProblemFunction<P> probFunc, OutputFunction<? super S, ? extends R> outputFunc,
                           EnsembleReduction<R, A> reduction) {
        this(prob, probFunc, outputFunc, reduction, 0L, 0);
    }

    private EnsembleProblem(P prob, ProblemFunction<P> probFunc, OutputFunction<? super S, ? extends R> outputFunc,
                            EnsembleReduction<R, A> reduction, long seed, int batchSize) {
        if (prob == null) throw new IllegalArgumentException("EnsembleProblem: the problem is null");
        if (probFunc == null) throw new IllegalArgumentException("EnsembleProblem: the prob function is null (ProblemFunction.identity() keeps the problem)");
        if (outputFunc == null) throw new IllegalArgumentException("EnsembleProblem: the output function is null");
        if (reduction == null) throw new IllegalArgumentException("EnsembleProblem: the reduction is null (EnsembleReduction.collect() keeps every output)");
        this.prob = prob;
        this.probFunc = probFunc;
        this.outputFunc = outputFunc;
        this.reduction = reduction;
        this.seed = seed;
        this.batchSize = batchSize;
    }

    /** Every trajectory solves prob (an SDE's differ by their seeds); outputs are the solutions. */
    public static <P extends DEProblem<P>, S extends DESolution> EnsembleProblem<P, S, S, List<S>> of(P prob) {
        return of(prob, ProblemFunction.identity());
    }

    /** Trajectory i solves probFunc(prob, i); outputs are the solutions. */
    public static <P extends DEProblem<P>, S extends DESolution> EnsembleProblem<P, S, S, List<S>> of(P prob, ProblemFunction<P> probFunc) {
        return new EnsembleProblem<>(prob, probFunc, (S sol, int i) -> sol, EnsembleReduction.collect());
    }

    /** Trajectory i solves probFunc(prob, i) and keeps outputFunc(sol, i); the outputs are collected. */
    public static <P extends DEProblem<P>, S extends DESolution, R> EnsembleProblem<P, S, R, List<R>> of(
            P prob, ProblemFunction<P> probFunc, OutputFunction<? super S, ? extends R> outputFunc) {
        return new EnsembleProblem<>(prob, probFunc, outputFunc, EnsembleReduction.collect());
    }

    public P prob() { return prob; }

    public long seed() { return seed; }

    /** Trajectories per batch (0: all in one batch). */
    public int batchSize() { return batchSize; }

    /** The same ensemble with another base seed: trajectory i's seed is {@link TrajectorySeeds#of}(seed, i). The default is 0. */
    public EnsembleProblem<P, S, R, A> withSeed(long seed) {
        return new EnsembleProblem<>(prob, probFunc, outputFunc, reduction, seed, batchSize);
    }

    /**
     * The same ensemble solved batch by batch, batchSize trajectories at a time (DifferentialEquations.jl's
     * {@code batch_size}): the reduction runs after each batch and may stop the ensemble. 0: one batch.
     */
    public EnsembleProblem<P, S, R, A> withBatchSize(int batchSize) {
        if (batchSize < 0) throw new IllegalArgumentException("batch size must be non-negative (0: one batch), got " + batchSize);
        return new EnsembleProblem<>(prob, probFunc, outputFunc, reduction, seed, batchSize);
    }

    /** The same ensemble with another base problem. */
    public EnsembleProblem<P, S, R, A> withProb(P prob) {
        return new EnsembleProblem<>(prob, probFunc, outputFunc, reduction, seed, batchSize);
    }

    /** The same ensemble with another reduction. */
    public <B> EnsembleProblem<P, S, R, B> withReduction(EnsembleReduction<R, B> reduction) {
        return new EnsembleProblem<>(prob, probFunc, outputFunc, reduction, seed, batchSize);
    }

    /**
     * Solves the given number of trajectories (fewer if the reduction converges first) with solver,
     * scheduled by alg.
     */
    public EnsembleSolution<R, A> solve(TrajectorySolver<P, ? extends S> solver, EnsembleAlgorithm alg, int trajectories) {
        if (solver == null) throw new IllegalArgumentException("ensemble solve: the trajectory solver is null");
        if (alg == null) throw new IllegalArgumentException("ensemble solve: the ensemble algorithm is null (EnsembleSerial.INSTANCE or new EnsembleThreads())");
        if (trajectories < 1) throw new IllegalArgumentException("ensemble solve: trajectories must be at least 1, got " + trajectories);
        long start = System.nanoTime();
        Trajectory.Body<P> body = Trajectory.body(solver, outputFunc);
        int batch = batchSize == 0 ? trajectories : Math.min(batchSize, trajectories);
        List<R> outputs = new ArrayList<>(trajectories);
        List<ReturnCode> codes = new ArrayList<>(trajectories);
        int[] work = new int[5];
        A acc = reduction.initial();
        boolean converged = false;
        int done = 0;
        while (done < trajectories && !converged) {
            int m = Math.min(batch, trajectories - done);
            List<R> outs = new ArrayList<>(m);
            for (Trajectory.Done d : runBatch(body, alg, done, m)) {
                @SuppressWarnings("unchecked") R r = (R) d.output();
                outs.add(r);
                codes.add(d.retcode());
                add(work, d.stats());
            }
            acc = reduction.reduce(acc, outs, done);
            outputs.addAll(outs);
            done += m;
            converged = reduction.converged(acc);
        }
        acc = reduction.finish(acc, done);
        SolverStats stats = new SolverStats(work[0], work[1], work[2], work[3], work[4]);
        return new EnsembleSolution<>(outputs, acc, codes, stats, converged, (System.nanoTime() - start) * 1e-9);
    }

    private List<Trajectory.Done> runBatch(Trajectory.Body<P> body, EnsembleAlgorithm alg, int from, int m) {
        List<P> probs = new ArrayList<>(m);
        long[] seeds = new long[m];
        boolean derivatives = false;
        for (int k = 0; k < m; k++) {
            int i = from + k;
            P q = probFunc.apply(prob, i);
            if (q == null) throw new IllegalArgumentException("the prob function returned null for trajectory " + i);
            probs.add(q);
            seeds[k] = TrajectorySeeds.of(seed, i);
            if (!alg.onCallerThread() && !derivatives) derivatives = EnsembleOp.carriesDerivatives(q);
        }
        if (derivatives) return new EnsembleOp<>(probs, from, seeds, body, alg).run();
        return alg.map(m, k -> body.run(probs.get(k), from + k, seeds[k]));
    }

    private static void add(int[] w, SolverStats s) {
        if (s == null) return;
        w[0] += s.acceptedSteps();
        w[1] += s.rejectedSteps();
        w[2] += s.functionEvaluations();
        w[3] += s.jacobianEvaluations();
        w[4] += s.linearSolves();
    }

    /** A fold of tensor outputs needs tensors: used by EnsembleOp to name the offending trajectory. */
    static Tensor tensorOutput(Object out, int i) {
        if (out instanceof Tensor t) return t;
        throw new IllegalArgumentException("trajectory " + i + ": under EnsembleThreads a differentiated ensemble's output function must "
                + "return a Tensor (it returned " + (out == null ? "null" : out.getClass().getSimpleName()) + "); return e.g. sol.u() or "
                + "a loss tensor, or use EnsembleSerial");
    }
}
