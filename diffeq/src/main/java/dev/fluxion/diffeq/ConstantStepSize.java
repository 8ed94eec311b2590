package dev.fluxion.diffeq;

/**
 * Constant steps (diffrax's {@code ConstantStepSize}; DifferentialEquations.jl's
 * {@code adaptive = false}): every step of size dt is accepted, unless its result is not finite,
 * which ends the solve with {@link ReturnCode#UNSTABLE}. The integrator still shortens the step
 * that lands on a stop time and resumes dt after it.
 */
public final class ConstantStepSize implements StepController {
    public static final ConstantStepSize INSTANCE = new ConstantStepSize();

    private ConstantStepSize() {}

    @Override public boolean adaptive() { return false; }

    private static final StepController.State STATE = new StepController.State() {
        @Override public boolean judge(double err) { return err == err; }

        @Override public double next(double h) { return h; }
    };

    @Override public StepController.State start(int order) { return STATE; }

    @Override public String toString() { return "ConstantStepSize"; }
}
