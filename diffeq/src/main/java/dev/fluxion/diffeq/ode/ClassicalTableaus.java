package dev.fluxion.diffeq.ode;

/**
 * The classical fixed-step explicit Runge–Kutta methods: no embedded error estimate, no
 * continuous extension of their own (dense output falls back to cubic Hermite).
 *
 * <p>Sources. The coefficients are the textbook ones, as tabulated in Hairer, Nørsett &amp; Wanner,
 * <i>Solving Ordinary Differential Equations I</i>, 2nd ed., Springer 1993, §II.1, and in
 * J. C. Butcher, <i>Numerical Methods for Ordinary Differential Equations</i>, Wiley:
 * <ul>
 *   <li>{@link #EULER}: L. Euler, <i>Institutionum calculi integralis</i> (1768);</li>
 *   <li>{@link #MIDPOINT}: the explicit midpoint rule, C. Runge, Math. Ann. 46 (1895) 167–178;</li>
 *   <li>{@link #HEUN}: Heun's method (the explicit trapezoidal rule), K. Heun, Z. Math. Phys. 45
 *       (1900) 23–38;</li>
 *   <li>{@link #RK4}: the classical fourth-order method, W. Kutta, Z. Math. Phys. 46 (1901)
 *       435–453.</li>
 * </ul>
 * Every coefficient is a quotient of small integers, written as such so that each double is the
 * correctly rounded value of the exact fraction.
 */
public final class ClassicalTableaus {
    private ClassicalTableaus() {}

    /** Forward Euler, order 1, one stage. */
    public static final ExplicitRkTableau EULER = new ExplicitRkTableau(
            "Euler", 1, 0,
            new double[] {0},
            new double[][] {{}},
            new double[] {1},
            null, false, null);

    /** Explicit midpoint rule, order 2, two stages. */
    public static final ExplicitRkTableau MIDPOINT = new ExplicitRkTableau(
            "Midpoint", 2, 0,
            new double[] {0, 1.0 / 2},
            new double[][] {
                {},
                {1.0 / 2},
            },
            new double[] {0, 1},
            null, false, null);

    /** Heun's method (explicit trapezoidal rule), order 2, two stages. */
    public static final ExplicitRkTableau HEUN = new ExplicitRkTableau(
            "Heun", 2, 0,
            new double[] {0, 1},
            new double[][] {
                {},
                {1},
            },
            new double[] {1.0 / 2, 1.0 / 2},
            null, false, null);

    /** The classical Runge–Kutta method, order 4, four stages. */
    public static final ExplicitRkTableau RK4 = new ExplicitRkTableau(
            "RK4", 4, 0,
            new double[] {0, 1.0 / 2, 1.0 / 2, 1},
            new double[][] {
                {},
                {1.0 / 2},
                {0, 1.0 / 2},
                {0, 0, 1},
            },
            new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
            null, false, null);
}
