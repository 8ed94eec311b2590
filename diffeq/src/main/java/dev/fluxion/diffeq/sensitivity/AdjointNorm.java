package dev.fluxion.diffeq.sensitivity;

/**
 * Which components of an adjoint's backward state steer its step size.
 *
 * <p>{@link #SEMINORM} (the default): the error norm reads the state and the adjoint (u, λ) and not
 * the parameter integral μ, which no component of the right-hand side reads back, so an error in
 * it never grows into others (Kidger, Chen &amp; Lyons 2021, "'Hey, that's not an ODE': Faster ODE
 * adjoints via seminorms"; diffrax's {@code adjoint_rms_seminorm}). μ is still integrated by the
 * method's own quadrature weights at every step. Measured on issue 15's neural ODE (322
 * parameters, 20 saved points, Tsit5 at rtol 1e-5): with each backward solve starting from a fresh
 * step probe, the seminorm took 147 backward evaluations against 159 with the full norm at B = 16
 * and 147 against 165 at B = 1024; with the step carried between saved times both take the floor,
 * 140, and the gradients agree to 9 digits. On the spiral neural ODE at its initial parameters the
 * seminorm takes 203 backward evaluations (the floor of its 29 saved points) against 425; at its
 * trained parameters 1,649 against 1,433 (BacksolveAdjoint): the full norm's RMS over 254
 * components dilutes λ's error there, so measure when it matters.
 *
 * <p>{@link #FULL}: the norm over every component, μ included (the behaviour before the seminorm
 * was the default; tighter on μ when the loss is dominated by parameters the state barely feels).
 */
public enum AdjointNorm {
    SEMINORM,
    FULL
}
