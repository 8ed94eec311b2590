package dev.fluxion.diffeq.sensitivity;

/**
 * Adaptive Gauss–Kronrod (7, 15) quadrature of a vector-valued integrand, bisecting until the
 * difference between the two rules meets atol + rtol·|I| (the rule QuadGK.jl, which
 * SciMLSensitivity's QuadratureAdjoint uses, defaults to). Nodes and weights from Kronrod (1965)
 * as tabulated in QUADPACK's qk15 (Piessens et al. 1983).
 */
final class GaussKronrod {
    private GaussKronrod() {}

    @FunctionalInterface
    interface Integrand {
        double[] at(double t);
    }

    /** Kronrod nodes on [0, 1] (positive half; the middle one is 0). */
    private static final double[] XK = {
        0.991455371120812639206854697526329,
        0.949107912342758524526189684047851,
        0.864864423359769072789712788640926,
        0.741531185599394439863864773280788,
        0.586087235467691130294144845693013,
        0.405845151377397166906606412076961,
        0.207784955007898467600689403773245,
        0.000000000000000000000000000000000,
    };
    private static final double[] WK = {
        0.022935322010529224963732008058970,
        0.063092092629978553290700663189204,
        0.104790010322250183839876322541518,
        0.140653259715525918745189590510238,
        0.169004726639267902826583426598550,
        0.190350578064785409913256402421014,
        0.204432940075298892414161999234649,
        0.209482141084727828012999174891714,
    };
    /** Gauss weights for the nodes XK[1], XK[3], XK[5], XK[7]. */
    private static final double[] WG = {
        0.129484966168869693270611432679082,
        0.279705391489276667901467771423780,
        0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    };

    /** ∫_a^b g(t) dt, each of the n components to atol + rtol·|I_i|, bisecting at most depth times. */
    static double[] integrate(Integrand g, double a, double b, int n, double atol, double rtol, int depth) {
        double[] result = new double[n];
        double[] err = new double[n];
        rule(g, a, b, n, result, err);
        boolean ok = true;
        for (int i = 0; i < n; i++) if (err[i] > atol + rtol * Math.abs(result[i])) { ok = false; break; }
        if (ok || depth == 0) return result;
        double m = 0.5 * (a + b);
        double[] left = integrate(g, a, m, n, 0.5 * atol, rtol, depth - 1);
        double[] right = integrate(g, m, b, n, 0.5 * atol, rtol, depth - 1);
        for (int i = 0; i < n; i++) result[i] = left[i] + right[i];
        return result;
    }

    /** One (7, 15) application: the Kronrod estimate into res, |Kronrod − Gauss| into err. */
    private static void rule(Integrand g, double a, double b, int n, double[] res, double[] err) {
        double c = 0.5 * (a + b), h = 0.5 * (b - a);
        double[] kron = new double[n], gauss = new double[n];
        double[] fc = g.at(c);
        for (int i = 0; i < n; i++) {
            kron[i] = WK[7] * fc[i];
            gauss[i] = WG[3] * fc[i];
        }
        for (int j = 0; j < 7; j++) {
            double dx = h * XK[j];
            double[] f1 = g.at(c - dx), f2 = g.at(c + dx);
            for (int i = 0; i < n; i++) {
                double s = f1[i] + f2[i];
                kron[i] += WK[j] * s;
                if (j % 2 == 1) gauss[i] += WG[j / 2] * s;
            }
        }
        for (int i = 0; i < n; i++) {
            res[i] = h * kron[i];
            err[i] = Math.abs(h * (kron[i] - gauss[i]));
        }
    }
}
