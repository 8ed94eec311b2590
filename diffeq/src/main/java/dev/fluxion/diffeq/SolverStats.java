package dev.fluxion.diffeq;

/** Work counters of a solve, as DifferentialEquations.jl's destats. */
public record SolverStats(int acceptedSteps, int rejectedSteps, int functionEvaluations,
                          int jacobianEvaluations, int linearSolves) {
    @Override public String toString() {
        return "accepted steps: " + acceptedSteps + ", rejected steps: " + rejectedSteps
                + ", f evaluations: " + functionEvaluations
                + (jacobianEvaluations > 0 ? ", Jacobians: " + jacobianEvaluations : "")
                + (linearSolves > 0 ? ", linear solves: " + linearSolves : "");
    }
}
