package dev.fluxion.diffeq;

import java.util.List;

/**
 * Work counters of a solve, as DifferentialEquations.jl's destats; for a method that switches
 * between algorithms (AutoTsit5), the switches: which algorithm took the steps from each time on.
 */
public record SolverStats(int acceptedSteps, int rejectedSteps, int functionEvaluations,
                          int jacobianEvaluations, int linearSolves, List<AlgorithmSwitch> switches) {
    public SolverStats {
        switches = List.copyOf(switches);
    }

    public SolverStats(int acceptedSteps, int rejectedSteps, int functionEvaluations, int jacobianEvaluations, int linearSolves) {
        this(acceptedSteps, rejectedSteps, functionEvaluations, jacobianEvaluations, linearSolves, List.of());
    }

    @Override public String toString() {
        return "accepted steps: " + acceptedSteps + ", rejected steps: " + rejectedSteps
                + ", f evaluations: " + functionEvaluations
                + (jacobianEvaluations > 0 ? ", Jacobians: " + jacobianEvaluations : "")
                + (linearSolves > 0 ? ", linear solves: " + linearSolves : "")
                + (switches.isEmpty() ? "" : ", algorithms: " + switches);
    }
}
